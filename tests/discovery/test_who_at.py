""" "Who do I know at …?": grouping by introducer (checked against a brute force on random
graphs), privacy, the page, the link to an introduction request, and the query plan."""

import json
import random
from collections import defaultdict
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from connections import graph
from connections import services as connection_services
from connections.models import Block, Connection
from discovery import selectors, services
from discovery.models import DirectoryName
from profiles.models import Position, User
from profiles.services import member_suspend

pytestmark = pytest.mark.django_db


def groups_of(result: selectors.WhoYouKnow) -> dict[int, set[tuple[int, int]]]:
    return {g.via_id: {(m.member_id, m.degree) for m in g.members} for g in result.groups}


@pytest.fixture
def acme(alice, bob, carol, people, connect, works_at):
    """alice — bob — carol (Acme)          2nd degree through bob
    alice — bob — dave — erin (Acme)       3rd degree through bob (then dave)
    alice — fay — dave                     ... and through fay (then dave)
    alice — fay — gus (Acme)               2nd degree through fay
    alice — hal (Acme)                     1st degree
    ian (Acme, out of network); jon (Acme once, not now) — bob
    """
    p = people("dave", "erin", "fay", "gus", "hal", "ian", "jon")
    for a, b in [
        (alice, bob), (bob, carol), (bob, p["dave"]), (p["dave"], p["erin"]),
        (alice, p["fay"]), (p["fay"], p["dave"]), (p["fay"], p["gus"]), (alice, p["hal"]),
        (bob, p["jon"]),
    ]:  # fmt: skip
        connect(a, b)
    for member in (carol, p["erin"], p["gus"], p["hal"], p["ian"]):
        works_at(member, "Acme", date(2020, 1, 1))
    works_at(p["jon"], "Acme", date(2010, 1, 1), date(2012, 1, 1))
    return {"alice": alice, "bob": bob, "carol": carol, **p}


class TestGrouping:
    def test_grouped_by_the_connection_who_can_introduce(self, acme):
        a = acme
        result = selectors.who_you_know(a["alice"], kind="company", value="Acme")
        assert result.first == [a["hal"].pk]
        assert groups_of(result) == {
            a["bob"].pk: {(a["carol"].pk, 2), (a["erin"].pk, 3)},
            a["fay"].pk: {(a["gus"].pk, 2), (a["erin"].pk, 3)},
        }
        assert (result.second, result.third) == (2, 1)
        erin = next(m for m in result.groups[0].members if m.member_id == a["erin"].pk)
        assert erin.second_hop == a["dave"].pk and erin.ways == 1
        # Closest first in each group.
        assert [m.degree for m in result.groups[0].members] == [2, 3]

    def test_only_shortest_paths(self, acme, connect):
        a = acme
        connect(a["fay"], a["carol"])  # carol is now 2nd degree through fay too
        connect(a["gus"], a["carol"])  # a 3-hop path alice–fay–gus–carol does not count
        result = selectors.who_you_know(a["alice"], kind="company", value="Acme")
        assert (a["carol"].pk, 2) in groups_of(result)[a["fay"].pk]
        assert (a["carol"].pk, 3) not in groups_of(result)[a["fay"].pk]

    def test_school_and_industry(self, acme, studied_at):
        a = acme
        studied_at(a["carol"], "University of Porto", 2001, 2005)
        studied_at(a["erin"], "University of Porto", None, None)
        result = selectors.who_you_know(a["alice"], kind="school", value="University of Porto")
        assert groups_of(result) == {
            a["bob"].pk: {(a["carol"].pk, 2), (a["erin"].pk, 3)},
            a["fay"].pk: {(a["erin"].pk, 3)},
        }
        a["gus"].profile.industry = "aviation"
        a["gus"].profile.save()
        result = selectors.who_you_know(a["alice"], kind="industry", value="aviation")
        assert result.place.label == "Aviation"
        assert groups_of(result) == {a["fay"].pk: {(a["gus"].pk, 2)}}

    def test_names_in_any_letter_case(self, acme, works_at):
        a = acme
        works_at(a["ian"], "ACME", date(2021, 1, 1))
        services.directory_refresh()
        assert set(DirectoryName.objects.filter(kind="company").values_list("name", "members")) == {
            ("Acme", 5),
            ("ACME", 1),
        }
        result = selectors.who_you_know(a["alice"], kind="company", value="acme")
        assert result.place.label == "Acme"
        assert a["carol"].pk in {m.member_id for g in result.groups for m in g.members}
        # A name the directory does not know yet is still looked up as typed.
        works_at(a["carol"], "Newco", date(2024, 1, 1))
        result = selectors.who_you_know(a["alice"], kind="company", value="Newco")
        assert groups_of(result) == {a["bob"].pk: {(a["carol"].pk, 2)}}


