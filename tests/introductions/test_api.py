"""The introductions API as a client sees it: the whole story, who may move which state,
what each participant sees, quotas, and races on real Postgres.

    john — pete — me — ann — adam     (and a stranger, zoe)
"""

import re
from functools import partial
from urllib.parse import urlparse

import pytest
from django.core import mail
from rest_framework import throttling

from connections import graph
from connections import services as connection_services
from connections.models import Connection, Invitation, Notification
from introductions import services
from introductions.models import Hop, Introduction, Outcome
from profiles.models import User
from profiles.services import member_suspend
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db
Status = Introduction.Status

URL = "/api/v1/introductions/"
OFFERS_URL = f"{URL}offers/"
BROKERS_URL = f"{URL}brokers/"
SETTINGS_URL = f"{URL}broker-settings/"
HISTORY_URL = f"{URL}history/"
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}
INTRODUCTION_KEYS = {
    "id",
    "kind",
    "role",
    "status",
    "status_label",
    "requester",
    "target",
    "message",
    "hops",
    "reached",
    "expires_at",
    "created_at",
    "actions",
    "my_outcome",
}
MEMBER_KEYS = {"handle", "full_name", "headline", "photo_url"}


@pytest.fixture(autouse=True)
def throttle_rates(monkeypatch):
    # DRF copies DEFAULT_THROTTLE_RATES onto SimpleRateThrottle at import time; the
    # scope this API adds may not be in settings yet, so set it where throttles read.
    rates = {**throttling.SimpleRateThrottle.THROTTLE_RATES, "introduce": "30/minute"}
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", rates)
    return rates


@pytest.fixture
def clients(story, api_as):
    return {name: api_as(member) for name, member in story.items()}


def url(introduction_id, action=""):
    return f"{URL}{introduction_id}/{action + '/' if action else ''}"


def ask(clients, requester="john", target="me", via=("pete",), **body):
    payload = {
        "target": target,
        "via": list(via),
        "message": "I read your resume: could we talk?",
        "note_to_broker": "Pete, you know her well",
        **body,
    }
    response = clients[requester].post(URL, payload)
    assert response.status_code == 201, response.json()
    return response.json()


def act(client, introduction_id, action, body=None, expect=200):
    response = client.post(url(introduction_id, action), body or {})
    assert response.status_code == expect, response.json()
    return response.json()


def snapshot():
    """Everything an introduction action could change."""
    return (
        list(Introduction.objects.order_by("pk").values()),
        list(Hop.objects.order_by("pk").values()),
        list(Outcome.objects.order_by("pk").values()),
        sorted(Connection.objects.values_list("member_id", "other_id")),
        list(Notification.objects.order_by("pk").values_list("pk", flat=True)),
        list(Invitation.objects.order_by("pk").values_list("pk", "status")),
    )


def refused(client, introduction_id, action, expect, body=None):
    """The action is refused with `expect` and nothing at all changes."""
    before = snapshot()
    response = client.post(url(introduction_id, action), body or {})
    assert response.status_code == expect, response.json()
    assert snapshot() == before
    if expect == 404:
        assert response.json() == NOT_FOUND
    return response.json()


def assert_not_found(*responses, check_headers=True):
    """Every response is the one 404: same status, same bytes, same headers but Date."""
    first = responses[0]

    def headers(response):
        return sorted((k, v) for k, v in response.headers.items() if k.lower() != "date")

    for response in responses:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert response.content == first.content
        if check_headers:
            assert headers(response) == headers(first)


def handles_in(data):
    """Every member handle anywhere in a response."""
    found = set()
    if isinstance(data, dict):
        if set(data) >= MEMBER_KEYS:
            found.add(data["handle"])
        for value in data.values():
            found |= handles_in(value)
    elif isinstance(data, list):
        for item in data:
            found |= handles_in(item)
    return found


def listed(client, role=None):
    response = client.get(URL, {"role": role} if role else {})
    assert response.status_code == 200
    return response.json()["results"]


def invitation_path(address):
    """The signup link in the invitation e-mail to `address`."""
    message = next(m for m in mail.outbox if m.to == [address])
    link = re.search(r"https?://\S+/invite/\S+/", message.body)
    assert link, message.body
    return urlparse(link.group(0)).path


def sign_up(client, address, handle):
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": handle.replace("-", " ").title(),
            "email": address,
            "username": handle,
            "password1": "a-long-passphrase-1",
            "password2": "a-long-passphrase-1",
        },
    )
    assert response.status_code == 302, response.content
    return User.objects.get(username=handle)


# --- the story --------------------------------------------------------------------------


