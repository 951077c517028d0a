"""Automatic limits: many distinct members who report someone, or ignore their connection
request saying "I don't know this person", limit that member until a moderator lifts it.
A limited member can create nothing aimed at others, on any surface."""

from datetime import timedelta
from functools import partial

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from connections import services as connection_services
from connections.models import ConnectionRequest, Invitation
from introductions.models import Introduction
from moderation import services
from moderation.models import DontKnowAnswer, MemberRestriction, ModerationAction, Report
from tests.concurrency import run_together
from tests.moderation.conftest import HTMX, report

pytestmark = pytest.mark.django_db

LIMITED = "Your account is limited while our moderators review it"


def dont_know(member, sender):
    """`sender` asks `member` to connect; `member` ignores it: "I don't know this person"."""
    request = connection_services.connection_request_create(sender=sender, recipient=member)
    return connection_services.connection_request_ignore(
        request_id=request.request.pk, member=member, dont_know=True
    )


# -- "I don't know this person" ----------------------------------------------------------


def test_dont_know_on_the_requests_page(client, alice, bob):
    request = connection_services.connection_request_create(sender=bob, recipient=alice).request
    client.force_login(alice)
    page = client.get("/network/requests/")
    assert 'name="dont_know" value="1"' in page.content.decode()

    response = client.post(f"/network/requests/{request.pk}/ignore/", {"dont_know": "1"}, **HTMX)

    assert response.status_code == 200
    answer = DontKnowAnswer.objects.get()
    assert (answer.member, answer.sender, answer.request_id) == (alice, bob, request.pk)
    request.refresh_from_db()
    assert request.status == ConnectionRequest.Status.IGNORED


def test_plain_ignore_records_no_answer(client, alice, bob):
    request = connection_services.connection_request_create(sender=bob, recipient=alice).request
    client.force_login(alice)
    client.post(f"/network/requests/{request.pk}/ignore/", **HTMX)
    assert not DontKnowAnswer.objects.exists()


def test_dont_know_on_the_profile_page(client, alice, bob):
    connection_services.connection_request_create(sender=bob, recipient=alice)
    client.force_login(alice)
    response = client.post("/in/bob/ignore/", {"dont_know": "1"}, **HTMX)
    assert response.status_code == 200
    assert "telling us helps" in response.content.decode()
    assert DontKnowAnswer.objects.get().sender == bob


@pytest.mark.parametrize("action", ["ignore", "decline"])
def test_dont_know_in_the_api(api_as, alice, bob, action):
    request = connection_services.connection_request_create(sender=bob, recipient=alice).request
    url = f"/api/v1/connection-requests/{request.pk}/{action}/"

    refused = api_as(alice).post(url, {"dont_know": True, "sender": "x"})
    assert refused.status_code == 400 and "sender" in refused.json()["error"]["fields"]
    response = api_as(alice).post(url, {"dont_know": True})

    assert response.status_code == 200
    assert DontKnowAnswer.objects.get().sender == bob
    # The sender still sees a pending request, and nothing else.
    sent = api_as(bob).get("/api/v1/connection-requests/?direction=sent").json()["results"]
    assert [row["status"] for row in sent] == ["pending"]


def test_ignore_without_a_body_still_works(api_as, alice, bob):
    request = connection_services.connection_request_create(sender=bob, recipient=alice).request
    response = api_as(alice).post(f"/api/v1/connection-requests/{request.pk}/ignore/")
    assert response.status_code == 200
    assert not DontKnowAnswer.objects.exists()


# -- the automatic limit ----------------------------------------------------------------------


def test_five_members_who_do_not_know_someone_limit_them(bob, strangers):
    people = strangers(5)
    for member in people[:4]:
        dont_know(member, bob)
    assert not services.is_limited(bob.pk)

    dont_know(people[4], bob)

    assert services.is_limited(bob.pk)
    restriction = MemberRestriction.objects.get(member=bob)
    assert restriction.kind == MemberRestriction.Kind.AUTOMATIC
    assert "did not know them" in restriction.reason
    log = ModerationAction.objects.get(member=bob)
    assert (log.action, log.moderator) == (ModerationAction.Action.RESTRICT, None)


def test_reports_and_dont_know_answers_add_up_by_distinct_member(bob, strangers):
    people = strangers(5)
    report(people[0], "profile", "bob")
    report(people[1], "profile", "bob")
    dont_know(people[1], bob)  # the same member twice counts once
    dont_know(people[2], bob)
    report(people[3], "profile", "bob")
    assert services.complaints_about(bob.pk) == services.Complaints(
        reporters=3, dont_know=2, distinct=4
    )
    assert not services.is_limited(bob.pk)

    dont_know(people[4], bob)

    assert services.is_limited(bob.pk)


@override_settings(MODERATION_AUTO_LIMIT_THRESHOLD=3)
def test_the_threshold_is_a_setting(bob, strangers):
    for member in strangers(3):
        report(member, "profile", "bob")
    assert services.is_limited(bob.pk)


def test_dismissed_and_old_complaints_do_not_count(bob, strangers, moderator):
    people = strangers(5)
    for member in people[:4]:
        report(member, "profile", "bob")
    services.report_dismiss(
        report=Report.objects.filter(reporter=people[0]).get(), moderator=moderator
    )
    # A month and a day ago: outside the window.
    Report.objects.filter(reporter=people[1]).update(created_at=timezone.now() - timedelta(days=31))

    report(people[4], "profile", "bob")

    assert services.complaints_about(bob.pk).distinct == 3
    assert not services.is_limited(bob.pk)


@pytest.fixture
def limited(bob, strangers):
    for member in strangers(5):
        report(member, "profile", "bob")
    assert services.is_limited(bob.pk)
    return bob


# -- enforced on every surface that creates something for others -----------------------------


