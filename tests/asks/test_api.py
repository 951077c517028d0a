"""The asks API as a client sees it.

carol — bob — alice — dave        (erin — bob as well; zoe a stranger)
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from asks import services
from asks.models import Ask, AskAnswer, AskHelper, AskPass, AskReferral, AskView
from connections import services as connection_services
from connections.models import Notification
from introductions.models import Introduction
from profiles.services import member_suspend

pytestmark = pytest.mark.django_db

URL = "/api/v1/asks/"
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}
MEMBER_KEYS = {"handle", "full_name", "headline", "photo_url"}
LIST_KEYS = {
    "id",
    "title",
    "body",
    "topic",
    "industry",
    "status",
    "created_at",
    "expires_at",
    "closed_at",
    "author",
    "role",
    "answered",
    "referred",
    "actions",
}
NEW_ASK = {
    "title": "Leads for freelance indexing work",
    "body": "Back-of-book indexes for technical publishers.",
    "topic": "indexing",
    "industry": "publishing",
}


@pytest.fixture
def clients(people, api_as):
    return {handle: api_as(member) for handle, member in people.items()}


def url(ask_id, action=""):
    return f"{URL}{ask_id}/{action + '/' if action else ''}"


def snapshot():
    """Everything an ask action could change."""
    return (
        list(Ask.objects.order_by("pk").values()),
        list(AskAnswer.objects.order_by("pk").values()),
        list(AskPass.objects.order_by("pk").values()),
        list(AskReferral.objects.order_by("pk").values()),
        list(AskHelper.objects.order_by("pk").values()),
        list(Introduction.objects.order_by("pk").values_list("pk", "status")),
        list(Notification.objects.order_by("pk").values_list("pk", flat=True)),
    )


def refused(client, ask_id, action, body, expect):
    before = snapshot()
    response = client.post(url(ask_id, action), body, format="json")
    assert response.status_code == expect, response.json()
    assert snapshot() == before
    return response


def same_404(*responses):
    """The one 404: same status, same bytes, same headers but Date."""

    def headers(response):
        return sorted((k, v) for k, v in response.headers.items() if k.lower() != "date")

    first = responses[0]
    for response in responses:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert response.content == first.content
        assert headers(response) == headers(first)


# --- posting and the feed -----------------------------------------------------------------


def test_a_posted_ask_reaches_first_degree_connections_only(clients):
    response = clients["alice"].post(URL, NEW_ASK, format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["role"] == "asker"
    assert created["reach"] == {"seen_by": 0, "passes": 0, "referrals": 0, "answers": 0}
    assert created["actions"] == {"answer": False, "refer": False, "pass_on": False, "close": True}
    for handle in ("bob", "dave"):
        [row] = clients[handle].get(URL).json()["results"]
        assert set(row) == LIST_KEYS | {"passed_by"}
        assert set(row["author"]) == MEMBER_KEYS
        assert row["role"] == "connection"
        assert row["actions"] == {"answer": True, "refer": True, "pass_on": True, "close": False}
    for handle in ("carol", "erin", "zoe"):
        assert clients[handle].get(URL).json()["results"] == []


def test_mine_lists_my_asks_with_their_reach(people, clients, make_ask):
    ask = make_ask()
    clients["bob"].get(URL)  # bob's feed shows it: seen once
    clients["bob"].get(url(ask.pk))  # opening it again counts no more
    clients["bob"].post(url(ask.pk, "pass"), {"to": ["carol", "erin"]}, format="json")
    clients["carol"].get(URL)
    clients["dave"].post(url(ask.pk, "answer"), {"body": "Not me."}, format="json")  # seen too

    [row] = clients["alice"].get(URL, {"mine": 1}).json()["results"]

    assert row["reach"] == {"seen_by": 3, "passes": 2, "referrals": 0, "answers": 1}
    assert "passed_by" not in row
    assert clients["bob"].get(URL, {"mine": 1}).json()["results"] == []


def test_the_write_allow_list_names_unknown_keys_and_creates_nothing(clients):
    body = {**NEW_ASK, "author": "bob", "status": "solved", "seen_by": 1000}

    response = clients["alice"].post(URL, body, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"author", "status", "seen_by"}
    assert Ask.objects.count() == 0


@pytest.mark.parametrize(
    ("expires_in", "status"),
    [(timedelta(days=91), 400), (timedelta(minutes=-1), 400), (timedelta(days=90), 201)],
)
def test_expires_at_is_validated(clients, expires_in, status):
    expires_at = (timezone.now() + expires_in).isoformat()

    response = clients["alice"].post(URL, {**NEW_ASK, "expires_at": expires_at}, format="json")

    assert response.status_code == status, response.json()
    if status == 400:
        assert list(response.json()["error"]["fields"]) == ["expires_at"]


def test_bad_industry_and_missing_fields_are_400s_naming_them(clients):
    response = clients["alice"].post(URL, {"title": "x", "industry": "piracy"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"body", "industry"}


def test_past_the_weekly_limit_posting_is_a_429_with_when_it_resets(clients, monkeypatch):
    monkeypatch.setattr(services, "ASKS_PER_WEEK", 1)
    assert clients["alice"].post(URL, NEW_ASK, format="json").status_code == 201

    response = clients["alice"].post(URL, NEW_ASK, format="json")

    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "limit_reached"
    assert error["retry_after"] > 0 and error["resets_at"]
    assert Ask.objects.count() == 1


# --- privacy ------------------------------------------------------------------------------


def test_a_hidden_ask_and_a_missing_one_are_the_same_404_everywhere(people, clients, make_ask):
    ask = make_ask()
    missing = ask.pk + 1000
    zoe = clients["zoe"]

    same_404(zoe.get(url(ask.pk)), zoe.get(url(missing)))
    for action, body in [
        ("answer", {"body": "Hi"}),
        ("refer", {"member": "bob"}),
        ("pass", {"to": ["bob"]}),
        ("close", {"solved": True}),
    ]:
        same_404(
            refused(zoe, ask.pk, action, body, 404),
            zoe.post(url(missing, action), body, format="json"),
        )


def test_blocked_and_suspended_askers_look_missing(people, clients, make_ask):
    ask = make_ask()
    missing = ask.pk + 1000
    connection_services.block_create(blocker=people["alice"], blocked=people["bob"])

    same_404(clients["bob"].get(url(ask.pk)), clients["bob"].get(url(missing)))
    assert clients["bob"].get(URL).json()["results"] == []

    member_suspend(member=people["alice"])
    same_404(clients["dave"].get(url(ask.pk)), clients["dave"].get(url(missing)))
    assert clients["dave"].get(URL).json()["results"] == []


def test_hidden_and_missing_handles_are_the_same_404(people, clients, make_ask):
    ask = make_ask()
    connection_services.block_create(blocker=people["carol"], blocked=people["bob"])
    member_suspend(member=people["erin"])
    bob = clients["bob"]

    same_404(
        refused(bob, ask.pk, "refer", {"member": "carol"}, 404),
        refused(bob, ask.pk, "refer", {"member": "erin"}, 404),
        refused(bob, ask.pk, "refer", {"member": "nobody-at-all"}, 404),
        refused(bob, ask.pk, "pass", {"to": ["erin"]}, 404),
        refused(bob, ask.pk, "pass", {"to": ["nobody-at-all"]}, 404),
    )


def test_no_contact_details_anywhere(people, clients, make_ask):
    for member in people.values():
        member.profile.contact_email = f"{member.username}@private.example"
        member.profile.phone = "+351 000 000"
        member.profile.save()
    ask = make_ask()
    clients["dave"].post(url(ask.pk, "answer"), {"body": "Try Carol."}, format="json")
    clients["bob"].post(url(ask.pk, "refer"), {"member": "carol"}, format="json")
    clients["bob"].post(url(ask.pk, "pass"), {"to": ["erin"]}, format="json")

    responses = [
        clients["alice"].get(url(ask.pk)),
        clients["alice"].get(URL, {"mine": 1}),
        clients["bob"].get(url(ask.pk)),
        clients["erin"].get(URL),
        clients["erin"].get(url(ask.pk)),
    ]
    for response in responses:
        assert response.status_code == 200
        assert b"private.example" not in response.content
        assert b"contact_email" not in response.content and b"phone" not in response.content


# --- answers, referrals, passes --------------------------------------------------------------


def test_answers_are_read_by_the_asker_alone(clients, make_ask):
    ask = make_ask()
    clients["bob"].post(url(ask.pk, "answer"), {"body": "Carol!"}, format="json")
    response = clients["dave"].post(url(ask.pk, "answer"), {"body": "Not me."}, format="json")

    assert response.status_code == 200
    assert [a["body"] for a in response.json()["answers"]] == ["Not me."]
    assert response.json()["answered"] is True
    assert response.json()["actions"]["answer"] is False
    asker = clients["alice"].get(url(ask.pk)).json()
    assert [(a["author"]["handle"], a["body"]) for a in asker["answers"]] == [
        ("bob", "Carol!"),
        ("dave", "Not me."),
    ]
    refused(clients["bob"], ask.pk, "answer", {"body": "Again"}, 409)
    refused(clients["alice"], ask.pk, "answer", {"body": "Mine"}, 403)
    refused(clients["bob"], ask.pk, "answer", {"body": "", "extra": 1}, 400)


def test_a_referral_shows_up_as_an_introduction_for_the_asker(people, clients, make_ask):
    ask = make_ask()

    response = clients["bob"].post(
        url(ask.pk, "refer"), {"member": "carol", "note": "She wrote them."}, format="json"
    )

    assert response.status_code == 200, response.json()
    [mine] = response.json()["referrals"]
    assert mine["referred"]["handle"] == "carol"
    intro_id = mine["introduction_id"]
    # Alice sees it on the ask and in her introductions, waiting for her answer.
    [referral] = clients["alice"].get(url(ask.pk)).json()["referrals"]
    assert (referral["introduction_id"], referral["introduction_status"]) == (intro_id, "at_target")
    intro = clients["alice"].get(f"/api/v1/introductions/{intro_id}/").json()
    assert intro["kind"] == "offer"
    assert intro["target"]["handle"] == "carol"
    assert intro["actions"]["accept"] is True
    assert "She wrote them." in intro["message"]
    listed = clients["alice"].get("/api/v1/introductions/", {"role": "requester"}).json()
    assert [i["id"] for i in listed["results"]] == [intro_id]
    # Carol is asked too; she does not see the ask itself.
    assert clients["carol"].get(f"/api/v1/introductions/{intro_id}/").status_code == 200
    assert clients["carol"].get(url(ask.pk)).status_code == 404


def test_a_member_the_ask_was_passed_to_answers_but_cannot_refer_or_pass(clients, make_ask):
    ask = make_ask()
    clients["bob"].post(url(ask.pk, "pass"), {"to": ["carol"]}, format="json")

    seen = clients["carol"].get(url(ask.pk)).json()
    assert seen["role"] == "passed"
    assert [p["handle"] for p in seen["passed_by"]] == ["bob"]
    assert seen["actions"] == {"answer": True, "refer": False, "pass_on": False, "close": False}
    error = refused(clients["carol"], ask.pk, "refer", {"member": "bob"}, 403).json()["error"]
    assert "can answer" in error["message"]
    refused(clients["carol"], ask.pk, "pass", {"to": ["bob"]}, 403)
    refused(clients["carol"], ask.pk, "close", {"solved": True}, 403)
    assert (
        clients["carol"].post(url(ask.pk, "answer"), {"body": "Erin?"}, format="json").status_code
        == 200
    )


def test_pass_input_is_checked(clients, make_ask):
    ask = make_ask()

    refused(clients["bob"], ask.pk, "pass", {"to": []}, 400)
    refused(clients["bob"], ask.pk, "pass", {"to": ["dave"]}, 400)  # not bob's connection
    refused(clients["bob"], ask.pk, "pass", {"to": "carol"}, 400)
    refused(clients["bob"], ask.pk, "pass", {"to": ["carol"], "from": "alice"}, 400)
    response = clients["bob"].post(url(ask.pk, "pass"), {"to": ["Carol", "carol"]}, format="json")
    assert [p["to"]["handle"] for p in response.json()["my_passes"]] == ["carol"]


# --- closing --------------------------------------------------------------------------------


def test_the_close_flow(people, clients, make_ask):
    ask = make_ask()
    clients["dave"].post(url(ask.pk, "answer"), {"body": "Try Carol."}, format="json")
    clients["bob"].post(url(ask.pk, "refer"), {"member": "carol"}, format="json")

    refused(clients["alice"], ask.pk, "close", {"solved": True, "helpers": ["nobody"]}, 404)
    refused(clients["alice"], ask.pk, "close", {"solved": True, "helpers": ["zoe"]}, 400)
    refused(clients["alice"], ask.pk, "close", {"helpers": ["bob"]}, 400)
    refused(clients["bob"], ask.pk, "close", {"solved": True}, 403)
    response = clients["alice"].post(
        url(ask.pk, "close"), {"solved": True, "helpers": ["bob", "dave"]}, format="json"
    )

    assert response.status_code == 200, response.json()
    closed = response.json()
    assert closed["status"] == "solved"
    assert {h["handle"] for h in closed["helpers"]} == {"bob", "dave"}
    assert clients["bob"].get(url(ask.pk)).json()["you_helped"] is True
    thanked = Notification.objects.filter(kind=Notification.Kind.ASK_CLOSED)
    assert {n.recipient.username for n in thanked} == {"bob", "dave"}
    refused(clients["alice"], ask.pk, "close", {"solved": False}, 409)
    refused(clients["bob"], ask.pk, "answer", {"body": "Late"}, 409)
    assert clients["bob"].get(URL).json()["results"] == []


# --- query counts ---------------------------------------------------------------------------


def test_the_feed_costs_the_same_queries_for_any_number_of_asks(
    people, clients, make_member, connect, django_assert_num_queries
):
    bob = clients["bob"]
    bob.get(URL)  # the token's last-used stamp is written once

    def post(author):
        services.ask_create(author=author, title="Leads?", body="Indexing work.")

    post(people["alice"])
    with django_assert_num_queries(6):
        assert len(bob.get(URL).json()["results"]) == 1
    # Three more from bob's connections, three passed to him by carol.
    for n in range(6):
        friend = make_member(f"friend-{n}")
        connect(friend, people["bob"] if n % 2 else people["carol"])
        post(friend)
    for ask in Ask.objects.filter(author__username__in=["friend-0", "friend-2", "friend-4"]):
        services.ask_pass(ask_id=ask.pk, member=people["carol"], recipients=[people["bob"]])
    with django_assert_num_queries(6):
        results = bob.get(URL).json()["results"]
    assert len(results) == 7
    assert sum(1 for r in results if r["passed_by"]) == 3


def test_my_asks_cost_the_same_queries_for_any_number(
    people, clients, make_ask, django_assert_num_queries
):
    alice = clients["alice"]
    alice.get(URL)
    make_ask()
    with django_assert_num_queries(4):
        assert len(alice.get(URL, {"mine": 1}).json()["results"]) == 1
    for n in range(4):
        ask = make_ask(title=f"Ask {n}")
        services.ask_views_record(viewer=people["bob"], asks=[ask])
        services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])
    with django_assert_num_queries(4):
        results = alice.get(URL, {"mine": 1}).json()["results"]
    assert len(results) == 5
    assert AskView.objects.count() == 4


# --- schema ---------------------------------------------------------------------------------


def test_every_ask_endpoint_is_documented_with_its_errors():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    expected = {
        "/api/v1/asks/": {"get", "post"},
        "/api/v1/asks/{ask_id}/": {"get"},
        "/api/v1/asks/{ask_id}/answer/": {"post"},
        "/api/v1/asks/{ask_id}/refer/": {"post"},
        "/api/v1/asks/{ask_id}/pass/": {"post"},
        "/api/v1/asks/{ask_id}/close/": {"post"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) >= methods, path
        for method in methods:
            responses = set(map(str, paths[path][method]["responses"]))
            assert {"401", "429"} <= responses, (method, path)
            if method == "post":
                assert {"400", "415"} <= responses, (method, path)
    assert "requestBody" in paths["/api/v1/asks/{ask_id}/refer/"]["post"]


def test_the_askers_view_of_one_ask_costs_the_same_queries_however_busy(
    people, clients, make_member, connect, make_ask, django_assert_num_queries
):
    alice = clients["alice"]
    alice.get(URL)
    ask = make_ask()
    services.ask_answer(ask_id=ask.pk, member=people["dave"], body="Not me.")
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])
    with django_assert_num_queries(9):
        alice.get(url(ask.pk))
    for n in range(4):
        friend = make_member(f"friend-{n}")
        connect(friend, people["alice"])
        connect(friend, people["bob"])
        services.ask_answer(ask_id=ask.pk, member=friend, body=f"Answer {n}")
        referred = make_member(f"referred-{n}")
        connect(friend, referred)
        services.ask_refer(ask_id=ask.pk, referrer=friend, referred=referred)
        services.ask_pass(ask_id=ask.pk, member=friend, recipients=[people["bob"]])
    with django_assert_num_queries(9):
        shown = alice.get(url(ask.pk)).json()
    assert len(shown["answers"]) == 5
    assert len(shown["referrals"]) == 4
    assert len(shown["passers"]) == 5
