"""Introduction pages, as each participant sees them.

The story: john — pete — me — ann — adam (zoe a stranger). "Me" is called Maya Lind
here, so that her name can be looked for in a page.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from connections import graph
from connections import services as connection_services
from connections.models import Block, Invitation, Notification
from introductions import services
from introductions.models import Introduction, MessageReport, Outcome
from profiles.services import member_suspend

Status = Introduction.Status
HTMX = {"HTTP_HX_REQUEST": "true"}
SECRET_NOTE = "Pete, between us: he owes me one"
MESSAGE = "I read your resume: could we talk about route planning?"


@pytest.fixture
def people(story):
    """The story, with names that can be searched for in a page."""
    names = {
        "john": "John Carter",
        "pete": "Pete Novak",
        "me": "Maya Lind",
        "ann": "Ann Okafor",
        "adam": "Adam Reyes",
        "zoe": "Zoe Stranger",
    }
    for handle, full_name in names.items():
        profile = story[handle].profile
        profile.full_name = full_name
        profile.contact_email = f"{handle}.contact@example.net"
        profile.save()
        story[handle].refresh_from_db()
    return story


def ask(people, target="me", via=("pete",), requester="john", **kwargs):
    return services.introduction_request(
        requester=people[requester],
        target=people[target],
        via=[people[v] for v in via],
        message=kwargs.pop("message", MESSAGE),
        note_to_broker=kwargs.pop("note_to_broker", SECRET_NOTE),
        **kwargs,
    )


def forward(people, intro, broker="pete", endorsement="John is great to work with."):
    return services.introduction_forward(
        introduction_id=intro.pk, broker=people[broker], endorsement=endorsement
    )


def page(client, member, url, **extra):
    client.force_login(member)
    return client.get(url, **extra)


def text(response) -> str:
    return response.content.decode()


def detail(intro) -> str:
    return f"/introductions/{intro.pk}/"


def not_found_body(client, member) -> bytes:
    client.force_login(member)
    return client.get("/introductions/999999/").content


# -- get introduced ----------------------------------------------------------------------


@pytest.mark.django_db
class TestGetIntroduced:
    def test_profile_entry_points(self, client, people):
        body = text(page(client, people["john"], "/in/me/"))
        assert 'href="/in/me/get-introduced/"' in body
        assert "Introduce to…" not in body  # Maya is not John's connection
        body = text(client.get("/in/pete/"))
        assert 'href="/introductions/offer/?with=pete"' in body
        assert "get-introduced" not in body  # 1st degree: no introduction needed
        body = text(client.get("/in/zoe/"))
        assert "get-introduced" not in body  # out of network

    def test_second_degree_lists_brokers_with_their_record(self, client, people):
        services.broker_settings_update(
            member=people["pete"], capacity_per_month=10, topics="Aviation, hiring", paused=False
        )
        response = page(client, people["john"], "/in/me/get-introduced/")
        assert response.status_code == 200
        body = text(response)
        assert "Get introduced to Maya Lind" in body
        assert f'name="via" value="{people["pete"].pk}"' in body
        assert "Pete Novak" in body and "No requests yet" in body
        assert "Introduces people for: Aviation, hiring" in body
        assert "You have 0 of 5 open requests" in body

    def test_record_counts_forwards_and_marks_unavailable(self, client, people, make_member):
        other = make_member("kim", full_name="Kim Park")
        graph.add_edge(other.pk, people["pete"].pk)
        first = services.introduction_request(
            requester=other, target=people["john"], via=[people["pete"]], message="hi"
        )
        services.introduction_forward(introduction_id=first.pk, broker=people["pete"])
        services.broker_settings_update(
            member=people["pete"], capacity_per_month=1, topics="", paused=False
        )
        body = text(page(client, people["john"], "/in/me/get-introduced/"))
        assert "Forwards 1 of 1" in body
        assert "Not taking requests now" in body
        assert re.search(rf'value="{people["pete"].pk}"[^>]*disabled', body)

    def test_third_degree_offers_paths_of_two_brokers(self, client, people):
        body = text(page(client, people["john"], "/in/ann/get-introduced/"))
        key = f"{people['pete'].pk},{people['me'].pk}"
        assert f'name="via" value="{key}"' in body
        assert body.index("Pete Novak") < body.index("Maya Lind") < body.rindex("Ann Okafor")

    def test_submit_creates_the_request_and_opens_it(self, client, people):
        client.force_login(people["john"])
        response = client.post(
            "/in/me/get-introduced/",
            {"via": people["pete"].pk, "message": MESSAGE, "note_to_broker": SECRET_NOTE},
        )
        intro = Introduction.objects.get()
        assert response.status_code == 302
        assert response["Location"] == detail(intro)
        assert intro.target == people["me"] and intro.message == MESSAGE
        assert intro.hops.get().note == SECRET_NOTE
        body = text(client.get(detail(intro)))
        assert "Your request is on its way." in body
        assert "With Pete Novak" in body

    def test_third_degree_submit_builds_the_chain(self, client, people):
        client.force_login(people["john"])
        response = client.post(
            "/in/ann/get-introduced/",
            {"via": f"{people['pete'].pk},{people['me'].pk}", "message": MESSAGE},
        )
        assert response.status_code == 302
        intro = Introduction.objects.get()
        assert [h.broker_id for h in intro.hops.order_by("position")] == [
            people["pete"].pk,
            people["me"].pk,
        ]

    def test_missing_message_and_broker_are_form_errors(self, client, people):
        client.force_login(people["john"])
        response = client.post("/in/me/get-introduced/", {"message": "  "})
        assert response.status_code == 400
        body = text(response)
        assert "Choose who should introduce you." in body
        assert "Write a message for the person you want to meet." in body
        assert not Introduction.objects.exists()

    def test_a_broker_not_offered_is_refused(self, client, people):
        client.force_login(people["john"])
        response = client.post(
            "/in/me/get-introduced/", {"via": people["zoe"].pk, "message": MESSAGE}
        )
        assert response.status_code == 400
        assert "Select a valid choice" in text(response)
        response = client.post("/in/me/get-introduced/", {"via": "1,x", "message": MESSAGE})
        assert response.status_code == 400

    def test_already_open_is_409_with_the_message(self, client, people):
        ask(people)
        client.force_login(people["john"])
        body = text(client.get("/in/me/get-introduced/"))
        assert "You already have an open introduction request for Maya Lind." in body
        response = client.post(
            "/in/me/get-introduced/", {"via": people["pete"].pk, "message": MESSAGE}
        )
        assert response.status_code == 409
        assert "You already have an open introduction request for this person." in text(response)
        assert Introduction.objects.count() == 1

    def test_open_request_quota_is_429_with_retry_after(self, client, people, monkeypatch):
        monkeypatch.setattr(services, "OPEN_LIMIT", 1)
        ask(people)
        client.force_login(people["john"])
        response = client.post(
            "/in/ann/get-introduced/",
            {"via": f"{people['pete'].pk},{people['me'].pk}", "message": MESSAGE},
        )
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert "You have 1 open introduction requests" in text(response)
        assert f'value="{people["pete"].pk},{people["me"].pk}" checked' in text(response)

    def test_paused_broker_is_409(self, client, people):
        services.broker_settings_update(
            member=people["pete"], capacity_per_month=10, topics="", paused=True
        )
        client.force_login(people["john"])
        response = client.post(
            "/in/me/get-introduced/", {"via": people["pete"].pk, "message": MESSAGE}
        )
        assert response.status_code == 409
        assert "Pete Novak is not taking introduction requests right now." in text(response)

    def test_connected_or_unreachable_members_get_an_explanation(self, client, people):
        client.force_login(people["john"])
        assert "already connected" in text(client.get("/in/pete/get-introduced/"))
        assert "not within three steps" in text(client.get("/in/zoe/get-introduced/"))
        assert client.get("/in/john/get-introduced/").status_code == 302

    def test_hidden_members_are_404(self, client, people):
        Block.objects.create(blocker=people["me"], blocked=people["john"])
        client.force_login(people["john"])
        assert client.get("/in/me/get-introduced/").status_code == 404
        assert client.get("/in/nobody/get-introduced/").status_code == 404


# -- one introduction, per role -----------------------------------------------------------


@pytest.mark.django_db
class TestDetailPerRole:
    def test_requester_broker_and_target_each_see_their_page(self, client, people):
        intro = ask(people)
        body = text(page(client, people["john"], detail(intro)))
        assert "Your introduction to Maya Lind" in body
        assert "With Pete Novak" in body and MESSAGE in body
        assert "Withdraw this request" in body
        assert SECRET_NOTE not in body  # John wrote it, but the page shows it only to Pete

        body = text(page(client, people["pete"], detail(intro)))
        assert "John Carter asks to meet Maya Lind" in body
        assert "Waiting for you to forward" in body
        assert SECRET_NOTE in body and "Private note for you" in body
        assert f'action="/introductions/{intro.pk}/forward/"' in body

        forward(people, intro)
        body = text(page(client, people["me"], detail(intro)))
        assert "John Carter would like to meet you" in body
        assert "Waiting for your answer" in body
        assert "John is great to work with." in body
        assert f'action="/introductions/{intro.pk}/accept/"' in body

    def test_strangers_get_the_404_of_a_missing_introduction(self, client, people):
        intro = ask(people)
        missing = not_found_body(client, people["zoe"])
        response = page(client, people["zoe"], detail(intro))
        assert response.status_code == 404
        assert response.content == missing
        response = client.post(f"/introductions/{intro.pk}/accept/")
        assert response.status_code == 404
        assert response.content == missing

    def test_the_target_learns_of_a_request_only_once_it_reaches_them(self, client, people):
        intro = ask(people)
        assert page(client, people["me"], detail(intro)).status_code == 404
        assert "John Carter" not in text(client.get("/introductions/for-me/"))
        services.introduction_withdraw(introduction_id=intro.pk, member=people["john"])
        assert client.get(detail(intro)).status_code == 404
        assert "John Carter" not in text(client.get("/introductions/for-me/"))

    def test_a_later_broker_sees_nothing_before_it_reaches_them(self, client, people):
        intro = ask(people, target="ann", via=("pete", "me"))
        assert page(client, people["me"], detail(intro)).status_code == 404
        forward(people, intro)
        body = text(client.get(detail(intro)))
        assert "John Carter asks to meet Ann Okafor" in body
        # Pete's endorsement is her note; John's note was for Pete only.
        assert "John is great to work with." in body and SECRET_NOTE not in body

    def test_note_for_the_broker_is_absent_from_the_target_page(self, client, people):
        intro = ask(people)
        forward(people, intro)
        body = text(page(client, people["me"], detail(intro)))
        assert SECRET_NOTE not in body and "Private note" not in body
        notifications = text(client.get("/notifications/"))
        assert SECRET_NOTE not in notifications

    def test_requester_page_does_not_name_a_later_broker_who_declined(self, client, people):
        intro = ask(people, target="ann", via=("pete", "me"))
        forward(people, intro)
        services.introduction_decline(
            introduction_id=intro.pk, broker=people["me"], reason="Ann is swamped"
        )
        for url in (detail(intro), "/introductions/requests/", "/notifications/"):
            body = text(page(client, people["john"], url))
            assert "Not forwarded" in body or "not forwarded" in body
            assert "Maya Lind" not in body and "/in/me/" not in body, url
            assert "Ann is swamped" not in body
        # Pete does not learn who declined after him either.
        body = text(page(client, people["pete"], detail(intro)))
        assert "Maya Lind" not in body and "Ann is swamped" not in body

    def test_the_requesters_own_broker_declining_is_named_with_the_reason(self, client, people):
        intro = ask(people)
        services.introduction_decline(
            introduction_id=intro.pk, broker=people["pete"], reason="She is on leave."
        )
        body = text(page(client, people["john"], detail(intro)))
        assert "Pete Novak did not forward it" in body
        assert "She is on leave." in body

    def test_invited_address_only_on_the_requester_and_broker_pages(self, client, people):
        address = "adam.outside@example.org"
        intro = services.introduction_request(
            requester=people["john"],
            via=[people["pete"]],
            target_email=address,
            message=MESSAGE,
        )
        assert address in text(page(client, people["john"], detail(intro)))
        assert address in text(client.get("/introductions/requests/"))
        assert address in text(page(client, people["pete"], detail(intro)))
        forward(people, intro)
        newcomer = people["zoe"].__class__.objects.create_user(
            username="adam-new", email=address, password="x-long-passphrase"
        )
        from profiles.services import profile_create

        profile_create(user=newcomer, full_name="Adam New")
        connection_services.invitations_on_signup(member=newcomer)
        intro.refresh_from_db()
        assert intro.target == newcomer
        for url in (detail(intro), "/introductions/", "/introductions/for-me/", "/notifications/"):
            response = page(client, newcomer, url)
            assert response.status_code == 200
            assert address not in text(response), url
        assert page(client, people["zoe"], detail(intro)).status_code == 404

    def test_a_block_hides_the_introduction(self, client, people):
        intro = ask(people)
        forward(people, intro)
        connection_services.block_create(blocker=people["me"], blocked=people["john"])
        assert page(client, people["john"], detail(intro)).status_code == 404
        assert "Maya Lind" not in text(client.get("/introductions/requests/"))

    def test_a_suspended_member_vanishes(self, client, people):
        intro = ask(people)
        forward(people, intro)
        member_suspend(member=people["john"], reason="spam")
        assert page(client, people["me"], detail(intro)).status_code == 404
        assert "John Carter" not in text(client.get("/introductions/for-me/"))


# -- actions ------------------------------------------------------------------------------


@pytest.mark.django_db
class TestActions:
    def test_forward_without_javascript_redirects(self, client, people):
        intro = ask(people)
        client.force_login(people["pete"])
        response = client.post(f"/introductions/{intro.pk}/forward/", {"endorsement": "Go!"})
        assert response.status_code == 302 and response["Location"] == detail(intro)
        intro.refresh_from_db()
        assert intro.status == Status.AT_TARGET
        assert "Forwarded: Maya Lind can now answer." in text(client.get(detail(intro)))

    def test_forward_under_htmx_answers_with_the_partial(self, client, people):
        intro = ask(people)
        client.force_login(people["pete"])
        response = client.post(
            f"/introductions/{intro.pk}/forward/", {"endorsement": "Go!"}, **HTMX
        )
        assert response.status_code == 200
        body = text(response).lstrip()
        assert body.startswith("<div") and 'id="introduction"' in body.split(">", 1)[0]
        assert "<html" not in body
        assert "Forwarded: Maya Lind can now answer." in body
        assert "Waiting for Maya Lind to accept" in body
        assert "/forward/" not in body  # nothing left to do for Pete
        # The top bar's count is updated out of band: nothing waits for Pete any more.
        assert '<span id="nav-introductions-count" hx-swap-oob="true"></span>' in body

    def test_a_too_long_endorsement_is_a_form_error(self, client, people):
        intro = ask(people)
        client.force_login(people["pete"])
        response = client.post(
            f"/introductions/{intro.pk}/forward/", {"endorsement": "x" * 1001}, **HTMX
        )
        assert response.status_code == 400
        assert "at most 1000 characters" in text(response)
        assert Introduction.objects.get().status == Status.OPEN

    def test_the_wrong_role_gets_the_service_refusal_in_place(self, client, people):
        intro = ask(people)
        forward(people, intro)
        client.force_login(people["john"])
        response = client.post(f"/introductions/{intro.pk}/accept/", **HTMX)
        assert response.status_code == 403
        assert "Only the person introduced can accept." in text(response)
        response = client.post(f"/introductions/{intro.pk}/accept/")
        assert response.status_code == 403
        assert "Only the person introduced can accept." in text(response)
        client.force_login(people["pete"])
        response = client.post(f"/introductions/{intro.pk}/forward/", {}, **HTMX)
        assert response.status_code == 409
        assert "not waiting for you" in text(response)

    def test_broker_declines_with_a_reason(self, client, people):
        intro = ask(people)
        client.force_login(people["pete"])
        response = client.post(f"/introductions/{intro.pk}/decline/", {"reason": "Not now"}, **HTMX)
        assert response.status_code == 200
        assert "You did not forward it" in text(response)
        assert Introduction.objects.get().status == Status.NOT_FORWARDED

    def test_accept_connects_and_shares_contact_details(self, client, people):
        intro = ask(people)
        forward(people, intro)
        client.force_login(people["me"])
        response = client.post(f"/introductions/{intro.pk}/accept/", **HTMX)
        assert response.status_code == 200
        assert "You are now connected with John Carter." in text(response)
        assert graph.are_connected(people["john"].pk, people["me"].pk)
        assert "john.contact@example.net" in text(client.get("/in/john/"))

    def test_target_declines(self, client, people):
        intro = ask(people)
        forward(people, intro)
        client.force_login(people["me"])
        response = client.post(f"/introductions/{intro.pk}/refuse/")
        assert response.status_code == 302
        body = text(page(client, people["john"], detail(intro)))
        assert "Not accepted" in body
        assert not graph.are_connected(people["john"].pk, people["me"].pk)

    def test_requester_withdraws(self, client, people):
        intro = ask(people)
        client.force_login(people["john"])
        response = client.post(f"/introductions/{intro.pk}/withdraw/", **HTMX)
        assert response.status_code == 200
        assert "Withdrawn" in text(response)
        assert Introduction.objects.get().status == Status.WITHDRAWN

    def test_outcome_is_recorded_and_the_broker_sees_it(self, client, people):
        intro = ask(people)
        forward(people, intro)
        services.introduction_accept(introduction_id=intro.pk, member=people["me"])
        client.force_login(people["john"])
        response = client.post(f"/introductions/{intro.pk}/outcome/", {"result": "bogus"}, **HTMX)
        assert response.status_code == 400
        response = client.post(f"/introductions/{intro.pk}/outcome/", {"result": "met"}, **HTMX)
        assert response.status_code == 200
        assert Outcome.objects.get().result == "met"
        assert re.search(r'value="met"[^>]*checked', text(response))
        body = text(page(client, people["pete"], "/introductions/brokered/"))
        assert "John Carter: We met" in body

    def test_report_the_message(self, client, people):
        intro = ask(people)
        forward(people, intro)
        client.force_login(people["me"])
        response = client.post(f"/introductions/{intro.pk}/report/", {"reason": ""}, **HTMX)
        assert response.status_code == 400
        response = client.post(f"/introductions/{intro.pk}/report/", {"reason": "Spam"}, **HTMX)
        assert response.status_code == 200
        assert "You reported this message." in text(response)
        report = MessageReport.objects.get()
        assert (report.reporter, report.reason) == (people["me"], "Spam")
        response = client.post(f"/introductions/{intro.pk}/report/", {"reason": "Spam"}, **HTMX)
        assert response.status_code == 409
        # The author cannot report their own message; strangers get the 404.
        client.force_login(people["john"])
        assert "Report this message" not in text(client.get(detail(intro)))
        response = client.post(f"/introductions/{intro.pk}/report/", {"reason": "x"})
        assert response.status_code == 403
        client.force_login(people["zoe"])
        response = client.post(f"/introductions/{intro.pk}/report/", {"reason": "x"})
        assert response.status_code == 404
        assert MessageReport.objects.count() == 1

    def test_actions_need_post(self, client, people):
        intro = ask(people)
        client.force_login(people["pete"])
        assert client.get(f"/introductions/{intro.pk}/forward/").status_code == 405


# -- introduce two connections --------------------------------------------------------------


@pytest.mark.django_db
class TestOffer:
    def test_from_a_profile_the_first_person_is_chosen(self, client, people):
        body = text(page(client, people["me"], "/introductions/offer/?with=pete"))
        assert "Introduce Pete Novak to…" in body
        assert 'name="first" value="pete"' in body
        assert '<option value="ann">Ann Okafor</option>' in body
        assert '<option value="john">' not in body  # not my connection

    def test_double_opt_in_shows_who_is_awaited(self, client, people):
        client.force_login(people["me"])
        response = client.post(
            "/introductions/offer/?with=pete",
            {"first": "pete", "second": "ann", "message": "You both fly gliders."},
        )
        intro = Introduction.objects.get()
        assert response.status_code == 302 and response["Location"] == detail(intro)
        body = text(client.get(detail(intro)))
        assert "You introduced Pete Novak and Ann Okafor" in body
        assert "Waiting for Pete Novak and Ann Okafor to accept" in body

        body = text(page(client, people["pete"], detail(intro)))
        assert "Maya Lind introduced you to Ann Okafor" in body
        assert "Waiting for you and Ann Okafor" in body
        response = client.post(f"/introductions/{intro.pk}/accept/", **HTMX)
        assert "You accepted. Waiting for Ann Okafor to accept." in text(response)
        assert "You accepted: waiting for Ann Okafor to accept" in text(response)
        assert "/accept/" not in text(response)

        body = text(page(client, people["ann"], detail(intro)))
        assert "Pete Novak has accepted: waiting for you" in body
        assert "Waiting for Ann Okafor to accept" in text(page(client, people["me"], detail(intro)))
        client.force_login(people["ann"])
        client.post(f"/introductions/{intro.pk}/accept/")
        assert graph.are_connected(people["pete"].pk, people["ann"].pk)

    def test_offer_to_an_address_invites_them(self, client, people):
        client.force_login(people["me"])
        response = client.post(
            "/introductions/offer/",
            {"first": "pete", "second_email": "new@example.org", "message": "Meet!"},
        )
        assert response.status_code == 302
        intro = Introduction.objects.get()
        assert Invitation.objects.get().email == "new@example.org"
        body = text(client.get(detail(intro)))
        assert "new@example.org" in body
        assert "Waiting for new@example.org to join LinkUp and accept" in body
        # Pete may say yes already (kept until the invitee joins and answers), and only
        # the inviting broker sees the address (INVARIANTS 10).
        body = text(page(client, people["pete"], detail(intro)))
        assert "/accept/" in body and "new@example.org" not in body
        assert "Maya Lind introduced you to someone invited by e-mail" in body
        response = client.post(f"/introductions/{intro.pk}/accept/")
        assert response.status_code == 302
        intro.refresh_from_db()
        assert intro.requester_accepted_at is not None and intro.status == "at_target"
        assert Introduction.objects.get().requester_accepted_at is not None

    def test_form_errors(self, client, people):
        client.force_login(people["me"])
        cases = [
            ({"first": "pete", "message": "x"}, "Choose a second connection"),
            (
                {"first": "pete", "second": "ann", "second_email": "a@b.org", "message": "x"},
                "not both",
            ),
            ({"first": "pete", "second": "pete", "message": "x"}, "two different people"),
            ({"first": "john", "second": "ann", "message": "x"}, "Select a valid choice"),
            ({"first": "pete", "second": "ann", "message": ""}, "Say why they should meet."),
            ({"first": "pete", "second_email": "nope", "message": "x"}, "valid email"),
        ]
        for data, error in cases:
            response = client.post("/introductions/offer/", data)
            assert response.status_code == 400, data
            assert error in text(response), data
        assert not Introduction.objects.exists()

    def test_service_refusals_keep_their_status(self, client, people):
        graph.add_edge(people["pete"].pk, people["ann"].pk)
        client.force_login(people["me"])
        response = client.post(
            "/introductions/offer/", {"first": "pete", "second": "ann", "message": "x"}
        )
        assert response.status_code == 409
        assert "They are already connected." in text(response)
        response = client.post(
            "/introductions/offer/",
            {"first": "pete", "second_email": people["zoe"].email, "message": "x"},
        )
        assert response.status_code == 409
        assert "introduce them by name" in text(response)


# -- the inbox ----------------------------------------------------------------------------


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
class TestInbox:
    def test_waiting_for_me_and_the_top_bar_count(self, client, people):
        intro = ask(people)
        body = text(page(client, people["pete"], "/introductions/"))
        assert 'aria-label="1 waiting for you">1</span>' in body
        assert "John Carter asks to meet Maya Lind" in body
        assert "Forward or decline" in body
        assert detail(intro) in body
        forward(people, intro)
        body = text(client.get("/introductions/"))
        assert "John Carter asks to meet" not in body
        assert 'waiting for you">' not in body  # no badge in the top bar any more
        body = text(page(client, people["me"], "/introductions/"))
        assert "John Carter would like to meet you" in body and "Answer" in body

    def test_my_requests_say_which_hop_it_reached(self, client, people):
        intro = ask(people, target="ann", via=("pete", "me"))
        body = text(page(client, people["john"], "/introductions/requests/"))
        assert "With Pete Novak" in body
        forward(people, intro)
        body = text(client.get("/introductions/requests/"))
        assert "Forwarded by Pete Novak to Maya Lind" in body
        forward(people, intro, broker="me")
        body = text(client.get("/introductions/requests/"))
        assert "Forwarded by Pete Novak and Maya Lind to Ann Okafor" in body

    def test_introductions_for_me_and_broker_history(self, client, people):
        intro = ask(people)
        forward(people, intro)
        services.introduction_accept(introduction_id=intro.pk, member=people["me"])
        body = text(page(client, people["me"], "/introductions/for-me/"))
        assert "John Carter would like to meet you" in body and "Accepted" in body
        services.outcome_record(introduction_id=intro.pk, member=people["me"], result="working")
        body = text(page(client, people["pete"], "/introductions/brokered/"))
        assert "John Carter asks to meet Maya Lind" in body
        assert "Maya Lind: We are working together" in body

    def test_empty_tabs_explain_themselves(self, client, people):
        client.force_login(people["zoe"])
        for url in ("/introductions/", "/introductions/requests/", "/introductions/for-me/"):
            assert 'class="empty"' in text(client.get(url))

    @pytest.mark.parametrize(
        ("tab", "url", "expected"),
        [
            # session, member, blocked pairs, count, rows, hops, outcomes, unread badge,
            # waiting badge
            ("requests", "/introductions/requests/", 9),
            ("waiting", "/introductions/", 9),
            ("brokered", "/introductions/brokered/", 9),
        ],
    )
    def test_query_count_does_not_grow_with_rows(
        self, client, people, make_member, tab, url, expected, django_assert_num_queries
    ):
        viewer = people["john"] if tab == "requests" else people["pete"]

        def add(n: int) -> None:
            for _ in range(n):
                if tab == "requests":
                    intro = ask(people)
                    services.introduction_withdraw(introduction_id=intro.pk, member=people["john"])
                else:
                    other = make_member(f"asker-{Introduction.objects.count()}")
                    graph.add_edge(other.pk, people["pete"].pk)
                    intro = services.introduction_request(
                        requester=other, target=people["me"], via=[people["pete"]], message="hi"
                    )
                    if tab == "brokered":
                        forward(people, intro)

        services.broker_settings_update(
            member=people["pete"], capacity_per_month=50, topics="", paused=False
        )
        add(2)
        client.force_login(viewer)
        client.get(url)  # warm up the session
        two = queries(client, url)
        add(4)
        assert len(re.findall(r'class="net-row intro-row"', text(client.get(url)))) == 6
        six = queries(client, url)
        assert two == six
        with django_assert_num_queries(expected):
            client.get(url)


# -- notifications and settings --------------------------------------------------------------


@pytest.mark.django_db
class TestNotifications:
    def test_introduction_notifications_are_described_with_a_link(self, client, people):
        intro = ask(people)
        body = text(page(client, people["pete"], "/notifications/"))
        assert "John Carter asks you to introduce them to Maya Lind." in body
        assert f'href="{detail(intro)}"' in body and "Forward or decline" in body
        assert SECRET_NOTE in body  # the note is Pete's to read
        forward(people, intro)
        body = text(page(client, people["me"], "/notifications/"))
        assert "John Carter would like to be introduced to you." in body
        assert SECRET_NOTE not in body

    def test_query_count_does_not_grow_with_introductions(self, client, people, make_member):
        def add(n: int) -> None:
            for _ in range(n):
                other = make_member(f"asker-{Notification.objects.count()}")
                graph.add_edge(other.pk, people["pete"].pk)
                services.introduction_request(
                    requester=other, target=people["me"], via=[people["pete"]], message="hi"
                )

        add(2)
        client.force_login(people["pete"])
        client.get("/notifications/")
        two = queries(client, "/notifications/")
        add(4)
        client.get("/notifications/")  # marks the new ones read, as the first visit did
        assert queries(client, "/notifications/") == two


@pytest.mark.django_db
class TestBrokerSettings:
    def test_show_and_change(self, client, people):
        body = text(page(client, people["pete"], "/settings/broker/"))
        assert 'name="capacity_per_month" value="10"' in body
        assert "0 of 10 requests in the last 30 days" in body
        response = client.post(
            "/settings/broker/",
            {"capacity_per_month": "3", "topics": "Aviation", "paused": "on"},
        )
        assert response.status_code == 302
        settings = people["pete"].broker_settings
        assert (settings.capacity_per_month, settings.topics, settings.paused) == (
            3,
            "Aviation",
            True,
        )
        assert "Nobody can ask you for an introduction right now." in text(
            client.get("/settings/broker/")
        )

    @pytest.mark.parametrize("capacity", ["500", "-1", "many", ""])
    def test_bad_capacity_is_a_form_error(self, client, people, capacity):
        client.force_login(people["pete"])
        response = client.post("/settings/broker/", {"capacity_per_month": capacity})
        assert response.status_code == 400
        assert 'class="errorlist' in text(response)