def assert_limited(response):
    assert response.status_code == 403, response.content
    data = response.json()["error"]
    assert data["code"] == "account_limited" and LIMITED in data["message"]


def test_limited_member_cannot_send_requests_in_the_api(api_as, limited, alice):
    assert_limited(api_as(limited).post("/api/v1/connection-requests/", {"to": "alice"}))
    assert not ConnectionRequest.objects.filter(from_member=limited).exists()


def test_limited_member_may_still_accept_by_asking_back(api_as, limited, alice):
    connection_services.connection_request_create(sender=alice, recipient=limited)
    response = api_as(limited).post("/api/v1/connection-requests/", {"to": "alice"})
    assert response.status_code == 200 and response.json()["connected"] is True


def test_limited_member_cannot_send_requests_on_the_profile_page(client, limited, alice):
    client.force_login(limited)
    response = client.post("/in/alice/connect/", {"note": ""}, **HTMX)
    assert response.status_code == 403
    assert LIMITED in response.content.decode()
    assert not ConnectionRequest.objects.filter(from_member=limited).exists()


def test_limited_member_cannot_invite(api_as, client, limited):
    assert_limited(api_as(limited).post("/api/v1/invitations/", {"email": "new@example.org"}))
    client.force_login(limited)
    response = client.post("/network/invitations/", {"email": "new@example.org", "message": ""})
    assert response.status_code == 403
    assert LIMITED in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.fixture
def path(limited, alice, carol, connect):
    """bob (limited) – carol – alice: Bob could ask Carol to introduce him to Alice."""
    connect(limited, carol)
    connect(carol, alice)
    return limited


def test_limited_member_cannot_ask_for_introductions(api_as, client, path, alice, carol):
    response = api_as(path).post(
        "/api/v1/introductions/",
        {"target": "alice", "via": ["carol"], "message": "Hello Alice"},
    )
    assert_limited(response)
    client.force_login(path)
    response = client.post(
        reverse("introduction-request", args=["alice"]),
        {"via": str(carol.pk), "message": "Hello Alice", "note_to_broker": ""},
    )
    assert response.status_code == 403
    assert LIMITED in response.content.decode()
    assert not Introduction.objects.exists()


def test_limited_member_cannot_offer_introductions(api_as, limited, alice, carol, connect):
    connect(limited, alice)
    connect(limited, carol)
    response = api_as(limited).post(
        "/api/v1/introductions/offers/",
        {"first": "alice", "second": "carol", "message": "Meet each other"},
    )
    assert_limited(response)
    assert not Introduction.objects.exists()


def test_limited_member_cannot_post_asks(api_as, limited):
    response = api_as(limited).post(
        "/api/v1/asks/", {"title": "Need a job", "body": "Anything with money"}
    )
    assert_limited(response)


def test_limited_member_can_still_use_the_rest(api_as, limited, alice):
    client = api_as(limited)
    assert client.get("/api/v1/me/").status_code == 200
    assert client.patch("/api/v1/me/", {"headline": "Reformed"}).status_code == 200
    assert (
        client.post(
            "/api/v1/reports/", {"type": "profile", "id": "alice", "reason": "spam"}
        ).status_code
        == 201
    )


# -- lifted by a moderator -------------------------------------------------------------------


def test_admin_lifts_the_limit_and_old_complaints_stop_counting(
    admin_client, api_as, limited, alice, make_member, moderator
):
    restriction = MemberRestriction.objects.get(member=limited)
    response = admin_client.post(
        reverse("admin:moderation_memberrestriction_changelist"),
        {"action": "lift", "_selected_action": [restriction.pk]},
        follow=True,
    )
    assert "Lifted 1 limit" in response.content.decode()
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None and restriction.lifted_by == moderator
    assert ModerationAction.objects.filter(
        member=limited, action=ModerationAction.Action.LIFT_RESTRICTION, moderator=moderator
    ).exists()

    assert api_as(limited).post("/api/v1/connection-requests/", {"to": "alice"}).status_code == 201
    # One new complaint does not bring the limit back: the reviewed ones no longer count.
    dont_know(make_member("newcomer"), limited)
    assert not services.is_limited(limited.pk)
    assert services.complaints_about(limited.pk).distinct == 1


def test_admin_lifts_the_limit_from_the_report_queue(admin_client, limited):
    ids = list(Report.objects.filter(reported_member=limited).values_list("pk", flat=True))
    url = reverse("admin:moderation_report_changelist")
    confirm = admin_client.post(url, {"action": "lift_limit", "_selected_action": ids[:1]})
    assert confirm.status_code == 200 and b"Lift the limit" in confirm.content
    admin_client.post(
        url, {"action": "lift_limit", "_selected_action": ids[:1], "apply": "1", "note": "ok"}
    )
    assert not services.is_limited(limited.pk)


def test_one_active_limit_per_member_in_the_database(limited):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MemberRestriction.objects.create(member=limited, kind="manual", reason="again")


def test_evaluating_twice_limits_once(bob, strangers):
    for member in strangers(5):
        report(member, "profile", "bob")
    assert services.auto_limit_evaluate(bob.pk) is None
    assert MemberRestriction.objects.filter(member=bob).count() == 1
    assert ModerationAction.objects.filter(member=bob).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_last_complaints_arriving_together_still_limit(bob, strangers):
    people = strangers(6)
    for member in people[:3]:
        report(member, "profile", "bob")

    results = run_together(
        partial(report, people[3], "profile", "bob"),
        partial(report, people[4], "profile", "bob"),
        partial(report, people[5], "profile", "bob"),
    )

    assert all(isinstance(r, Report) for r in results), results
    assert services.is_limited(bob.pk)
    assert MemberRestriction.objects.filter(member=bob).count() == 1
