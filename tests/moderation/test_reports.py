"""Members report profiles, request notes, introduction messages and recommendations:
on a page (/report/<type>/<id>/, with htmx) and in the API (POST /api/v1/reports/)."""

import pytest

from common.exceptions import ApplicationError
from connections import services as connection_services
from introductions import services as introduction_services
from introductions.models import MessageReport
from moderation import services
from moderation.models import Report
from profiles.services import member_suspend
from recommendations import services as recommendation_services
from tests.factories import PositionFactory
from tests.moderation.conftest import HTMX, report

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"


def body(response) -> str:
    return response.content.decode()


# -- the API --------------------------------------------------------------------------


def test_report_a_profile_in_the_api(api_as, alice, bob):
    response = api_as(alice).post(
        URL, {"type": "profile", "id": "bob", "reason": "fake", "details": "Not a real person"}
    )

    assert response.status_code == 201
    data = response.json()
    assert data["type"] == "profile" and data["reason"] == "fake" and data["status"] == "open"
    report = Report.objects.get(pk=data["id"])
    assert (report.reporter, report.reported_member, report.target_id) == (alice, bob, bob.pk)
    assert report.details == "Not a real person"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "profile", "id": "bob", "reason": "spam", "reporter": 1}, "reporter"),
        ({"type": "profile", "id": "bob", "reason": "spam", "status": "closed"}, "status"),
        ({"type": "profile", "id": "bob", "reason": "rude"}, "reason"),
        ({"type": "member", "id": "bob", "reason": "spam"}, "type"),
        ({"type": "profile", "reason": "spam"}, "id"),
        ({"type": "profile", "id": "bob", "reason": "other"}, "details"),
        ({"type": "profile", "id": "bob", "reason": "spam", "details": "x" * 1001}, "details"),
    ],
)
def test_writes_are_an_allow_list_in_one_error_format(api_as, alice, bob, payload, field):
    response = api_as(alice).post(URL, payload)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]
    assert not Report.objects.exists()


def test_what_you_cannot_see_is_the_same_404_as_what_does_not_exist(
    api_as, alice, bob, carol, make_member
):
    dave = make_member("dave")
    connection_services.block_create(blocker=carol, blocked=alice)
    member_suspend(member=dave)
    client = api_as(alice)

    missing = client.post(URL, {"type": "profile", "id": "nobody", "reason": "spam"})
    blocked = client.post(URL, {"type": "profile", "id": "carol", "reason": "spam"})
    suspended = client.post(URL, {"type": "profile", "id": "dave", "reason": "spam"})
    bad_handle = client.post(URL, {"type": "profile", "id": "\u00e9?", "reason": "spam"})
    no_request = client.post(URL, {"type": "request_note", "id": 999999, "reason": "spam"})
    not_a_number = client.post(URL, {"type": "introduction", "id": "x1", "reason": "spam"})

    for response in (missing, blocked, suspended, bad_handle, no_request, not_a_number):
        assert response.status_code == 404
        assert response.content == missing.content
    assert not Report.objects.exists()