def brute_force(viewer: int, targets: set[int]) -> tuple[set[int], dict[int, set]]:
    """By definition: BFS without hidden members and those blocked either way with the
    viewer; group each target by every connection on a shortest path to it."""
    adj: dict[int, set[int]] = defaultdict(set)
    for a, b in Connection.objects.values_list("member_id", "other_id"):
        adj[a].add(b)
    removed = set(
        User.objects.exclude(is_active=True, is_suspended=False).values_list("pk", flat=True)
    )
    for a, b in Block.objects.values_list("blocker_id", "blocked_id"):
        if viewer in (a, b):
            removed.add(b if a == viewer else a)
    n1 = {x for x in adj[viewer] if x not in removed}
    n2 = {y for x in n1 for y in adj[x] if y not in removed and y != viewer} - n1
    first, groups = set(), defaultdict(set)
    for t in targets - removed - {viewer}:
        if t in n1:
            first.add(t)
        elif t in n2:
            for x in n1 & adj[t]:
                groups[x].add((t, 2))
        else:
            for x in n1:
                if any(y not in removed and y != viewer and t in adj[y] for y in adj[x]):
                    groups[x].add((t, 3))
    return first, dict(groups)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_matches_a_brute_force_on_random_graphs(seed, make_member, works_at):
    rng = random.Random(seed)
    members = [make_member(f"m{seed}-{i}") for i in range(70)]
    ids = [m.pk for m in members]
    pairs = {tuple(sorted(rng.sample(ids, 2))) for _ in range(150)}
    for a, b in pairs:
        graph.add_edge(a, b)
    at_acme = set(rng.sample(ids, 25))
    for member in members:
        if member.pk in at_acme:
            works_at(member, "Acme", date(2020, 1, 1))
        elif rng.random() < 0.2:  # once at Acme, not now: not "at Acme"
            works_at(member, "Acme", date(2010, 1, 1), date(2011, 1, 1))
    for member in rng.sample(members, 5):
        member_suspend(member=member)
    viewers = [m for m in rng.sample(members, 6) if not User.objects.get(pk=m.pk).is_suspended]
    for viewer in viewers[:4]:
        others = [m for m in members if m.pk != viewer.pk]
        connection_services.block_create(blocker=viewer, blocked=rng.choice(others))
        connection_services.block_create(blocker=rng.choice(others), blocked=viewer)
        result = selectors.who_you_know(viewer, kind="company", value="Acme")
        first, expected = brute_force(viewer.pk, at_acme)
        assert set(result.first) == first
        assert groups_of(result) == expected
        # Each 3rd-degree member comes with a real second hop, and how many there are.
        adj: dict[int, set[int]] = defaultdict(set)
        for a, b in Connection.objects.values_list("member_id", "other_id"):
            adj[a].add(b)
        for group in result.groups:
            for m in group.members:
                if m.degree == 3:
                    hops = adj[group.via_id] & adj[m.member_id]
                    assert m.second_hop in hops and m.ways <= len(hops)


