from datetime import date

import pytest

from connections import memgraph
from profiles.models import Education, Position, User


@pytest.fixture
def people(make_member):
    """Make members by name: people("dave", "erin") -> {"dave": User, "erin": User}."""

    def make(*names: str) -> dict[str, User]:
        return {name: make_member(name, full_name=f"{name.title()} Example") for name in names}

    return make


@pytest.fixture
def works_at():
    def add(
        member: User,
        organization: str,
        start: date,
        end: date | None = None,
        *,
        current: bool | None = None,
    ) -> Position:
        return Position.objects.create(
            profile_id=member.pk,
            title="Engineer",
            organization=organization,
            start_date=start,
            end_date=end,
            is_current=end is None if current is None else current,
        )

    return add


@pytest.fixture
def studied_at():
    def add(member: User, school: str, start: int | None, end: int | None) -> Education:
        return Education.objects.create(
            profile_id=member.pk, school=school, start_year=start, end_year=end
        )

    return add


@pytest.fixture
def fresh_graph():
    """Forget the in-memory graph: edges added with graph.add_edge (no GraphChange row,
    unlike the services) are then read afresh."""

    def forget() -> None:
        memgraph.forget()

    return forget
