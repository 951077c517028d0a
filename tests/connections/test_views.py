"""The member graph on pages: profile network info and actions, /network/, requests,
invitations, notifications and e-mail settings. Read like the spec: alice–bob–carol–dave
in a chain, erin on her own."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from connections import graph, selectors, services
from connections.models import Block, ConnectionRequest, EmailPreference, Invitation, Notification
from profiles.services import member_suspend

CONTEXT_PROCESSOR = "connections.context_processors.network"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _badge_context_processor(settings):
    """The unread badge needs the context processor, registered in settings by the project."""
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    if CONTEXT_PROCESSOR not in processors:
        templates = [dict(settings.TEMPLATES[0])]
        templates[0]["OPTIONS"] = {
            **templates[0]["OPTIONS"],
            "context_processors": [*processors, CONTEXT_PROCESSOR],
        }
        settings.TEMPLATES = templates


@pytest.fixture
def chain(make_member, connect):
    people = {
        name: make_member(name, full_name=f"{name.title()} {surname}")
        for name, surname in [
            ("alice", "Archer"),
            ("bob", "Baker"),
            ("carol", "Chen"),
            ("dave", "Dunn"),
            ("erin", "Evans"),
        ]
    }
    connect(people["alice"], people["bob"])
    connect(people["bob"], people["carol"])
    connect(people["carol"], people["dave"])
    return people


def request_between(sender, recipient, note=""):
    return services.connection_request_create(sender=sender, recipient=recipient, note=note).request


def without_csrf(content: bytes) -> bytes:
    return re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', rb"\1", content)


def actions_of(content: bytes) -> bytes:
    """The profile's action area, as bytes."""
    start = content.index(b'<div id="network-actions"')
    end = content.index(b"</section>", start)
    return without_csrf(content[start:end])


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


# -- the profile page --------------------------------------------------------------