class TestPrivacy:
    def test_hidden_members_are_never_a_target_nor_an_introducer(self, acme):
        a = acme
        member_suspend(member=a["carol"])  # a target
        result = selectors.who_you_know(a["alice"], kind="company", value="Acme")
        assert groups_of(result)[a["bob"].pk] == {(a["erin"].pk, 3)}
        member_suspend(member=a["fay"])  # an introducer: gus is out of reach now
        result = selectors.who_you_know(a["alice"], kind="company", value="Acme")
        assert groups_of(result) == {a["bob"].pk: {(a["erin"].pk, 3)}}
        member_suspend(member=a["dave"])  # the only second hop to erin
        result = selectors.who_you_know(a["alice"], kind="company", value="Acme")
        assert groups_of(result) == {}

    def test_blocked_either_way_never_appears(self, acme):
        a = acme
        connection_services.block_create(blocker=a["carol"], blocked=a["alice"])
        connection_services.block_create(blocker=a["alice"], blocked=a["dave"])
        result = selectors.who_you_know(a["alice"], kind="company", value="Acme")
        # carol is gone; erin is only reachable through dave, whom alice blocked.
        assert groups_of(result) == {a["fay"].pk: {(a["gus"].pk, 2)}}

    def test_page_shows_a_limited_profile_without_contact_details(self, client, acme):
        a = acme
        for name in ("carol", "erin"):
            profile = a[name].profile
            profile.contact_email = f"{name}@secret.example"
            profile.phone = "+351 555 0199"
            profile.location = f"{name.title()}ville"
            profile.headline = f"{name.title()} does things"
            profile.save()
        client.force_login(a["alice"])
        html = client.get(reverse("discover-at"), {"company": "Acme"}).content.decode()
        assert "Carol Chen" in html and "Erin Example" in html
        assert "Erin does things" in html and "Carolville" in html
        assert "Erinville" not in html  # 3rd degree: name and headline only
        assert "secret.example" not in html and "555 0199" not in html
        assert "Ian Example" not in html and "Jon Example" not in html


