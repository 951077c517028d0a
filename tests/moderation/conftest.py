from typing import cast

import pytest

from moderation import services
from moderation.models import Report
from profiles.models import User
from tests.factories import UserFactory


@pytest.fixture
def moderator(db) -> User:
    return cast(User, UserFactory(username="moderator", is_staff=True, is_superuser=True))


@pytest.fixture
def admin_client(client, moderator):
    client.force_login(moderator)
    return client


@pytest.fixture
def strangers(db):
    """Members who have nothing to do with anyone: n of them, named stranger-0..."""

    def make(n: int) -> list[User]:
        return [cast(User, UserFactory(username=f"stranger-{i}")) for i in range(n)]

    return make


def report(member: User, target_type: str, target_id: object, **kwargs: str) -> Report:
    return services.report_create(
        reporter=member,
        target_type=target_type,
        target_id=target_id,
        reason=kwargs.get("reason", Report.Reason.SPAM),
        details=kwargs.get("details", ""),
    )


HTMX = {"HTTP_HX_REQUEST": "true"}
