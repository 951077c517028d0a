from datetime import date, timedelta

import pytest
from django.utils import timezone

from profiles.models import Position, User
from reach import attributes


@pytest.fixture(autouse=True)
def _fresh_attributes() -> None:
    # Like memgraph.forget() in tests/conftest.py: no arrays left from another test's database.
    attributes.forget()


def set_company(member: User, organization: str, *, start: date | None = None) -> Position:
    return Position.objects.create(
        profile=member.profile,
        title="Engineer",
        organization=organization,
        start_date=start or date(2020, 1, 1),
        is_current=True,
    )


def make_active(member: User, *, days_ago: int = 3) -> None:
    """Logged in recently: an active broker for their connections."""
    User.objects.filter(pk=member.pk).update(last_login=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def person(make_member):
    """A member with an industry, location and (optional) current company."""

    def make(
        handle: str,
        *,
        industry: str = "aviation",
        location: str = "Lisbon",
        company: str | None = None,
        headline: str = "Engineer",
        active: bool = False,
        **profile: object,
    ) -> User:
        member = make_member(
            handle,
            full_name=handle.title(),
            industry=industry,
            location=location,
            headline=headline,
            **profile,
        )
        if company:
            set_company(member, company)
        if active:
            make_active(member)
        return member

    return make