def test_the_whole_story_through_the_api(story, clients, api_as, client, on_commit):
    """Pete refers John to me. John sees my resume and asks Pete for an introduction. Pete
    introduces me to John. I introduce John to Adam — who first has to be invited."""
    john, pete, me = clients["john"], clients["pete"], clients["me"]

    # John sees my resume, and who could introduce him.
    assert john.get("/api/v1/profiles/me/").json()["degree"] == 2
    brokers = john.get(BROKERS_URL, {"target": "me"}).json()
    assert brokers["degree"] == 2
    assert [c["member"]["handle"] for c in brokers["candidates"]] == ["pete"]
    assert brokers["candidates"][0]["available"] is True

    # He asks Pete.
    asked = ask(clients, note_to_broker="Pete, you told me about her")
    assert set(asked) == INTRODUCTION_KEYS
    assert (asked["role"], asked["status"], asked["status_label"]) == (
        "requester",
        "open",
        "With a broker",
    )
    assert asked["requester"]["handle"] == "john" and asked["target"]["handle"] == "me"
    assert asked["actions"] == {
        "forward": False,
        "decline_as_broker": False,
        "accept": False,
        "decline": False,
        "withdraw": True,
        "record_outcome": False,
    }
    assert listed(me, "target") == []  # not with me until Pete passes it on

    # Pete sees it, with John's note, and forwards it.
    (inbox,) = listed(pete, "broker")
    assert inbox["actions"]["forward"] and inbox["actions"]["decline_as_broker"]
    assert inbox["hops"][0]["note"] == "Pete, you told me about her"
    forwarded = act(pete, asked["id"], "forward", {"endorsement": "John is great"})
    assert forwarded["status"] == "at_target"

    # I accept: John and I are connected.
    (mine,) = listed(me, "target")
    assert mine["status_label"] == "Waiting for your answer" and mine["actions"]["accept"]
    assert mine["hops"][0]["endorsement"] == "John is great"
    accepted = act(me, asked["id"], "accept")
    assert accepted["status"] == "accepted"
    assert graph.are_connected(story["john"].pk, story["me"].pk)
    assert act(john, asked["id"], "outcome", {"result": "met"})["my_outcome"] == "met"
    (history,) = pete.get(HISTORY_URL).json()["results"]
    assert history["outcomes"] == {"requester": "met", "target": None}

    # I introduce John to Adam, who is not a member yet: he is invited.
    with on_commit():
        offered = me.post(
            OFFERS_URL,
            {
                "first": "john",
                "second": "adam.new@example.org",
                "message": "John needs an aviation writer; Adam is the best.",
            },
        )
    assert offered.status_code == 201, offered.json()
    offer = offered.json()
    assert (offer["kind"], offer["role"], offer["target"]) == ("offer", "broker", None)
    assert offer["target_email"] == "adam.new@example.org"
    assert offer["actions"]["withdraw"]

    # Adam follows the link and signs up with the same address.
    assert client.get(invitation_path("adam.new@example.org")).status_code == 200
    adam = sign_up(client, "adam.new@example.org", "adam-new")
    adam_client = api_as(adam)
    (for_adam,) = listed(adam_client)
    assert for_adam["id"] == offer["id"] and for_adam["role"] == "target"
    assert "target_email" not in for_adam
    assert for_adam["requester"]["handle"] == "john" and for_adam["actions"]["accept"]

    # Both accept (double opt-in) and are connected.
    first = act(john, offer["id"], "accept")
    assert first["status"] == "at_target" and not first["actions"]["accept"]
    assert not graph.are_connected(story["john"].pk, adam.pk)
    assert act(adam_client, offer["id"], "accept")["status"] == "accepted"
    assert graph.are_connected(story["john"].pk, adam.pk)


# --- who may do what, when ----------------------------------------------------------------


def test_only_the_current_broker_forwards(clients):
    intro = ask(clients)
    refused(clients["me"], intro["id"], "forward", 404)  # the target: not reached yet
    refused(clients["zoe"], intro["id"], "forward", 404)
    refused(clients["ann"], intro["id"], "forward", 404)
    refused(clients["john"], intro["id"], "forward", 403)

    act(clients["pete"], intro["id"], "forward")

    refused(clients["pete"], intro["id"], "forward", 409)
    refused(clients["me"], intro["id"], "forward", 403)


def test_only_the_target_accepts_and_only_once_forwarded(clients):
    intro = ask(clients)
    refused(clients["me"], intro["id"], "accept", 404)
    refused(clients["pete"], intro["id"], "accept", 403)
    refused(clients["john"], intro["id"], "accept", 403)

    act(clients["pete"], intro["id"], "forward")

    refused(clients["pete"], intro["id"], "accept", 403)
    refused(clients["john"], intro["id"], "accept", 403)
    refused(clients["zoe"], intro["id"], "accept", 404)
    act(clients["me"], intro["id"], "accept")
    refused(clients["me"], intro["id"], "accept", 409)