@pytest.mark.django_db
class TestProfileNetwork:
    def test_logged_out_visitor_sees_no_network_info(self, client, chain):
        response = client.get("/in/carol/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "mutual connection" not in body
        assert 'id="network-actions"' not in body
        assert "How you’re connected" not in body
        assert "badge degree" not in body

    def test_second_degree_shows_badge_mutuals_and_path(self, client, chain):
        client.force_login(chain["alice"])
        body = client.get("/in/carol/").content.decode()
        assert 'degree-2" title="2nd-degree' in body
        assert "1 mutual connection</a>" in body
        assert 'href="/in/bob/">Bob Baker</a>' in body
        assert "How you’re connected" in body
        path = re.search(r'<ol class="paths">(.*?)</ol>', body, re.S)
        assert path is not None
        node = r'class="path-node[^"]*"[^>]*>(?:<span[^>]*>\w</span>)?([^<]+)<'
        nodes = [text.strip() for text in re.findall(node, path.group(1))]
        assert nodes == ["You", "Bob Baker", "Carol Chen"]

    def test_third_degree_path_goes_through_two_members(self, client, chain):
        client.force_login(chain["alice"])
        body = client.get("/in/dave/").content.decode()
        assert ">3rd</span>" in body
        assert body.index("Bob Baker</a>") < body.index("Carol Chen</a>")
        assert "mutual connection" not in body

    def test_out_of_network_member_can_be_asked_to_connect(self, client, chain):
        client.force_login(chain["alice"])
        body = client.get("/in/erin/").content.decode()
        assert "Out of network" in body
        assert "How you’re connected" not in body
        assert 'action="/in/erin/connect/"' in body

    def test_connection_sees_connected_state_contact_and_private_note(self, client, chain):
        chain["bob"].profile.phone = "+351 555 0102"
        chain["bob"].profile.save()
        graph.set_connection_note(chain["alice"].pk, chain["bob"].pk, "Climbing club")
        graph.set_connection_note(chain["bob"].pk, chain["alice"].pk, "Bob's secret note")
        client.force_login(chain["alice"])
        body = client.get("/in/bob/").content.decode()
        assert ">1st</span>" in body
        assert "✓ Connected" in body
        assert "Remove connection" in body
        assert "+351 555 0102" in body
        assert "Climbing club" in body
        assert "Bob&#x27;s secret note" not in body and "Bob's secret note" not in body

    def test_contact_details_only_for_first_degree(self, client, chain):
        chain["carol"].profile.contact_email = "carol@private.example"
        chain["carol"].profile.save()
        client.force_login(chain["alice"])  # 2nd degree
        assert b"carol@private.example" not in client.get("/in/carol/").content
        client.force_login(chain["bob"])  # 1st degree
        assert b"carol@private.example" in client.get("/in/carol/").content

    def test_first_three_mutuals_and_see_all(self, client, chain, make_member, connect):
        others = [make_member(f"m{i}", full_name=f"Mutual {i}") for i in range(4)]
        for member in others:
            connect(chain["alice"], member)
            connect(member, chain["erin"])
        client.force_login(chain["alice"])
        body = client.get("/in/erin/").content.decode()
        assert "4 mutual connections</a>" in body
        assert "and 1 other · <a" in body
        mutuals = body[body.index('<div class="mutuals">') : body.index('id="network-actions"')]
        assert mutuals.count('class="avatar avatar-xs"') == 3
        mutual = client.get("/in/erin/mutual/").content.decode()
        for i in range(4):
            assert f"Mutual {i}</a>" in mutual

    def test_at_most_five_paths_best_first(self, client, chain, make_member, connect):
        hub = make_member("hub", full_name="Hub Person")
        middles = [make_member(f"x{i}", full_name=f"Middle {i}") for i in range(7)]
        for member in middles:
            connect(chain["alice"], member)
            connect(member, hub)
        connect(middles[3], chain["erin"])  # Middle 3 knows more of alice's people
        connect(middles[3], chain["bob"])
        client.force_login(chain["alice"])
        body = client.get("/in/hub/").content.decode()
        paths = re.search(r'<ol class="paths">(.*?)</ol>', body, re.S)
        assert paths is not None
        assert paths.group(1).count("<li>") == 5
        assert paths.group(1).index("Middle 3") < paths.group(1).index("Middle 0")


@pytest.mark.django_db
class TestHiddenMembers:
    def test_blocked_profile_is_byte_identical_to_missing(self, client, chain):
        Block.objects.create(blocker=chain["dave"], blocked=chain["alice"])
        client.force_login(chain["alice"])
        for path in ["/in/{}/", "/in/{}/mutual/", "/in/{}/connect/", "/in/{}/block/"]:
            hidden = client.get(path.format("dave"))
            missing = client.get(path.format("nobody-here"))
            assert hidden.status_code == missing.status_code == 404
            assert hidden.content == missing.content
            assert {k: v for k, v in hidden.items() if k != "Date"} == {
                k: v for k, v in missing.items() if k != "Date"
            }

    def test_blocker_gets_the_same_404(self, client, chain):
        Block.objects.create(blocker=chain["dave"], blocked=chain["alice"])
        client.force_login(chain["dave"])
        hidden, missing = client.get("/in/alice/"), client.get("/in/nobody-here/")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content

    def test_actions_on_a_blocked_member_404(self, client, chain):
        Block.objects.create(blocker=chain["erin"], blocked=chain["alice"])
        client.force_login(chain["alice"])
        assert client.post("/in/erin/connect/", {"note": ""}).status_code == 404
        assert client.post("/in/erin/block/").status_code == 404
        assert not ConnectionRequest.objects.exists()

    def test_suspended_member_mutual_page_404(self, client, chain):
        member_suspend(member=chain["carol"])
        client.force_login(chain["alice"])
        hidden, missing = client.get("/in/carol/mutual/"), client.get("/in/nobody-here/mutual/")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content

    def test_suspended_intermediary_is_not_shown_as_mutual(self, client, chain, make_member):
        client.force_login(chain["alice"])
        member_suspend(member=chain["bob"])
        body = client.get("/in/carol/").content.decode()
        assert "Bob Baker" not in body
        assert "Out of network" in body


# -- actions on a profile ----------------------------------------------------------


@pytest.mark.django_db
class TestConnectFromProfile:
    def test_connect_without_javascript(self, client, chain):
        client.force_login(chain["alice"])
        response = client.post("/in/erin/connect/", {"note": "We met at PyCon"})
        assert response.status_code == 302
        assert response["Location"] == "/in/erin/"
        request = ConnectionRequest.objects.get()
        assert (request.from_member, request.to_member, request.note) == (
            chain["alice"],
            chain["erin"],
            "We met at PyCon",
        )
        body = client.get("/in/erin/").content.decode()
        assert "Pending" in body and "Withdraw" in body
        assert "Request sent to Erin Evans." in body

    def test_connect_with_htmx_swaps_in_pending(self, client, chain):
        client.force_login(chain["alice"])
        response = client.post("/in/erin/connect/", {"note": ""}, **HTMX)
        assert response.status_code == 200
        body = response.content.decode()
        assert body.lstrip().startswith('<div id="network-actions"')
        assert "<html" not in body
        assert "Pending" in body and "Request sent." in body

    def test_note_too_long_is_a_form_error(self, client, chain):
        client.force_login(chain["alice"])
        response = client.post("/in/erin/connect/", {"note": "x" * 301})
        assert response.status_code == 400
        assert b"at most 300 characters" in response.content
        htmx = client.post("/in/erin/connect/", {"note": "x" * 301}, **HTMX)
        assert htmx.status_code == 400
        assert b'<div id="network-actions"' in htmx.content
        assert b"at most 300 characters" in htmx.content
        assert not ConnectionRequest.objects.exists()

    def test_asking_twice_is_a_409_with_the_message(self, client, chain):
        request_between(chain["alice"], chain["erin"])
        client.force_login(chain["alice"])
        response = client.post("/in/erin/connect/", {"note": ""})
        assert response.status_code == 409
        assert b"You already have a pending request to this member." in response.content

    def test_cannot_connect_with_yourself(self, client, chain):
        client.force_login(chain["alice"])
        response = client.post("/in/alice/connect/", {"note": ""})
        assert response.status_code == 400
        assert b"You cannot connect with yourself." in response.content

    def test_asking_someone_who_asked_you_connects(self, client, chain):
        request_between(chain["erin"], chain["alice"])
        client.force_login(chain["alice"])
        response = client.post("/in/erin/connect/", {"note": ""}, **HTMX)
        assert response["HX-Redirect"] == "/in/erin/"
        assert graph.are_connected(chain["alice"].pk, chain["erin"].pk)

    def test_connect_form_page_without_javascript(self, client, chain):
        client.force_login(chain["alice"])
        response = client.get("/in/erin/connect/")
        assert response.status_code == 200
        assert b'name="note"' in response.content


@pytest.mark.django_db
class TestIgnoredLooksPending:
    def test_sender_sees_an_ignored_request_exactly_like_a_pending_one(self, client, chain):
        request = request_between(chain["alice"], chain["erin"], note="Hello")
        client.force_login(chain["alice"])
        pending = client.get("/in/erin/")
        sent_pending = client.get("/network/requests/sent/")
        services.connection_request_ignore(request_id=request.pk, member=chain["erin"])
        ignored = client.get("/in/erin/")
        sent_ignored = client.get("/network/requests/sent/")
        assert actions_of(ignored.content) == actions_of(pending.content)
        assert b"Pending" in actions_of(ignored.content)
        assert without_csrf(sent_ignored.content) == without_csrf(sent_pending.content)
        for response in (ignored, sent_ignored):
            assert b"gnore" not in response.content

    def test_sender_can_withdraw_an_ignored_request(self, client, chain):
        request = request_between(chain["alice"], chain["erin"])
        services.connection_request_ignore(request_id=request.pk, member=chain["erin"])
        client.force_login(chain["alice"])
        response = client.post("/in/erin/withdraw/", **HTMX)
        assert response.status_code == 200
        assert b"Request withdrawn." in response.content
        request.refresh_from_db()
        assert request.status == ConnectionRequest.Status.WITHDRAWN


@pytest.mark.django_db
class TestAnswerFromProfile:
    def test_recipient_sees_accept_and_ignore_with_the_note(self, client, chain):
        request_between(chain["erin"], chain["alice"], note="Remember the hackathon?")
        client.force_login(chain["alice"])
        actions = actions_of(client.get("/in/erin/").content).decode()
        assert 'action="/in/erin/accept/"' in actions
        assert 'action="/in/erin/ignore/"' in actions
        assert "Remember the hackathon?" in actions

    def test_accept_connects_and_reloads_the_profile(self, client, chain):
        request_between(chain["erin"], chain["alice"])
        client.force_login(chain["alice"])
        response = client.post("/in/erin/accept/")
        assert response.status_code == 302
        assert graph.are_connected(chain["alice"].pk, chain["erin"].pk)
        assert "✓ Connected" in client.get("/in/erin/").content.decode()

    def test_accept_with_htmx_asks_for_a_reload(self, client, chain):
        request_between(chain["erin"], chain["alice"])
        client.force_login(chain["alice"])
        response = client.post("/in/erin/accept/", **HTMX)
        assert response["HX-Redirect"] == "/in/erin/"

    def test_ignore_in_place(self, client, chain):
        request = request_between(chain["erin"], chain["alice"])
        client.force_login(chain["alice"])
        response = client.post("/in/erin/ignore/", **HTMX)
        assert response.status_code == 200
        assert b"Request ignored." in response.content
        assert b'action="/in/erin/connect/"' in response.content
        request.refresh_from_db()
        assert request.status == ConnectionRequest.Status.IGNORED

    def test_the_sender_cannot_accept_their_own_request(self, client, chain):
        request_between(chain["alice"], chain["erin"])
        client.force_login(chain["alice"])
        response = client.post("/in/erin/accept/")
        assert response.status_code == 409
        assert b"There is no pending request." in response.content
        assert not graph.are_connected(chain["alice"].pk, chain["erin"].pk)


@pytest.mark.django_db
class TestRemoveAndBlock:
    def test_remove_connection_asks_first_then_removes(self, client, chain):
        client.force_login(chain["alice"])
        confirm = client.get("/in/bob/disconnect/")
        assert confirm.status_code == 200
        assert b"Remove Bob Baker from your connections?" in confirm.content
        assert graph.are_connected(chain["alice"].pk, chain["bob"].pk)
        response = client.post("/in/bob/disconnect/", {"source": "profile"})
        assert response.status_code == 302
        assert not graph.are_connected(chain["alice"].pk, chain["bob"].pk)

    def test_remove_from_the_network_list_in_place(self, client, chain):
        client.force_login(chain["alice"])
        response = client.post("/in/bob/disconnect/", {"source": "network"}, **HTMX)
        assert response.status_code == 200
        assert response.content.startswith(b'<li class="net-row net-row-done" id="connection-')
        assert b"Bob Baker was removed" in response.content

    def test_removing_a_stranger_is_a_404_with_the_message(self, client, chain):
        client.force_login(chain["alice"])
        response = client.post("/in/erin/disconnect/", {"source": "network"})
        assert response.status_code == 404
        assert b"You are not connected." in response.content

    def test_block_redirects_to_network_and_hides_the_profile(self, client, chain):
        client.force_login(chain["alice"])
        assert client.get("/in/bob/block/").status_code == 200  # the confirm page
        response = client.post("/in/bob/block/")
        assert response.status_code == 302
        assert response["Location"] == "/network/"
        page = client.get("/network/").content.decode()
        assert "You blocked Bob Baker." in page
        assert 'href="/in/bob/"' not in page
        assert client.get("/in/bob/").content == client.get("/in/nobody-here/").content
        assert not graph.are_connected(chain["alice"].pk, chain["bob"].pk)

    def test_block_with_htmx_redirects_the_page(self, client, chain):
        client.force_login(chain["alice"])
        response = client.post("/in/erin/block/", **HTMX)
        assert response["HX-Redirect"] == "/network/"


@pytest.mark.django_db
class TestPrivateNote:
    def test_edit_in_place(self, client, chain):
        client.force_login(chain["alice"])
        form = client.get("/in/bob/note/", **HTMX)
        assert form.status_code == 200
        assert form.content.startswith(b'<form class="private-note note-form"')
        saved = client.post("/in/bob/note/", {"note": "  Old colleague at Acme "}, **HTMX)
        assert saved.status_code == 200
        assert b"Old colleague at Acme" in saved.content
        assert graph.connection_note(chain["alice"].pk, chain["bob"].pk) == "Old colleague at Acme"
        assert graph.connection_note(chain["bob"].pk, chain["alice"].pk) == ""
        client.force_login(chain["bob"])
        assert b"Old colleague" not in client.get("/in/alice/").content

    def test_without_javascript(self, client, chain):
        client.force_login(chain["alice"])
        assert b'name="note"' in client.get("/in/bob/note/").content
        response = client.post("/in/bob/note/", {"note": "Met at school", "source": "network"})
        assert response.status_code == 302
        assert response["Location"] == "/network/"

    def test_too_long_is_a_form_error(self, client, chain):
        client.force_login(chain["alice"])
        response = client.post("/in/bob/note/", {"note": "x" * 301}, **HTMX)
        assert response.status_code == 400
        assert b"errorlist" in response.content
        assert graph.connection_note(chain["alice"].pk, chain["bob"].pk) == ""

    def test_no_note_about_a_non_connection(self, client, chain):
        client.force_login(chain["alice"])
        response = client.post("/in/carol/note/", {"note": "hi"})
        assert response.status_code == 404
        assert b"You are not connected." in response.content


# -- /network/ -------------------------------------------------------------------


@pytest.fixture
def alice_with(make_member, connect, alice):
    """alice connected to `n` members named Member 00.., with headlines and notes."""

    def make(n: int, start: int = 0) -> list:
        members = []
        for i in range(start, start + n):
            member = make_member(f"c{i:02d}", full_name=f"Member {i:02d}", headline=f"Role {i}")
            connect(alice, member)
            graph.set_connection_note(alice.pk, member.pk, f"note {i}")
            members.append(member)
        return members

    return make


@pytest.mark.django_db
class TestMyNetwork:
    def test_requires_login(self, client):
        for url in ["/network/", "/network/requests/", "/network/invitations/", "/notifications/"]:
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))

    def test_lists_connections_with_headline_date_and_note(self, client, alice, alice_with):
        alice_with(2)
        client.force_login(alice)
        body = client.get("/network/").content.decode()
        assert "2 connections" in body
        assert "Member 01" in body and "Role 1" in body and "note 1" in body
        assert "Connected " + timezone.now().strftime("%-d %b %Y") in body

    def test_suspended_connections_are_absent(self, client, alice, alice_with):
        hidden, _shown = alice_with(2)
        member_suspend(member=hidden)
        client.force_login(alice)
        body = client.get("/network/").content.decode()
        assert "Member 00" not in body
        assert "Member 01" in body
        assert "1 connection " in body

    def test_search_and_sort(self, client, alice, make_member, connect):
        for handle, name in [("zed", "Zed Young"), ("amy", "Amy Zhou"), ("bo", "Bo Zed")]:
            connect(alice, make_member(handle, full_name=name))
        client.force_login(alice)
        body = client.get("/network/?q=zed").content.decode()
        assert "Zed Young" in body and "Bo Zed" in body and "Amy Zhou" not in body
        body = client.get("/network/?sort=name").content.decode()
        assert body.index("Amy Zhou") < body.index("Bo Zed") < body.index("Zed Young")

    def test_paginated_twenty_a_page(self, client, alice, alice_with):
        alice_with(23)
        client.force_login(alice)
        first = client.get("/network/?sort=name").content.decode()
        assert first.count('class="net-row"') == 20
        assert "Page 1 of 2" in first
        second = client.get("/network/?sort=name&page=2").content.decode()
        assert second.count('class="net-row"') == 3
        assert "Member 22" in second

    def test_bad_input_falls_back_instead_of_failing(self, client, alice, alice_with):
        alice_with(1)
        client.force_login(alice)
        response = client.get("/network/?sort=bogus&page=zzz&q=" + "x" * 500)
        assert response.status_code == 200
        assert b"Member 00" in response.content

    def test_mutual_page_of_yourself_is_your_network(self, client, alice):
        client.force_login(alice)
        response = client.get("/in/alice/mutual/")
        assert response.status_code == 302
        assert response["Location"] == "/network/"

    def test_htmx_search_returns_the_list_only(self, client, alice, alice_with):
        alice_with(2)
        client.force_login(alice)
        response = client.get("/network/?q=01", HTTP_HX_TARGET="connection-list", **HTMX)
        body = response.content.decode()
        assert body.lstrip().startswith('<div id="connection-list">')
        assert "Member 01" in body and "Member 00" not in body

    def test_query_count_does_not_grow_with_rows(
        self, client, alice, alice_with, django_assert_num_queries
    ):
        alice_with(3)
        client.force_login(alice)
        client.get("/network/")  # warm up the session
        three = queries_for(client, "/network/")
        alice_with(7, start=3)
        ten = queries_for(client, "/network/")
        assert three == ten
        # session, member, count, the page with profiles, pending counts, unread and
        # introductions badges, and the network-size card (counts with the live 1st degree,
        # last run)
        with django_assert_num_queries(9):
            client.get("/network/")