class TestPage:
    def test_groups_link_to_an_introduction_request(self, client, acme):
        a = acme
        services.directory_refresh()
        client.force_login(a["alice"])
        response = client.get(reverse("discover-at"), {"company": "acme"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "Who do I know at Acme?" in html
        assert f'id="via-{a["bob"].pk}"' in html and f'id="via-{a["fay"].pk}"' in html
        carol = reverse("introduction-request", args=["carol"]) + f"?via={a['bob'].pk}"
        erin = (
            reverse("introduction-request", args=["erin"]) + f"?via={a['fay'].pk}%2C{a['dave'].pk}"
        )
        assert carol in html and erin in html
        assert "You are connected to 1 person there" in html and "Hal Example" in html

    def test_the_request_page_preselects_who_introduces(self, client, acme, connect):
        a = acme
        connect(a["fay"], a["carol"])  # carol: 2nd degree through bob and through fay
        client.force_login(a["alice"])
        url = reverse("introduction-request", args=["carol"])
        for via in (a["bob"], a["fay"]):
            html = client.get(url, {"via": via.pk}).content.decode()
            assert f'value="{via.pk}" checked' in html
        # 3rd degree: the chain through fay, then dave.
        html = client.get(
            reverse("introduction-request", args=["erin"]), {"via": f"{a['fay'].pk},{a['dave'].pk}"}
        ).content.decode()
        assert f'value="{a["fay"].pk},{a["dave"].pk}" checked' in html
        # Someone not offered is ignored: the best broker stays chosen.
        html = client.get(url, {"via": a["hal"].pk}).content.decode()
        assert f'value="{a["hal"].pk}"' not in html and " checked" in html

    def test_one_group_in_full(self, client, acme, monkeypatch):
        from discovery import views

        monkeypatch.setattr(views, "PER_GROUP", 1)
        a = acme
        client.force_login(a["alice"])
        html = client.get(reverse("discover-at"), {"company": "Acme"}).content.decode()
        assert "See all 2 through Bob Baker" in html
        html = client.get(
            reverse("discover-at"), {"company": "Acme", "via": "bob"}
        ).content.decode()
        assert "Carol Chen" in html and "Erin Example" in html and "Gus Example" not in html
        assert "Everyone at Acme" in html
        # Not one of alice's connections (or hidden): the same 404 as nobody.
        for handle in ("carol", "nobody"):
            response = client.get(reverse("discover-at"), {"company": "Acme", "via": handle})
            assert response.status_code == 404

    def test_form_errors(self, client, acme):
        client.force_login(acme["alice"])
        response = client.get(reverse("discover-at"), {"company": "Acme", "school": "Porto"})
        assert response.status_code == 400 and b"Choose one" in response.content
        response = client.get(reverse("discover-at"), {"industry": "astrology"})
        assert response.status_code == 400 and b"Select a valid choice" in response.content
        response = client.get(reverse("discover-at"), {"company": "x" * 151})
        assert response.status_code == 400
        response = client.get(reverse("discover-at"))
        assert response.status_code == 200 and b"Show who I know" in response.content

    def test_nobody_there(self, client, acme):
        client.force_login(acme["alice"])
        html = client.get(reverse("discover-at"), {"company": "Initech"}).content.decode()
        assert "Nobody at Initech is within your 2nd or 3rd degree yet." in html

    def test_type_ahead_lists_common_names(self, client, acme, on_commit):
        client.force_login(acme["alice"])
        with on_commit():  # an empty directory asks a worker to build it
            client.get(reverse("discover-at"))
        html = client.get(reverse("discover-at")).content.decode()
        assert '<datalist id="company-names"><option value="Acme">' in html

    def test_query_count_does_not_grow_with_the_groups(
        self, client, acme, people, connect, works_at, django_assert_max_num_queries
    ):
        a = acme
        services.directory_refresh()
        client.force_login(a["alice"])
        url = reverse("discover-at")
        with django_assert_max_num_queries(30) as before:
            client.get(url, {"company": "Acme"})
        for name, member in people(*[f"k{i}" for i in range(8)]).items():
            connect(a["alice"], member)
            for j in range(3):
                colleague = people(f"{name}-{j}")[f"{name}-{j}"]
                connect(member, colleague)
                works_at(colleague, "Acme", date(2022, 1, 1))
        with django_assert_max_num_queries(len(before.captured_queries)) as after:
            html = client.get(url, {"company": "Acme"}).content.decode()
        assert html.count('class="via-group"') == 10  # a page of groups
        # session, user, names, spellings, the graph, the profiles (+ the top bar).
        assert len(after.captured_queries) == len(before.captured_queries)


def seq_scans(plan: dict) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") == graph.EDGES:
        found.append(plan["Node Type"])
    for child in plan.get("Plans", []):
        found += seq_scans(child)
    return found


@pytest.mark.slow
def test_the_graph_query_uses_the_indexes(db):
    call_command("seed_demo", members=4000, seed=3, verbosity=0)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {graph.EDGES}")
        cur.execute("ANALYZE profiles_position")
        cur.execute("ANALYZE profiles_profile")
    viewer = User.objects.get(username="demo")
    company = (
        Position.objects.filter(profile_id=viewer.pk, is_current=True)
        .values_list("organization", flat=True)
        .first()
    )
    for kind, value in (("company", company), ("industry", viewer.profile.industry)):
        _, members = selectors.members_at(kind, value)
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (FORMAT JSON) " + graph.reach_sql(members), {"v": viewer.pk})
            raw = cur.fetchone()[0]
        plan = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]
        assert seq_scans(plan) == [], f"{kind}: a sequential scan of the edges"
        result = selectors.who_you_know(viewer, kind=kind, value=value)
        assert result.groups, kind