def test_only_the_requester_withdraws_before_the_answer(clients):
    intro = ask(clients)
    refused(clients["pete"], intro["id"], "withdraw", 403)
    refused(clients["zoe"], intro["id"], "withdraw", 404)
    act(clients["pete"], intro["id"], "forward")
    refused(clients["me"], intro["id"], "withdraw", 403)

    withdrawn = act(clients["john"], intro["id"], "withdraw")

    assert withdrawn["status"] == "withdrawn" and not withdrawn["actions"]["withdraw"]
    refused(clients["john"], intro["id"], "withdraw", 409)
    refused(clients["me"], intro["id"], "accept", 409)


def test_decline_by_the_broker_tells_the_requester_not_forwarded(clients):
    intro = ask(clients)
    refused(clients["john"], intro["id"], "decline", 403)

    declined = act(clients["pete"], intro["id"], "decline", {"reason": "She is busy"})

    assert declined["status"] == "not_forwarded" and declined["role"] == "broker"
    seen = clients["john"].get(url(intro["id"])).json()
    assert seen["status_label"] == "Not forwarded"
    assert seen["hops"][0]["decline_reason"] == "She is busy"  # their own broker's words
    # The target never hears of it.
    assert listed(clients["me"]) == []
    assert_not_found(clients["me"].get(url(intro["id"])), clients["me"].get(url(10**9)))
    refused(clients["pete"], intro["id"], "decline", 409)
    refused(clients["pete"], intro["id"], "forward", 409)


def test_decline_by_the_target_tells_the_requester_not_accepted(clients):
    intro = ask(clients)
    act(clients["pete"], intro["id"], "forward")
    refused(clients["pete"], intro["id"], "decline", 409)  # a broker, but it left him
    refused(clients["john"], intro["id"], "decline", 403)
    error = refused(clients["me"], intro["id"], "decline", 400, {"reason": "no thanks"})
    assert list(error["error"]["fields"]) == ["reason"]

    declined = act(clients["me"], intro["id"], "decline")

    assert declined["status"] == "not_accepted" and declined["role"] == "target"
    seen = clients["john"].get(url(intro["id"])).json()
    assert seen["status_label"] == "Not accepted"
    assert all("decline_reason" not in hop for hop in seen["hops"])
    refused(clients["me"], intro["id"], "accept", 409)


def test_terminal_states_are_final(story, clients):
    intro = ask(clients)
    act(clients["pete"], intro["id"], "forward")
    act(clients["me"], intro["id"], "accept")

    refused(clients["pete"], intro["id"], "forward", 409)
    refused(clients["pete"], intro["id"], "decline", 409)
    refused(clients["me"], intro["id"], "accept", 409)
    refused(clients["me"], intro["id"], "decline", 409)
    refused(clients["john"], intro["id"], "withdraw", 409)
    assert Connection.objects.filter(member=story["john"], other=story["me"]).count() == 1


def test_outcome_only_from_the_two_introduced_once_accepted(clients):
    intro = ask(clients)
    act(clients["pete"], intro["id"], "forward")
    refused(clients["john"], intro["id"], "outcome", 409, {"result": "met"})
    act(clients["me"], intro["id"], "accept")

    refused(clients["pete"], intro["id"], "outcome", 403, {"result": "met"})
    refused(clients["zoe"], intro["id"], "outcome", 404, {"result": "met"})
    refused(clients["john"], intro["id"], "outcome", 400, {"result": "great"})
    refused(clients["john"], intro["id"], "outcome", 400, {})
    assert act(clients["john"], intro["id"], "outcome", {"result": "met"})["my_outcome"] == "met"
    again = act(clients["john"], intro["id"], "outcome", {"result": "working"})

    assert again["my_outcome"] == "working" and Outcome.objects.count() == 1
    assert clients["me"].get(url(intro["id"])).json()["my_outcome"] is None


def test_offer_is_double_opt_in_and_withdrawn_by_its_broker(story, clients, connect):
    response = clients["me"].post(
        OFFERS_URL, {"first": "pete", "second": "ann", "message": "You two should talk."}
    )
    assert response.status_code == 201, response.json()
    offer = response.json()
    assert (offer["kind"], offer["status"], offer["role"]) == ("offer", "at_target", "broker")
    refused(clients["zoe"], offer["id"], "accept", 404)
    refused(clients["me"], offer["id"], "accept", 403)
    refused(clients["pete"], offer["id"], "withdraw", 403)

    first = act(clients["pete"], offer["id"], "accept")

    assert first["role"] == "requester" and not first["actions"]["accept"]
    assert not graph.are_connected(story["pete"].pk, story["ann"].pk)
    refused(clients["pete"], offer["id"], "accept", 409)
    assert act(clients["ann"], offer["id"], "accept")["status"] == "accepted"
    assert graph.are_connected(story["pete"].pk, story["ann"].pk)

    connect(story["john"], story["me"])
    other = (
        clients["me"]
        .post(OFFERS_URL, {"first": "john", "second": "ann", "message": "Meet Ann."})
        .json()
    )
    assert act(clients["me"], other["id"], "withdraw")["status"] == "withdrawn"


