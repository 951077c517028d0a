"""The moderators' report queue in Django admin: filters, the content in context, actions
(dismiss, warn, remove content, suspend) and their log."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from connections import services as connection_services
from connections.models import ConnectionRequest, Notification
from introductions import services as introduction_services
from introductions.models import Hop, Introduction
from moderation.models import ModerationAction, Report
from recommendations import services as recommendation_services
from recommendations.models import Recommendation
from tests.factories import PositionFactory
from tests.moderation.conftest import report

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:moderation_report_changelist")


def text(response) -> str:
    return response.content.decode()


def act(admin_client, action: str, reports: list[Report], **form: str):
    """Choose the action (the confirmation page), then confirm it with the form."""
    ids = [r.pk for r in reports]
    confirm = admin_client.post(QUEUE, {"action": action, "_selected_action": ids})
    assert confirm.status_code == 200, text(confirm)
    assert 'name="apply"' in text(confirm)
    return admin_client.post(
        QUEUE, {"action": action, "_selected_action": ids, "apply": "1", **form}, follow=True
    )


@pytest.fixture
def profile_report(alice, bob):
    bob.profile.headline = "Cheap pills online"
    bob.profile.summary = "Visit my shop"
    bob.profile.save()
    return report(alice, "profile", "bob", details="Spam in his headline")


@pytest.fixture
def note_report(alice, bob):
    request = connection_services.connection_request_create(
        sender=bob, recipient=alice, note="Buy my course"
    ).request
    return report(alice, "request_note", request.pk)


@pytest.fixture
def intro_report(alice, bob, carol, connect):
    connect(carol, bob)
    connect(bob, alice)
    intro = introduction_services.introduction_request(
        requester=carol,
        target=alice,
        via=[bob],
        message="Invest in my pyramid",
        note_to_broker="Bob, push this",
    )
    introduction_services.introduction_forward(
        introduction_id=intro.pk, broker=bob, endorsement="Worth a chat"
    )
    return report(alice, "introduction", intro.pk, reason="scam")


@pytest.fixture
def recommendation_report(alice, bob, carol, connect):
    connect(alice, bob)
    recommendation = recommendation_services.recommendation_write(
        author=bob,
        subject=alice,
        position_id=PositionFactory(profile=alice.profile).pk,
        relationship="same_team",
        body="Alice owes me money",
    )
    return report(alice, "recommendation", recommendation.pk, reason="harassment")


def test_the_queue_opens_on_open_reports(admin_client, profile_report, moderator):
    response = admin_client.get(QUEUE)
    assert response.status_code == 302 and response["Location"].endswith("?status__exact=open")
    assert "(@bob)" in text(admin_client.get(QUEUE + "?status__exact=open"))
    dismissed = admin_client.get(QUEUE + "?status__exact=dismissed")
    assert list(dismissed.context["cl"].result_list) == []


def test_filters_by_type_and_age(admin_client, profile_report, note_report):
    Report.objects.filter(pk=note_report.pk).update(created_at=timezone.now() - timedelta(days=3))

    def listed(query: str) -> set[int]:
        response = admin_client.get(QUEUE + query)
        assert response.status_code == 200
        return {r.pk for r in response.context["cl"].result_list}

    assert listed("?target_type__exact=profile") == {profile_report.pk}
    assert listed("?target_type__exact=request_note") == {note_report.pk}
    assert listed("?age=day") == {profile_report.pk}
    assert listed("?age=week") == {note_report.pk}
    assert listed("?age=older") == set()
    assert listed("?reason__exact=spam&status__exact=open") == {profile_report.pk, note_report.pk}


def test_the_queue_fetches_rows_in_a_fixed_number_of_queries(admin_client, bob, strangers):
    people = strangers(8)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(QUEUE + "?status__exact=open").status_code == 200
        return len(queries)

    for member in people[:2]:
        report(member, "profile", "bob")
    few = count()
    for member in people[2:]:
        report(member, "profile", "bob")
    assert count() == few


@pytest.mark.parametrize(
    ("fixture", "shown"),
    [
        ("profile_report", ["Cheap pills online", "Visit my shop", "Spam in his headline"]),
        ("note_report", ["Buy my course", "Connection request note"]),
        ("intro_report", ["Invest in my pyramid", "Bob, push this", "Carol Chen"]),
        ("recommendation_report", ["Alice owes me money", "Bob Baker’s recommendation"]),
    ],
)
def test_the_report_shows_the_content_in_context(admin_client, request, fixture, shown):
    reported = request.getfixturevalue(fixture)
    response = admin_client.get(reverse("admin:moderation_report_change", args=[reported.pk]))
    assert response.status_code == 200
    page = text(response)
    for words in shown:
        assert words in page
    assert "see it on the site" in page and "open it in admin" in page
    assert "did not know them" in page  # the member's history


def test_dismiss(admin_client, profile_report, moderator):
    response = act(admin_client, "dismiss", [profile_report], note="Just a bad headline")
    assert "Dismissed 1 report" in text(response)
    profile_report.refresh_from_db()
    assert profile_report.status == Report.Status.DISMISSED
    assert profile_report.resolved_by == moderator
    log = ModerationAction.objects.get()
    assert (log.action, log.moderator, log.report, log.member.username, log.note) == (
        "dismiss",
        moderator,
        profile_report,
        "bob",
        "Just a bad headline",
    )


def test_warn_sends_the_moderators_message(admin_client, profile_report, bob, moderator):
    refused = admin_client.post(
        QUEUE,
        {"action": "warn", "_selected_action": [profile_report.pk], "apply": "1", "message": ""},
    )
    assert refused.status_code == 200 and "This field is required" in text(refused)

    act(admin_client, "warn", [profile_report], message="Please remove the advertising.")

    warning = Notification.objects.get(recipient=bob, kind=Notification.Kind.MODERATION_WARNING)
    assert warning.actor is None
    log = ModerationAction.objects.get(pk=warning.subject_id)
    assert (log.action, log.note, log.moderator) == (
        "warn",
        "Please remove the advertising.",
        moderator,
    )
    profile_report.refresh_from_db()
    assert profile_report.status == Report.Status.ACTIONED


def test_warn_several_reports_about_one_member_warns_once(admin_client, bob, strangers):
    reports = [report(member, "profile", "bob") for member in strangers(3)]
    act(admin_client, "warn", reports, message="Stop it.")
    assert Notification.objects.filter(recipient=bob).count() == 1
    assert not Report.objects.filter(status=Report.Status.OPEN).exists()


def test_remove_a_profile_clears_headline_and_summary(admin_client, profile_report, bob):
    act(admin_client, "remove_content", [profile_report], note="Advertising")
    bob.profile.refresh_from_db()
    assert (bob.profile.headline, bob.profile.summary) == ("", "")
    assert bob.profile.full_name == "Bob Baker"
    assert ModerationAction.objects.get().action == "remove_content"


def test_remove_a_note_clears_it(admin_client, note_report):
    act(admin_client, "remove_content", [note_report])
    assert ConnectionRequest.objects.get(pk=note_report.target_id).note == ""


def test_remove_an_introduction_blanks_what_its_author_wrote(admin_client, intro_report):
    act(admin_client, "remove_content", [intro_report])
    intro = Introduction.objects.get(pk=intro_report.target_id)
    assert intro.message == ""
    hop = Hop.objects.get(introduction=intro, position=0)
    assert hop.note == ""
    assert hop.endorsement == "Worth a chat"  # the broker's own words stay


def test_remove_a_recommendation_takes_it_down(admin_client, recommendation_report):
    act(admin_client, "remove_content", [recommendation_report])
    recommendation = Recommendation.objects.get(pk=recommendation_report.target_id)
    assert recommendation.moderated_at is not None


def test_removing_closes_every_open_report_about_it(admin_client, profile_report, carol):
    other = report(carol, "profile", "bob")
    act(admin_client, "remove_content", [profile_report])
    other.refresh_from_db()
    assert other.status == Report.Status.ACTIONED


def test_suspend(admin_client, profile_report, note_report, bob, alice, moderator):
    response = act(admin_client, "suspend", [profile_report], note="Spammer")
    assert "Suspended 1 member" in text(response)
    bob.refresh_from_db()
    assert bob.is_suspended
    # Every open report about him is closed; the log has one entry.
    assert not Report.objects.filter(status=Report.Status.OPEN).exists()
    assert list(ModerationAction.objects.values_list("action", "member__username")) == [
        ("suspend", "bob")
    ]


def test_the_log_is_shown_and_read_only(admin_client, profile_report):
    act(admin_client, "dismiss", [profile_report], note="Fine")
    log = reverse("admin:moderation_moderationaction_changelist")
    page = text(admin_client.get(log))
    assert "Dismissed the report" in page and "moderator" in page
    change = text(
        admin_client.get(reverse("admin:moderation_report_change", args=[profile_report.pk]))
    )
    assert "actions taken (the log)" in change.lower() and "Fine" in change
    action = ModerationAction.objects.get()
    response = admin_client.post(
        reverse("admin:moderation_moderationaction_change", args=[action.pk]), {"note": "edited"}
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.note == "Fine"


def test_other_admin_pages_render(admin_client, profile_report, strangers):
    for name in ["memberrestriction", "moderationaction", "dontknowanswer"]:
        response = admin_client.get(reverse(f"admin:moderation_{name}_changelist"), {"q": "bob"})
        assert response.status_code == 200