def test_you_cannot_report_yourself(api_as, alice):
    response = api_as(alice).post(URL, {"type": "profile", "id": "alice", "reason": "spam"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "own_content"


def test_one_open_report_per_target_then_again_once_resolved(api_as, alice, bob, moderator):
    client = api_as(alice)
    first = client.post(URL, {"type": "profile", "id": "bob", "reason": "spam"})
    again = client.post(URL, {"type": "profile", "id": "bob", "reason": "scam"})

    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_reported"
    assert Report.objects.count() == 1

    services.report_dismiss(report=Report.objects.get(), moderator=moderator)
    assert client.post(URL, {"type": "profile", "id": "bob", "reason": "scam"}).status_code == 201
    assert Report.objects.filter(status=Report.Status.OPEN).count() == 1


def test_the_database_holds_one_open_report_per_target(alice, bob):
    report(alice, "profile", "bob")
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(
            reporter=alice,
            reported_member=bob,
            target_type="profile",
            target_id=bob.pk,
            reason="spam",
        )


# -- each kind of content ----------------------------------------------------------------


def test_only_the_recipient_reports_a_request_note(api_as, alice, bob, carol):
    request = connection_services.connection_request_create(
        sender=bob, recipient=alice, note="Buy cheap watches"
    ).request
    payload = {"type": "request_note", "id": request.pk, "reason": "spam"}

    assert api_as(carol).post(URL, payload).status_code == 404
    assert api_as(bob).post(URL, payload).status_code == 403
    response = api_as(alice).post(URL, payload)
    assert response.status_code == 201
    assert Report.objects.get().reported_member == bob

    silent = connection_services.connection_request_create(sender=carol, recipient=alice).request
    response = api_as(alice).post(URL, {**payload, "id": silent.pk})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "nothing_to_report"


@pytest.fixture
def introduction(alice, bob, carol, connect):
    """Carol asks Bob to introduce her to Alice; Bob forwards it."""
    connect(carol, bob)
    connect(bob, alice)
    intro = introduction_services.introduction_request(
        requester=carol,
        target=alice,
        via=[bob],
        message="Invest in my pyramid",
        note_to_broker="Please",
    )
    introduction_services.introduction_forward(
        introduction_id=intro.pk, broker=bob, endorsement="Fine"
    )
    return intro


def test_report_an_introduction_message_in_the_api(
    api_as, client, alice, carol, make_member, introduction
):
    payload = {"type": "introduction", "id": introduction.pk, "reason": "scam"}

    assert api_as(make_member("zoe")).post(URL, payload).status_code == 404
    assert api_as(carol).post(URL, payload).status_code == 403
    assert api_as(alice).post(URL, payload).status_code == 201
    report = Report.objects.get()
    assert (report.reported_member, report.target_type) == (carol, "introduction")
    # The introduction page knows too: no second report form there.
    assert MessageReport.objects.filter(introduction=introduction, reporter=alice).exists()
    client.force_login(alice)
    page = body(client.get(f"/introductions/{introduction.pk}/"))
    assert "You reported this message." in page and "Report this message" not in page


def test_the_introduction_page_report_joins_the_queue(client, alice, carol, introduction):
    client.force_login(alice)
    response = client.post(
        f"/introductions/{introduction.pk}/report/", {"reason": "Pyramid scheme"}, **HTMX
    )

    assert response.status_code == 200
    report = Report.objects.get()
    assert (report.reporter, report.reported_member) == (alice, carol)
    assert (report.reason, report.details) == ("other", "Pyramid scheme")
    assert MessageReport.objects.count() == 1


@pytest.fixture
def recommendation(alice, bob, connect):
    """Bob recommends Alice, and Alice puts it on her profile."""
    connect(alice, bob)
    position = PositionFactory(profile=alice.profile)
    written = recommendation_services.recommendation_write(
        author=bob,
        subject=alice,
        position_id=position.pk,
        relationship="same_team",
        body="Alice is a great engineer and paid me to say so",
    )
    return written


def test_report_a_recommendation(api_as, alice, bob, carol, recommendation):
    payload = {"type": "recommendation", "id": recommendation.pk, "reason": "inappropriate"}

    # Waiting for approval: only its subject sees it.
    assert api_as(carol).post(URL, payload).status_code == 404
    assert api_as(bob).post(URL, payload).status_code == 403
    recommendation_services.recommendation_approve(
        recommendation_id=recommendation.pk, member=alice
    )
    # Published: anyone who may see Alice's profile may report it.
    assert api_as(carol).post(URL, payload).status_code == 201
    assert api_as(alice).post(URL, payload).status_code == 201
    assert set(Report.objects.values_list("reported_member", flat=True)) == {bob.pk}


# -- the page -------------------------------------------------------------------------------


def test_report_page_with_htmx(client, alice, bob):
    client.force_login(alice)
    page = client.get("/report/profile/bob/")
    assert page.status_code == 200
    assert "Report Bob Baker’s profile" in body(page)
    assert 'hx-post="/report/profile/bob/"' in body(page)

    invalid = client.post("/report/profile/bob/", {"reason": "other", "details": ""}, **HTMX)
    assert invalid.status_code == 400
    assert "Say what is wrong in a few words." in body(invalid)
    assert "<html" not in body(invalid)  # the card only, swapped in place

    done = client.post("/report/profile/bob/", {"reason": "harassment"}, **HTMX)
    assert done.status_code == 200
    assert "your report was sent" in body(done)
    assert Report.objects.get().reason == "harassment"
    assert "You reported this on" in body(client.get("/report/profile/bob/"))


def test_report_page_without_javascript(client, alice, bob):
    client.force_login(alice)
    response = client.post("/report/profile/bob/", {"reason": "spam"})
    assert response.status_code == 200
    assert "<html" in body(response) and "your report was sent" in body(response)


def test_report_page_for_hidden_or_own_content(client, alice, bob, carol):
    connection_services.block_create(blocker=carol, blocked=alice)
    client.force_login(alice)
    missing = client.get("/report/profile/nobody/")
    blocked = client.get("/report/profile/carol/")
    unknown_type = client.get("/report/anything/1/")
    assert missing.status_code == blocked.status_code == unknown_type.status_code == 404
    assert missing.content == blocked.content
    own = client.get("/report/profile/alice/")
    assert own.status_code == 403 and "your own" in body(own)
    assert client.post("/report/profile/carol/", {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_profile_page_links_to_the_report_page(client, alice, bob):
    client.force_login(alice)
    assert 'href="/report/profile/bob/"' in body(client.get("/in/bob/"))
    assert "/report/profile/alice/" not in body(client.get("/in/alice/"))


def test_request_rows_offer_a_report_link_for_the_note(client, alice, bob):
    request = connection_services.connection_request_create(
        sender=bob, recipient=alice, note="Buy cheap watches"
    ).request
    client.force_login(alice)
    assert f'href="/report/request_note/{request.pk}/"' in body(client.get("/network/requests/"))
    assert f'href="/report/request_note/{request.pk}/"' in body(client.get("/in/bob/"))
    client.force_login(bob)
    assert "/report/request_note/" not in body(client.get("/network/requests/sent/"))


def test_service_refuses_a_reason_outside_the_list(alice, bob):
    with pytest.raises(ApplicationError) as refused:
        report(alice, "profile", "bob", reason="because")
    assert refused.value.status == 400
