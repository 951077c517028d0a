"""GET /api/v1/network/reach/ and /api/v1/network/reach/members/."""

import pytest

from connections.services import block_create
from profiles.services import member_suspend
from reach import services
from tests.reach.conftest import set_company
from tests.reach.test_views import network  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

REACH = "/api/v1/network/reach/"
MEMBERS = "/api/v1/network/reach/members/"


def test_reach_is_computing_then_ready(api_as, network, on_commit):  # noqa: F811
    api = api_as(network["alice"])
    with on_commit():
        body = api.get(REACH).json()
    assert body == {
        "by": "industry",
        "state": "computing",
        "computed_at": None,
        "totals": None,
        "buckets": [],
        "not_given": None,
        "bucket_count": 0,
    }
    body = api.get(REACH, {"by": "industry"}).json()
    assert body["state"] == "ready" and body["computed_at"]
    assert body["totals"] == {
        "first": 2,
        "second": 2,
        "third": 2,
        "second_reachable": 1,
        "third_reachable": 1,
        "active_brokers": 1,
    }
    aviation = next(b for b in body["buckets"] if b["value"] == "aviation")
    assert aviation == {
        "value": "aviation",
        "label": "Aviation",
        "first": 2,
        "second": 2,
        "third": 2,
        "second_reachable": 1,
        "third_reachable": 1,
    }
    assert body["bucket_count"] == 1  # banking is alice herself: not in her network
    company = api.get(REACH, {"by": "company"}).json()
    assert company["buckets"][0]["value"] == "atlantic air"
    assert company["buckets"][0]["label"] == "Atlantic Air"
    assert company["not_given"]["first"] == 2


def test_reach_rejects_an_unknown_breakdown(api_as, network):  # noqa: F811
    response = api_as(network["alice"]).get(REACH, {"by": "salary"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "by" in response.json()["error"]["fields"]


def test_reach_needs_authentication(api_client):
    response = api_client.get(REACH)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_bucket_members(api_as, network):  # noqa: F811
    services.reach_compute(member_ids=[network["alice"].pk])
    api = api_as(network["alice"])
    body = api.get(MEMBERS, {"by": "company", "value": " Atlantic AIR ", "degree": 2}).json()
    assert body["count"] == 1 and body["next"] is None
    (carol,) = body["results"]
    bob, erin = network["bob"], network["erin"]
    assert carol == {
        "handle": "carol",
        "full_name": "Carol",
        "headline": "Head of network planning",
        "degree": 2,
        "reachable": True,
        "introducers": [
            {"handle": "bob", "full_name": "Bob", "active": True},
            {"handle": "erin", "full_name": "Erin", "active": False},
        ],
        "more_introducers": 0,
        "introduce_url": f"/in/carol/get-introduced/?via={bob.pk}",
    }
    assert "contact_email" not in carol and "phone" not in carol
    third = api.get(MEMBERS, {"by": "industry", "value": "aviation", "degree": 3}).json()
    assert [(r["handle"], r["reachable"]) for r in third["results"]] == [
        ("dave", True),
        ("gina", False),
    ]
    assert third["results"][1]["introducers"] == [
        {"handle": "erin", "full_name": "Erin", "active": False}
    ]
    assert erin  # used above through the fixture


def test_bucket_members_never_lists_hidden_members(api_as, network):  # noqa: F811
    block_create(blocker=network["alice"], blocked=network["frank"])
    member_suspend(member=network["carol"], reason="spam")
    body = (
        api_as(network["alice"])
        .get(MEMBERS, {"by": "industry", "value": "aviation", "degree": 2})
        .json()
    )
    assert body["count"] == 0 and body["results"] == []
    # dave was reachable only through carol, gina only through frank.
    body = (
        api_as(network["alice"])
        .get(MEMBERS, {"by": "industry", "value": "aviation", "degree": 3})
        .json()
    )
    assert body["results"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"by": "industry", "value": "spaceflight", "degree": 2}, "value"),
        ({"by": "salary", "value": "x", "degree": 2}, "by"),
        ({"by": "company", "value": "acme", "degree": 0}, "degree"),
        ({"by": "company", "degree": 2}, "value"),
        ({"by": "company", "value": "acme", "degree": 2, "page_size": 500}, "page_size"),
    ],
)
def test_bucket_members_bad_input(api_as, network, params, field):  # noqa: F811
    response = api_as(network["alice"]).get(MEMBERS, params)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_bucket_members_pagination_and_query_count(
    api_as, person, connect, django_assert_num_queries
):
    alice = person("alice", industry="banking")
    brokers = [person(f"broker{i}", active=i == 0) for i in range(3)]
    for b in brokers:
        connect(alice, b)
    for i in range(7):
        t = person(f"target{i}", industry="retail")
        connect(brokers[i % 3], t)
        connect(brokers[(i + 2) % 3], t)
    api = api_as(alice)
    params = {"by": "industry", "value": "retail", "degree": 2, "page_size": 3}
    api.get(MEMBERS, params)
    # token, active brokers, the page with its total, introducers, profiles.
    with django_assert_num_queries(5):
        first = api.get(MEMBERS, params).json()
    assert first["count"] == 7 and len(first["results"]) == 3
    assert "page=2" in first["next"]
    with django_assert_num_queries(5):
        last = api.get(MEMBERS, {**params, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None
    # Reachable (through broker0) first.
    assert [r["reachable"] for r in first["results"]] == [True, True, True]
    beyond = api.get(MEMBERS, {**params, "page": 9})
    assert beyond.status_code == 404
    assert beyond.json()["error"]["code"] == "not_found"


def test_schema_documents_the_reach_paths(api_client):
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/network/reach/" in schema["paths"]
    members = schema["paths"]["/api/v1/network/reach/members/"]["get"]
    assert {p["name"] for p in members["parameters"]} >= {"by", "value", "degree", "page"}
    assert "400" in members["responses"] and "404" in members["responses"]


def test_third_degree_of_a_company(api_as, network):  # noqa: F811
    # Listed from the company's side (reach.selectors._THIRD_FROM_BUCKET).
    set_company(network["dave"], "Skyways")
    set_company(network["gina"], " skyways")
    api = api_as(network["alice"])
    params = {"by": "company", "value": "Skyways", "degree": 3}
    body = api.get(MEMBERS, params).json()
    assert [(r["handle"], r["reachable"]) for r in body["results"]] == [
        ("dave", True),
        ("gina", False),
    ]
    # gina is reached only through frank: once he blocks alice, she is out of reach.
    block_create(blocker=network["frank"], blocked=network["alice"])
    assert [r["handle"] for r in api.get(MEMBERS, params).json()["results"]] == ["dave"]