def test_offer_only_between_your_own_connections(clients):
    before = snapshot()
    response = clients["me"].post(
        OFFERS_URL, {"first": "john", "second": "ann", "message": "Meet Ann."}
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "not_a_path"
    assert snapshot() == before


def test_unknown_keys_are_refused_and_change_nothing(clients):
    intro = ask(clients)
    before = snapshot()

    created = clients["john"].post(
        URL, {"target": "ann", "via": ["pete", "me"], "message": "hi", "status": "accepted"}
    )
    forwarded = clients["pete"].post(url(intro["id"], "forward"), {"current_hop": 1})
    accepted = clients["pete"].post(url(intro["id"], "accept"), {"member": "me"})

    for response, key in ((created, "status"), (forwarded, "current_hop"), (accepted, "member")):
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == [key]
    assert snapshot() == before


def test_request_validation(clients):
    def post(**body):
        payload = {"target": "me", "via": ["pete"], "message": "hi", **body}
        return clients["john"].post(URL, payload)

    assert post(via=[]).status_code == 400
    assert post(via=["pete", "me", "ann"]).status_code == 400
    assert post(message="").status_code == 400
    assert post(target="not-an-address@").status_code == 400
    assert post(target="john").status_code == 400  # yourself
    error = post(target="ann", via=["me"]).json()["error"]  # John does not know me
    assert error["code"] == "not_a_path"
    assert post(target="pete", via=["me"]).status_code == 409  # already connected
    assert Introduction.objects.count() == 0


# --- what each participant sees ---------------------------------------------------------------


def test_the_note_for_the_broker_never_reaches_the_target(clients):
    intro = ask(clients, note_to_broker="secret for pete")
    act(clients["pete"], intro["id"], "forward", {"endorsement": "A good man"})
    me = clients["me"]

    for response in (me.get(URL), me.get(URL, {"role": "target"}), me.get(url(intro["id"]))):
        assert response.status_code == 200
        assert b"secret for pete" not in response.content
        data = response.json()
        for row in data.get("results", [data]):
            assert row["hops"] and all("note" not in hop for hop in row["hops"])
    for response in (clients["john"].get(url(intro["id"])), clients["john"].get(URL)):
        assert b"secret for pete" not in response.content  # not even back to the requester
    (hop,) = clients["pete"].get(url(intro["id"])).json()["hops"]
    assert hop["note"] == "secret for pete"


def test_requester_does_not_learn_which_later_broker_declined(clients):
    intro = ask(clients, target="ann", via=("pete", "me"))
    act(clients["pete"], intro["id"], "forward", {"endorsement": "Worth meeting"})
    chain = clients["me"].get(url(intro["id"])).json()
    assert [h["status"] for h in chain["hops"]] == ["forwarded", "waiting"]
    assert chain["hops"][1]["note"] == "Worth meeting"  # Pete's words for me

    act(clients["me"], intro["id"], "decline", {"reason": "Ann is swamped"})

    for viewer in ("john", "pete"):
        for response in (clients[viewer].get(url(intro["id"])), clients[viewer].get(URL)):
            assert b"Ann is swamped" not in response.content
            data = response.json()
            (row,) = data.get("results", [data])
            assert row["status"] == "not_forwarded"
            hidden = row["hops"][1]
            assert hidden == {"position": 1, "broker": None, "status": "hidden", "endorsement": ""}
            assert "me" not in handles_in(row)
    assert clients["john"].get(url(intro["id"])).json()["status_label"] == "Not forwarded"


def test_an_invited_address_is_seen_only_by_the_asking_side(
    story, clients, api_as, client, on_commit
):
    intro = ask(clients, target="outside@example.org", note_to_broker="She was my colleague")
    assert intro["target"] is None and intro["target_email"] == "outside@example.org"
    assert clients["pete"].get(url(intro["id"])).json()["target_email"] == "outside@example.org"
    for stranger in ("zoe", "me", "ann"):
        response = clients[stranger].get(url(intro["id"]))
        assert_not_found(response, clients[stranger].get(url(10**9)))
        assert b"outside@example.org" not in clients[stranger].get(URL).content

    # Pete passes it on: the invitation goes out; she joins and sees it, but not the address.
    with on_commit():
        act(clients["pete"], intro["id"], "forward", {"endorsement": "John is great"})
    client.get(invitation_path("outside@example.org"))
    olga = sign_up(client, "outside@example.org", "olga")
    olga_client = api_as(olga)
    (seen,) = listed(olga_client)
    assert seen["role"] == "target" and seen["target"]["handle"] == "olga"
    assert "target_email" not in seen and b"outside@example.org" not in olga_client.get(URL).content
    act(olga_client, intro["id"], "accept")
    assert graph.are_connected(story["john"].pk, olga.pk)


def test_an_address_of_a_visible_member_points_to_their_profile(story, clients):
    """As with invitations: a member's address is refused with 409, so the request goes to
    the member by name (otherwise the broker could only decline it). A hidden member's
    address is treated like any address."""
    response = clients["john"].post(
        URL, {"target": story["ann"].email, "via": ["pete"], "message": "hi"}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"
    to_stranger = ask(clients, target="nobody@example.org", via=("pete",))
    assert set(to_stranger) == INTRODUCTION_KEYS | {"target_email"}
    assert to_stranger["target"] is None and to_stranger["status_label"] == "With a broker"


def test_hidden_and_missing_members_are_one_404(story, clients):
    john = clients["john"]
    connection_services.block_create(blocker=story["me"], blocked=story["john"])
    member_suspend(member=story["ann"])

    def create(**body):
        return john.post(URL, {"target": "me", "via": ["pete"], "message": "hi", **body})

    # Same body everywhere; same headers too for each endpoint (only Allow differs).
    assert_not_found(
        create(target="nobody"),
        create(target="me"),  # blocks John
        create(target="ann", via=["pete", "nobody"]),
        create(target="adam", via=["pete", "ann"]),  # suspended
    )
    assert_not_found(
        john.post(OFFERS_URL, {"first": "nobody", "second": "pete", "message": "hi"}),
        john.post(OFFERS_URL, {"first": "pete", "second": "me", "message": "hi"}),
    )
    assert_not_found(
        john.get(BROKERS_URL, {"target": "nobody"}),
        john.get(BROKERS_URL, {"target": "me"}),
        john.get(BROKERS_URL, {"target": "ann"}),
    )
    assert_not_found(create(target="nobody"), john.get(url(10**9)), check_headers=False)
    assert Introduction.objects.count() == 0


def test_a_block_between_requester_and_target_hides_the_introduction(story, clients):
    intro = ask(clients)
    act(clients["pete"], intro["id"], "forward")
    connection_services.block_create(blocker=story["me"], blocked=story["john"])

    assert listed(clients["john"]) == [] and listed(clients["me"]) == []
    assert_not_found(clients["john"].get(url(intro["id"])), clients["john"].get(url(10**9)))
    refused(clients["me"], intro["id"], "accept", 404)
    assert listed(clients["pete"])[0]["status"] == "cancelled"


def test_list_filters_by_role(clients):
    intro = ask(clients)
    act(clients["pete"], intro["id"], "forward")

    assert [r["role"] for r in listed(clients["john"], "requester")] == ["requester"]
    assert listed(clients["john"], "broker") == [] and listed(clients["john"], "target") == []
    assert [r["role"] for r in listed(clients["pete"], "broker")] == ["broker"]
    assert [r["role"] for r in listed(clients["me"], "target")] == ["target"]
    assert clients["john"].get(URL, {"role": "admin"}).status_code == 400


def test_list_costs_the_same_queries_for_one_row_and_six(
    story, make_member, connect, api_as, django_assert_num_queries
):
    pete = story["pete"]
    client = api_as(pete)
    client.get(URL)  # the token's last-used stamp is written once

    def add_requests(count, start):
        for n in range(start, start + count):
            asker = make_member(f"asker-{n}")
            connect(asker, pete)
            intro = services.introduction_request(
                requester=asker, target=story["me"], via=[pete], message="hi", note_to_broker="n"
            )
            if n % 2:
                services.introduction_forward(introduction_id=intro.pk, broker=pete)

    add_requests(1, 0)
    # token, blocks, count, page, hops with brokers, outcomes
    with django_assert_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 1
    add_requests(4, 1)
    services.introduction_offer(
        broker=pete, first=story["john"], second_email="new@example.org", message="hi"
    )
    with django_assert_num_queries(6):
        assert len(client.get(URL).json()["results"]) == 6


# --- brokers, settings, history -----------------------------------------------------------


def test_broker_candidates_by_degree(story, clients):
    john = clients["john"]

    second = john.get(BROKERS_URL, {"target": "me"}).json()
    third = john.get(BROKERS_URL, {"target": "ann"}).json()
    first = john.get(BROKERS_URL, {"target": "pete"}).json()
    yourself = john.get(BROKERS_URL, {"target": "john"}).json()
    beyond = john.get(BROKERS_URL, {"target": "adam"}).json()

    (candidate,) = second["candidates"]
    assert set(candidate) == {
        "member",
        "forwarded",
        "asked",
        "good_outcomes",
        "last_active",
        "available",
        "topics",
        "then_via",
    }
    assert candidate["then_via"] == [] and candidate["member"]["handle"] == "pete"
    assert third["degree"] == 3
    assert [
        (c["member"]["handle"], [m["handle"] for m in c["then_via"]]) for c in third["candidates"]
    ] == [("pete", ["me"])]
    assert first == {"degree": 1, "candidates": []}
    assert yourself == {"degree": None, "candidates": []}
    assert beyond == {"degree": None, "candidates": []}
    assert john.get(BROKERS_URL).status_code == 400


def test_broker_candidates_show_availability_and_record(story, clients, make_member, connect):
    kim = make_member("kim")
    connect(story["john"], kim)
    connect(kim, story["me"])
    clients["pete"].put(SETTINGS_URL, {"capacity_per_month": 5, "topics": "", "paused": True})
    intro = ask(clients, via=("kim",))
    services.introduction_forward(introduction_id=intro["id"], broker=kim)

    ranked = clients["john"].get(BROKERS_URL, {"target": "me"}).json()["candidates"]

    assert [(c["member"]["handle"], c["available"]) for c in ranked] == [
        ("kim", True),
        ("pete", False),
    ]
    assert (ranked[0]["asked"], ranked[0]["forwarded"]) == (1, 1)


def test_third_degree_candidates_are_first_brokers_of_the_best_paths(
    story, clients, make_member, connect
):
    # A second path john — kim — lee — ann; Kim is paused, so Pete comes first.
    kim, lee = make_member("kim"), make_member("lee")
    connect(story["john"], kim)
    connect(kim, lee)
    connect(lee, story["ann"])
    services.broker_settings_update(member=kim, capacity_per_month=10, topics="", paused=True)

    ranked = clients["john"].get(BROKERS_URL, {"target": "ann"}).json()["candidates"]

    assert [(c["member"]["handle"], c["available"]) for c in ranked] == [
        ("pete", True),
        ("kim", False),
    ]
    assert [m["handle"] for m in ranked[1]["then_via"]] == ["lee"]


def test_broker_settings_are_replaced_whole_and_nothing_else(story, clients):
    pete = clients["pete"]
    assert pete.get(SETTINGS_URL).json() == {
        "capacity_per_month": 10,
        "topics": "",
        "paused": False,
    }

    saved = pete.put(SETTINGS_URL, {"capacity_per_month": 3, "topics": "aviation", "paused": False})

    assert saved.status_code == 200
    assert saved.json() == {"capacity_per_month": 3, "topics": "aviation", "paused": False}
    for body in (
        {"capacity_per_month": 3, "topics": "x"},  # PUT replaces: every key
        {"capacity_per_month": 201, "topics": "", "paused": False},
        {"capacity_per_month": -1, "topics": "", "paused": False},
        {"capacity_per_month": 3, "topics": "", "paused": False, "member": "zoe"},
    ):
        assert pete.put(SETTINGS_URL, body).status_code == 400
    assert pete.get(SETTINGS_URL).json()["topics"] == "aviation"
    assert clients["zoe"].get(SETTINGS_URL).json()["capacity_per_month"] == 10
    assert pete.patch(SETTINGS_URL, {"paused": True}).status_code == 405


def test_history_lists_what_you_passed_on_with_outcomes(clients):
    passed = ask(clients)
    act(clients["pete"], passed["id"], "forward")
    act(clients["me"], passed["id"], "accept")
    act(clients["me"], passed["id"], "outcome", {"result": "working"})
    declined = ask(clients, target="ann", via=("pete", "me"))
    act(clients["pete"], declined["id"], "decline")

    rows = clients["pete"].get(HISTORY_URL).json()["results"]

    assert [r["id"] for r in rows] == [passed["id"]]
    assert rows[0]["outcomes"] == {"requester": None, "target": "working"}
    assert rows[0]["role"] == "broker" and "note" in rows[0]["hops"][0]
    assert clients["john"].get(HISTORY_URL).json()["results"] == []
    assert "outcomes" not in clients["pete"].get(url(passed["id"])).json()


# --- quotas -------------------------------------------------------------------------------------


@pytest.fixture
def pete_knows_six(story, make_member, connect):
    people = [make_member(f"t{n}") for n in range(1, 7)]
    for person in people:
        connect(story["pete"], person)
    return people


def test_the_sixth_open_request_is_429_with_when_it_resets(clients, pete_knows_six):
    made = [ask(clients, target=f"t{n}") for n in range(1, 6)]

    response = clients["john"].post(URL, {"target": "t6", "via": ["pete"], "message": "one more?"})

    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "limit_reached"
    assert 29 * 24 * 3600 < error["retry_after"] <= 30 * 24 * 3600 + 1
    assert error["resets_at"]
    assert Introduction.objects.count() == 5
    act(clients["john"], made[0]["id"], "withdraw")
    ask(clients, target="t6")  # the slot came back


def test_broker_capacity_is_429(clients, pete_knows_six):
    clients["pete"].put(SETTINGS_URL, {"capacity_per_month": 1, "topics": "", "paused": False})
    ask(clients)

    response = clients["john"].post(URL, {"target": "t1", "via": ["pete"], "message": "hi"})

    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "limit_reached" and error["retry_after"] > 29 * 24 * 3600
    assert Introduction.objects.count() == 1


def test_a_paused_broker_is_409(clients):
    clients["pete"].put(SETTINGS_URL, {"capacity_per_month": 10, "topics": "", "paused": True})

    response = clients["john"].post(URL, {"target": "me", "via": ["pete"], "message": "hi"})

    assert response.status_code == 409 and response.json()["error"]["code"] == "broker_paused"
    assert Introduction.objects.count() == 0


def test_asking_and_offering_share_a_per_minute_throttle(clients, throttle_rates):
    throttle_rates["introduce"] = "2/minute"
    john = clients["john"]
    assert john.post(URL, {}).status_code == 400
    assert john.post(OFFERS_URL, {}).status_code == 400

    response = john.post(URL, {})

    assert response.status_code == 429 and response.json()["error"]["retry_after"] > 0
    assert john.post(OFFERS_URL, {}).status_code == 429
    assert john.get(URL).status_code == 200  # reading is not throttled


# --- races on real Postgres -----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_brokers_at_once_only_the_current_one_wins(clients):
    intro = ask(clients, target="ann", via=("pete", "me"))
    act(clients["pete"], intro["id"], "forward")

    pete, me = run_together(
        partial(clients["pete"].post, url(intro["id"], "forward"), {}),
        partial(clients["me"].post, url(intro["id"], "forward"), {}),
    )

    assert (pete.status_code, me.status_code) == (409, 200)
    row = Introduction.objects.get(pk=intro["id"])
    assert (row.status, row.current_hop) == (Status.AT_TARGET, 2)
    assert list(Hop.objects.order_by("position").values_list("status", flat=True)) == [
        "forwarded",
        "forwarded",
    ]


@pytest.mark.django_db(transaction=True)
def test_forward_racing_decline_by_the_same_broker_one_wins(clients):
    intro = ask(clients)

    responses = run_together(
        partial(clients["pete"].post, url(intro["id"], "forward"), {}),
        partial(clients["pete"].post, url(intro["id"], "decline"), {}),
    )

    assert sorted(r.status_code for r in responses) == [200, 409]
    row = Introduction.objects.get(pk=intro["id"])
    hop = Hop.objects.get(introduction=row)
    if responses[0].status_code == 200:
        assert (row.status, hop.status) == (Status.AT_TARGET, "forwarded")
    else:
        assert (row.status, hop.status) == (Status.NOT_FORWARDED, "declined")


@pytest.mark.django_db(transaction=True)
def test_accept_racing_withdraw_exactly_one_wins(story, clients):
    john, me = story["john"], story["me"]
    for _ in range(3):
        intro = ask(clients)
        act(clients["pete"], intro["id"], "forward")

        accept, withdraw = run_together(
            partial(clients["me"].post, url(intro["id"], "accept"), {}),
            partial(clients["john"].post, url(intro["id"], "withdraw"), {}),
        )

        assert sorted([accept.status_code, withdraw.status_code]) == [200, 409]
        row = Introduction.objects.get(pk=intro["id"])
        assert row.closed_at is not None
        if accept.status_code == 200:
            assert row.status == Status.ACCEPTED and graph.are_connected(john.pk, me.pk)
        else:
            assert row.status == Status.WITHDRAWN and not graph.are_connected(john.pk, me.pk)
        graph.remove_edge(john.pk, me.pk)


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_connect_once(story, clients):
    intro = ask(clients)
    act(clients["pete"], intro["id"], "forward")

    responses = run_together(
        partial(clients["me"].post, url(intro["id"], "accept"), {}),
        partial(clients["me"].post, url(intro["id"], "accept"), {}),
    )

    assert sorted(r.status_code for r in responses) == [200, 409]
    both = [story["john"], story["me"]]
    pair = Connection.objects.filter(member__in=both, other__in=both)
    assert sorted(pair.values_list("member__username", "other__username")) == [
        ("john", "me"),
        ("me", "john"),
    ]
    told = Notification.objects.filter(introduction_id=intro["id"], kind="intro_accepted")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["john", "me", "pete"]


@pytest.mark.django_db(transaction=True)
def test_both_sides_of_an_offer_accepting_at_once_connect_once(story, clients):
    offer = (
        clients["me"]
        .post(OFFERS_URL, {"first": "pete", "second": "ann", "message": "Meet."})
        .json()
    )

    responses = run_together(
        partial(clients["pete"].post, url(offer["id"], "accept"), {}),
        partial(clients["ann"].post, url(offer["id"], "accept"), {}),
    )

    assert [r.status_code for r in responses] == [200, 200]
    row = Introduction.objects.get(pk=offer["id"])
    assert row.status == Status.ACCEPTED
    assert Connection.objects.filter(member=story["pete"], other=story["ann"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_broker_capacity_holds_under_parallel_requests(story, api_as, make_member, connect):
    askers = [make_member(f"asker-{n}") for n in range(4)]
    for asker in askers:
        connect(asker, story["pete"])
    services.broker_settings_update(
        member=story["pete"], capacity_per_month=1, topics="", paused=False
    )

    def request_as(member):
        client = api_as(member)
        return partial(client.post, URL, {"target": "me", "via": ["pete"], "message": "hi"})

    responses = run_together(*(request_as(asker) for asker in askers))

    assert sorted(r.status_code for r in responses) == [201, 429, 429, 429]
    assert Introduction.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_open_request_limit_holds_under_parallel_requests(clients, pete_knows_six):
    for n in range(1, 5):
        ask(clients, target=f"t{n}")

    responses = run_together(
        *(
            partial(clients["john"].post, URL, {"target": t, "via": ["pete"], "message": "hi"})
            for t in ("t5", "t6", "me")
        )
    )

    assert sorted(r.status_code for r in responses) == [201, 429, 429]
    assert Introduction.objects.filter(status=Status.OPEN).count() == 5


# --- privacy and robustness cases found in review -----------------------------------------


def test_target_never_learns_of_an_introduction_withdrawn_before_it_reached_them(clients):
    intro = ask(clients, message="a private message for me")
    act(clients["john"], intro["id"], "withdraw")

    assert listed(clients["me"]) == []
    assert_not_found(clients["me"].get(url(intro["id"])), clients["me"].get(url(10**9)))


def test_a_block_between_two_others_on_the_path_is_not_revealed(story, clients):
    connection_services.block_create(blocker=story["me"], blocked=story["pete"])
    assert not graph.are_connected(story["pete"].pk, story["me"].pk)  # the block ended it

    response = clients["john"].post(URL, {"target": "ann", "via": ["pete", "me"], "message": "hi"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_a_path"


def test_an_offer_address_is_seen_only_by_the_broker(clients):
    offer = (
        clients["me"]
        .post(OFFERS_URL, {"first": "pete", "second": "new@example.org", "message": "Meet her."})
        .json()
    )
    assert offer["target_email"] == "new@example.org"

    seen = clients["pete"].get(url(offer["id"]))

    assert b"new@example.org" not in seen.content


def test_accepting_an_offer_before_the_invitee_joins_is_not_a_crash(clients):
    offer = (
        clients["me"]
        .post(OFFERS_URL, {"first": "pete", "second": "new@example.org", "message": "Meet her."})
        .json()
    )

    response = clients["pete"].post(url(offer["id"], "accept"), {})

    assert response.status_code in (200, 409)


def test_a_blocked_broker_disappears_from_the_requesters_list(story, clients):
    intro = ask(clients)
    act(clients["pete"], intro["id"], "forward")
    act(clients["me"], intro["id"], "accept")
    connection_services.block_create(blocker=story["john"], blocked=story["pete"])

    assert "pete" not in handles_in(clients["john"].get(URL).json())


def test_a_blocked_requester_disappears_from_the_brokers_history(story, clients):
    intro = ask(clients)
    act(clients["pete"], intro["id"], "forward")
    act(clients["me"], intro["id"], "accept")
    connection_services.block_create(blocker=story["john"], blocked=story["pete"])

    assert "john" not in handles_in(clients["pete"].get(HISTORY_URL).json())


def test_a_suspended_member_vanishes_from_introduction_lists(story, clients):
    intro = ask(clients)
    act(clients["pete"], intro["id"], "forward")
    act(clients["me"], intro["id"], "accept")
    member_suspend(member=story["john"])

    assert "john" not in handles_in(clients["pete"].get(URL).json())
    assert "john" not in handles_in(clients["pete"].get(HISTORY_URL).json())
    assert "john" not in handles_in(clients["me"].get(URL).json())
