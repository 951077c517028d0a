"""The discovery API: GET /api/v1/suggestions/, POST …/{handle}/dismiss/,
GET /api/v1/network/at/ and GET /api/v1/network/at/via/{handle}/."""

from datetime import date

import pytest

from connections import services as connection_services
from discovery import services
from discovery.models import PymkDismissal
from profiles.services import member_suspend

pytestmark = pytest.mark.django_db

CONTACT = {"contact_email", "phone", "website"}


@pytest.fixture
def network(alice, bob, carol, people, connect, works_at):
    """alice — bob — carol (Acme); bob — frank (Acme); bob — dave — erin (Acme)."""
    p = people("dave", "erin", "frank")
    connect(alice, bob)
    connect(bob, carol)
    connect(bob, p["dave"])
    connect(bob, p["frank"])
    connect(p["dave"], p["erin"])
    for member in (carol, p["erin"], p["frank"]):
        works_at(member, "Acme", date(2020, 1, 1))
        member.profile.contact_email = f"{member.username}@secret.example"
        member.profile.save()
    return {"alice": alice, "bob": bob, "carol": carol, **p}


class TestSuggestions:
    def test_first_call_computes_then_lists(self, api_as, network, on_commit):
        client = api_as(network["alice"])
        with on_commit():
            response = client.get("/api/v1/suggestions/")
        assert response.status_code == 202
        assert response.json() == {"status": "computing", "retry_after": 5}
        response = client.get("/api/v1/suggestions/")
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 3
        first = body["results"][0]
        assert set(first) == {
            "handle", "full_name", "headline", "location", "mutual_connections_count",
            "reasons", "score", "computed_at",
        }  # fmt: skip
        assert not CONTACT & set(first)
        assert [r["handle"] for r in body["results"]] == ["carol", "dave", "frank"]
        assert first["mutual_connections_count"] == 1
        assert first["reasons"] == {"companies": [], "schools": []}

    def test_read_time_filters_and_pagination(self, api_as, network):
        alice = network["alice"]
        services.suggestions_compute(member_id=alice.pk)
        client = api_as(alice)
        body = client.get("/api/v1/suggestions/", {"page_size": 1}).json()
        assert body["count"] == 3 and body["next"] and len(body["results"]) == 1
        connection_services.connection_request_create(sender=network["frank"], recipient=alice)
        body = client.get("/api/v1/suggestions/").json()
        assert [r["handle"] for r in body["results"]] == ["carol", "dave"]
        member_suspend(member=network["carol"])
        connection_services.block_create(blocker=network["dave"], blocked=alice)
        assert client.get("/api/v1/suggestions/").json()["results"] == []

    def test_dismiss(self, api_as, network):
        alice = network["alice"]
        services.suggestions_compute(member_id=alice.pk)
        client = api_as(alice)
        for _ in range(2):  # idempotent
            response = client.post("/api/v1/suggestions/carol/dismiss/")
            assert response.status_code == 204
        assert PymkDismissal.objects.filter(member=alice, dismissed=network["carol"]).count() == 1
        handles = [r["handle"] for r in client.get("/api/v1/suggestions/").json()["results"]]
        assert handles == ["dave", "frank"]
        response = client.post("/api/v1/suggestions/alice/dismiss/")
        assert response.status_code == 400 and response.json()["error"]["code"] == "self"

    def test_dismissing_hidden_and_missing_members_looks_the_same(self, api_as, network):
        alice = network["alice"]
        connection_services.block_create(blocker=network["dave"], blocked=alice)
        member_suspend(member=network["erin"])
        client = api_as(alice)
        answers = [
            client.post(f"/api/v1/suggestions/{h}/dismiss/") for h in ("dave", "erin", "zed")
        ]
        assert {r.status_code for r in answers} == {404}
        assert len({r.content for r in answers}) == 1

    def test_anonymous_gets_401(self, api_client):
        assert api_client.get("/api/v1/suggestions/").status_code == 401
        assert api_client.post("/api/v1/suggestions/bob/dismiss/").status_code == 401
        assert api_client.get("/api/v1/network/at/", {"company": "Acme"}).status_code == 401


class TestWhoAt:
    def test_groups(self, api_as, network):
        client = api_as(network["alice"])
        response = client.get("/api/v1/network/at/", {"company": "Acme"})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 1
        group = body["results"][0]
        assert group["introducer"] == {
            "handle": "bob",
            "full_name": "Bob Baker",
            "headline": "Engineer",
        }
        assert (group["reachable"], group["second_degree"], group["third_degree"]) == (3, 2, 1)
        members = {m["handle"]: m for m in group["members"]}
        assert set(members) == {"carol", "frank", "erin"}
        assert members["carol"]["via"] == ["bob"] and members["carol"]["degree"] == 2
        assert members["erin"]["via"] == ["bob", "dave"] and members["erin"]["degree"] == 3
        assert members["erin"]["introduction_url"].endswith(
            f"/in/erin/get-introduced/?via={network['bob'].pk},{network['dave'].pk}"
        )
        for member in group["members"]:
            assert not CONTACT & set(member)
            assert "secret.example" not in str(member)

    def test_per_group_and_the_full_group(self, api_as, network):
        client = api_as(network["alice"])
        body = client.get("/api/v1/network/at/", {"company": "Acme", "per_group": 1}).json()
        assert [m["handle"] for m in body["results"][0]["members"]] == ["carol"]
        response = client.get("/api/v1/network/at/via/bob/", {"company": "acme", "page_size": 2})
        assert response.status_code == 200
        # No directory yet: "acme" is looked up as typed, and nobody works at "acme".
        assert response.json()["count"] == 0
        services.directory_refresh()
        body = client.get("/api/v1/network/at/via/bob/", {"company": "acme", "page_size": 2}).json()
        assert body["count"] == 3 and body["next"]
        assert [m["handle"] for m in body["results"]] == ["carol", "frank"]

    def test_via_someone_who_is_not_a_connection_is_a_404(self, api_as, network):
        client = api_as(network["alice"])
        member_suspend(member=network["bob"])
        answers = [
            client.get(f"/api/v1/network/at/via/{h}/", {"company": "Acme"})
            for h in ("bob", "carol", "nobody")
        ]
        assert {r.status_code for r in answers} == {404}
        assert len({r.content for r in answers}) == 1

    @pytest.mark.parametrize(
        "query",
        [
            {},
            {"company": "Acme", "school": "Porto"},
            {"industry": "astrology"},
            {"company": "x" * 151},
            {"company": "Acme", "per_group": 51},
        ],
    )
    def test_bad_queries_are_400(self, api_as, network, query):
        response = api_as(network["alice"]).get("/api/v1/network/at/", query)
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid"

    def test_industry(self, api_as, network):
        network["carol"].profile.industry = "aviation"
        network["carol"].profile.save()
        body = api_as(network["alice"]).get("/api/v1/network/at/", {"industry": "aviation"}).json()
        assert [m["handle"] for m in body["results"][0]["members"]] == ["carol"]


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/suggestions/",
        "/api/v1/suggestions/{handle}/dismiss/",
        "/api/v1/network/at/",
        "/api/v1/network/at/via/{handle}/",
    ):
        assert path in schema["paths"], path
    get = schema["paths"]["/api/v1/network/at/"]["get"]
    assert {p["name"] for p in get["parameters"]} >= {"company", "school", "industry", "page"}
    assert "202" in schema["paths"]["/api/v1/suggestions/"]["get"]["responses"]