# -- requests ---------------------------------------------------------------------


@pytest.fixture
def asking_alice(make_member, alice):
    def make(n: int, start: int = 0) -> list:
        members = []
        for i in range(start, start + n):
            member = make_member(f"r{i:02d}", full_name=f"Asker {i:02d}")
            request_between(member, alice, note=f"note from {i}")
            members.append(member)
        return members

    return make


@pytest.mark.django_db
class TestReceivedRequests:
    def test_rows_show_degree_mutuals_and_note(self, client, chain):
        request_between(chain["carol"], chain["alice"], note="Bob says hi")
        request_between(chain["erin"], chain["alice"])
        client.force_login(chain["alice"])
        body = client.get(reverse("network-requests")).content.decode()
        erin, carol = re.findall(r'<li class="net-row" id="request-.*?</li>', body, re.S)
        assert "Carol Chen" in carol and "Erin Evans" in erin  # newest first
        assert ">2nd</span>" in carol and "1 mutual connection</a>" in carol
        assert "Bob says hi" in carol
        assert "Out of network" in erin and "mutual" not in erin

    def test_suspended_and_blocked_senders_are_absent(self, client, alice, asking_alice):
        suspended, blocked, _shown = asking_alice(3)
        member_suspend(member=suspended)
        Block.objects.create(blocker=blocked, blocked=alice)
        client.force_login(alice)
        body = client.get("/network/requests/").content.decode()
        assert "Asker 00" not in body and "Asker 01" not in body
        assert "Asker 02" in body
        assert selectors.pending_counts(alice).received == 1

    def test_accept_in_place(self, client, alice, asking_alice):
        (bob,) = asking_alice(1)
        request = ConnectionRequest.objects.get()
        client.force_login(alice)
        response = client.post(f"/network/requests/{request.pk}/accept/", **HTMX)
        assert response.status_code == 200
        assert response.content.lstrip().startswith(
            f'<li class="net-row net-row-done" id="request-{request.pk}"'.encode()
        )
        assert b"Connected" in response.content
        assert graph.are_connected(alice.pk, bob.pk)

    def test_ignore_in_place(self, client, alice, asking_alice):
        asking_alice(1)
        request = ConnectionRequest.objects.get()
        client.force_login(alice)
        response = client.post(f"/network/requests/{request.pk}/ignore/", **HTMX)
        assert b"Ignored" in response.content
        request.refresh_from_db()
        assert request.status == ConnectionRequest.Status.IGNORED

    def test_accept_without_javascript(self, client, alice, asking_alice):
        asking_alice(1)
        request = ConnectionRequest.objects.get()
        client.force_login(alice)
        response = client.post(f"/network/requests/{request.pk}/accept/")
        assert response.status_code == 302
        assert response["Location"] == "/network/requests/"

    def test_accept_twice_is_a_409(self, client, alice, asking_alice):
        asking_alice(1)
        request = ConnectionRequest.objects.get()
        client.force_login(alice)
        client.post(f"/network/requests/{request.pk}/accept/")
        again = client.post(f"/network/requests/{request.pk}/accept/", **HTMX)
        assert again.status_code == 409
        assert b"This request is no longer pending." in again.content
        assert b"<html" not in again.content

    def test_only_the_recipient_answers(self, client, alice, carol, asking_alice):
        (sender,) = asking_alice(1)
        request = ConnectionRequest.objects.get()
        client.force_login(carol)  # a stranger to the request
        assert client.post(f"/network/requests/{request.pk}/accept/").status_code == 404
        client.force_login(sender)
        response = client.post(f"/network/requests/{request.pk}/accept/")
        assert response.status_code == 403
        request.refresh_from_db()
        assert request.status == ConnectionRequest.Status.PENDING

    def test_query_count_does_not_grow_with_rows(
        self, client, alice, asking_alice, django_assert_num_queries
    ):
        asking_alice(3)
        client.force_login(alice)
        client.get("/network/requests/")
        three = queries_for(client, "/network/requests/")
        asking_alice(7, start=3)
        ten = queries_for(client, "/network/requests/")
        assert three == ten
        # session, member, count, the page with profiles, closeness, pending counts, badge
        with django_assert_num_queries(8):
            client.get("/network/requests/")


