"""The reporter stays anonymous to the reported member on every surface: pages, API,
notifications and e-mail. So does whoever said "I don't know this person"."""

import pytest
from django.core import mail

from connections import services as connection_services
from moderation import services
from moderation.models import Report
from tests.moderation.conftest import report

pytestmark = pytest.mark.django_db

PAGES = [
    "/home/",
    "/in/bob/",
    "/network/",
    "/network/requests/",
    "/network/requests/sent/",
    "/notifications/",
    "/introductions/",
]
API = [
    "/api/v1/me/",
    "/api/v1/notifications/",
    "/api/v1/connection-requests/?direction=sent",
    "/api/v1/connection-requests/?direction=received",
    "/api/v1/connections/",
]


def everything_bob_sees(client, api) -> str:
    seen = []
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        seen.append(response.content.decode())
    for url in API:
        response = api.get(url)
        assert response.status_code == 200, url
        seen.append(response.content.decode())
    seen.extend(
        f"{m.subject}\n{m.body}\n{getattr(m, 'alternatives', '')}"
        for m in mail.outbox
        if "bob" in m.to[0]
    )
    return "\n".join(seen)


def test_reported_member_never_learns_who_reported_them(
    client, api_as, alice, bob, make_member, moderator, django_capture_on_commit_callbacks
):
    dave = make_member("dave", full_name="Dave Dunn")
    request = connection_services.connection_request_create(sender=bob, recipient=dave).request
    with django_capture_on_commit_callbacks(execute=True):
        reported = report(alice, "profile", "bob", details="Alice Archer thinks this is spam")
        connection_services.connection_request_ignore(
            request_id=request.pk, member=dave, dont_know=True
        )
        services.member_warn(
            member=bob,
            moderator=moderator,
            message="Please keep your headline about your work.",
            reports=[reported],
        )
    assert Report.objects.get().status == Report.Status.ACTIONED
    client.force_login(bob)

    seen = everything_bob_sees(client, api_as(bob))

    # He is warned, with the moderator's words, in the app and by e-mail...
    assert "Please keep your headline about your work." in seen
    assert "A warning from the LinkUp moderators" in seen
    assert any("warning" in m.subject.lower() for m in mail.outbox if m.to == [bob.email])
    # ...and nothing names the reporter or hints at the "I don't know" answer.
    for secret in ["alice", "Alice Archer", "reported", "don’t know", "don't know", "moderator@"]:
        assert secret not in seen, secret
    # His request to Dave still looks pending to him.
    sent = api_as(bob).get("/api/v1/connection-requests/?direction=sent").json()["results"]
    assert [row["status"] for row in sent] == ["pending"]


def test_the_warning_notification_has_no_actor(api_as, alice, bob, moderator):
    reported = report(alice, "profile", "bob")
    services.member_warn(
        member=bob, moderator=moderator, message="Mind your tone.", reports=[reported]
    )
    (notification,) = api_as(bob).get("/api/v1/notifications/").json()["results"]
    assert notification["kind"] == "moderation_warning"
    assert notification.get("actor") is None
    assert "alice" not in str(notification) and "moderator" not in str(notification).replace(
        "moderators", ""
    )