@pytest.mark.django_db
class TestSentRequests:
    def test_sent_requests_with_withdraw(self, client, chain):
        first = request_between(chain["alice"], chain["erin"])
        request_between(chain["alice"], chain["carol"])
        services.connection_request_ignore(request_id=first.pk, member=chain["erin"])
        client.force_login(chain["alice"])
        body = client.get("/network/requests/sent/").content.decode()
        assert body.count(">Pending</span>") == 2
        assert "Erin Evans" in body and "Carol Chen" in body
        response = client.post(f"/network/requests/{first.pk}/withdraw/", **HTMX)
        assert response.status_code == 200
        assert b"Withdrawn" in response.content
        first.refresh_from_db()
        assert first.status == ConnectionRequest.Status.WITHDRAWN

    def test_suspended_recipient_is_absent(self, client, chain):
        request_between(chain["alice"], chain["erin"])
        member_suspend(member=chain["erin"])
        client.force_login(chain["alice"])
        assert b"Erin Evans" not in client.get("/network/requests/sent/").content


# -- invitations ------------------------------------------------------------------


@pytest.mark.django_db
class TestInvitations:
    def test_invite_and_list(self, client, alice):
        client.force_login(alice)
        response = client.post(
            "/network/invitations/", {"email": "newbie@example.org", "message": "Join us!"}
        )
        assert response.status_code == 302
        body = client.get("/network/invitations/").content.decode()
        assert "Invitation sent to newbie@example.org." in body
        assert "newbie@example.org" in body
        assert ">Sent</span>" in body
        assert "Reminder scheduled for" in body
        assert "Cancel reminder" in body and "Withdraw invitation" in body

    def test_bad_address_is_a_form_error(self, client, alice):
        client.force_login(alice)
        response = client.post("/network/invitations/", {"email": "not-an-address"})
        assert response.status_code == 400
        assert b"Enter a valid email address." in response.content
        assert not Invitation.objects.exists()

    def test_member_address_is_a_409_form_error(self, client, alice, bob):
        client.force_login(alice)
        response = client.post("/network/invitations/", {"email": bob.email})
        assert response.status_code == 409
        assert b"belongs to a LinkUp member" in response.content

    def test_weekly_limit_shows_when_it_resets(self, client, alice, monkeypatch):
        monkeypatch.setattr(services, "INVITATIONS_PER_WEEK", 1)
        client.force_login(alice)
        client.post("/network/invitations/", {"email": "one@example.org"})
        response = client.post("/network/invitations/", {"email": "two@example.org"})
        assert response.status_code == 429
        assert b"You can send 1 invitations a week. It resets on" in response.content
        assert int(response["Retry-After"]) > 0
        htmx = client.post("/network/invitations/", {"email": "two@example.org"}, **HTMX)
        assert htmx.status_code == 429
        assert htmx.content.startswith(b'<div id="invitations-panel">')
        assert b"It resets on" in htmx.content
        assert Invitation.objects.count() == 1

    def test_htmx_invite_returns_the_panel(self, client, alice):
        client.force_login(alice)
        response = client.post("/network/invitations/", {"email": "x@example.org"}, **HTMX)
        assert response.status_code == 200
        assert response.content.startswith(b'<div id="invitations-panel">')
        assert b"Invitation sent to x@example.org." in response.content

    def test_cancel_reminder_then_withdraw(self, client, alice):
        invitation = services.invitation_create(inviter=alice, email="a@example.org")
        client.force_login(alice)
        response = client.post(f"/network/invitations/{invitation.pk}/cancel-reminder/", **HTMX)
        assert b"Reminder cancelled" in response.content
        assert b"Cancel reminder" not in response.content
        response = client.post(f"/network/invitations/{invitation.pk}/withdraw/", **HTMX)
        assert b">Cancelled</span>" in response.content
        assert b"Withdraw invitation" not in response.content
        again = client.post(f"/network/invitations/{invitation.pk}/withdraw/")
        assert again.status_code == 409
        assert b"This invitation is no longer open." in again.content

    def test_refused_action_keeps_the_row_with_the_message(self, client, alice):
        invitation = services.invitation_create(inviter=alice, email="a@example.org")
        services.invitation_cancel(invitation_id=invitation.pk, inviter=alice)
        client.force_login(alice)
        response = client.post(f"/network/invitations/{invitation.pk}/withdraw/", **HTMX)
        assert response.status_code == 409
        assert response.content.lstrip().startswith(
            f'<li class="net-row" id="invitation-{invitation.pk}">'.encode()
        )
        assert b"a@example.org" in response.content
        assert b"This invitation is no longer open." in response.content

    def test_statuses(self, client, alice, bob):
        now = timezone.now()
        make = Invitation.objects.create
        make(inviter=alice, email="acc@x.org", nonce="1", expires_at=now, status="accepted")
        make(inviter=alice, email="ind@x.org", nonce="2", expires_at=now, status="joined")
        make(inviter=alice, email="old@x.org", nonce="3", expires_at=now - timedelta(days=1))
        make(
            inviter=alice,
            email="rem@x.org",
            nonce="4",
            expires_at=now + timedelta(days=9),
            reminded_at=now,
        )
        client.force_login(alice)
        body = client.get("/network/invitations/").content.decode()
        for status in ["Accepted", "Joined independently", "Expired", "Sent"]:
            assert f">{status}</span>" in body
        assert "Reminder sent" in body

    def test_only_the_inviter_sees_or_touches_an_invitation(self, client, alice, bob):
        invitation = services.invitation_create(inviter=alice, email="secret@example.org")
        client.force_login(bob)
        assert b"secret@example.org" not in client.get("/network/invitations/").content
        response = client.post(f"/network/invitations/{invitation.pk}/withdraw/")
        assert response.status_code == 404
        assert b"secret@example.org" not in response.content
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.SENT


# -- notifications and settings ----------------------------------------------------


@pytest.mark.django_db
class TestNotifications:
    def test_badge_list_and_mark_read(self, client, alice, bob, carol):
        request_between(bob, alice)
        request_between(carol, alice)
        client.force_login(alice)
        home = client.get("/home/").content.decode()
        assert 'class="nav-badge" aria-label="2 unread">2</span>' in home
        body = client.get("/notifications/").content.decode()
        assert body.index("Carol Chen") < body.index("Bob Baker")  # newest first
        assert body.count(">New</span>") == 2
        assert Notification.objects.filter(read_at__isnull=True).count() == 0
        assert "nav-badge" not in client.get("/home/").content.decode()
        assert ">New</span>" not in client.get("/notifications/").content.decode()

    def test_hidden_actors_are_left_out(self, client, alice, bob, carol, make_member):
        dave = make_member("dave", full_name="Dave Dunn")
        request_between(bob, alice)
        request_between(carol, alice)
        request_between(dave, alice)
        member_suspend(member=bob)
        Block.objects.create(blocker=alice, blocked=carol)  # without the service's cleanup
        client.force_login(alice)
        assert selectors.unread_notification_count(alice) == 1
        body = client.get("/notifications/").content.decode()
        assert "Dave Dunn" in body
        assert "Bob Baker" not in body and "Carol Chen" not in body

    def test_other_kinds_and_anonymous_actors_render(self, client, alice):
        Notification.objects.create(recipient=alice, kind="intro_expired", actor=None)
        client.force_login(alice)
        response = client.get("/notifications/")
        assert response.status_code == 200
        assert b"Introduction expired" in response.content

    def test_logged_out_pages_have_no_badge(self, client, alice, bob):
        request_between(bob, alice)
        body = client.get("/in/alice/").content.decode()
        assert "nav-badge" not in body and "Notifications" not in body

    def test_unread_count_is_one_query(self, alice, bob, django_assert_num_queries):
        request_between(bob, alice)
        with django_assert_num_queries(1):
            assert selectors.unread_notification_count(alice) == 1


@pytest.mark.django_db
class TestEmailSettings:
    def test_toggle(self, client, alice):
        client.force_login(alice)
        assert b"checked" in client.get("/settings/emails/").content
        response = client.post("/settings/emails/", {})
        assert response.status_code == 302
        assert EmailPreference.objects.get(member=alice).notifications is False
        assert b"checked" not in client.get("/settings/emails/").content
        client.post("/settings/emails/", {"notifications": "on"})
        assert EmailPreference.objects.get(member=alice).notifications is True


@pytest.mark.django_db
def test_blocked_members_list_and_unblock(client, alice, bob):
    from connections import services as connection_services

    connection_services.block_create(blocker=alice, blocked=bob)
    client.force_login(alice)
    page = client.get("/settings/blocked/")
    assert page.status_code == 200 and "Bob Baker" in page.content.decode()
    client.force_login(bob)
    assert "Alice" not in client.get("/settings/blocked/").content.decode()
    client.force_login(alice)
    response = client.post("/settings/blocked/", {"handle": "bob"}, follow=True)
    assert "Unblocked" in response.content.decode()
    assert client.get("/in/bob/").status_code == 200
