"""The breakdown against a brute-force BFS (networkx), and the rules it must keep:
who is an active broker, who is reachable through one, who is never counted."""

import random
from collections import Counter
from datetime import date, timedelta
from types import SimpleNamespace

import networkx as nx
import pytest
from django.utils import timezone

from connections import graph
from connections.models import Connection
from connections.services import block_create
from introductions.models import Hop, Introduction
from profiles.models import ApiToken, Position, User
from profiles.services import member_suspend
from reach import services
from reach.attributes import DIMENSIONS
from reach.models import ReachSummary
from reach.selectors import active_broker_ids, bucket_members
from tests.reach.conftest import make_active, set_company

pytestmark = pytest.mark.django_db

INDUSTRIES = ["aviation", "banking", "publishing", "retail", ""]
LOCATIONS = ["Lisbon", "  lisbon ", "Porto", "Berlin", ""]
COMPANIES = ["Acme", "acme", "Globex", "Initech", None]


def _summary(member: User) -> ReachSummary:
    assert services.reach_compute(member_ids=[member.pk]) == 1
    return ReachSummary.objects.get(member=member)


def _by_value(summary: ReachSummary, dimension: str) -> dict[str, dict[str, int]]:
    return {b["value"]: b for b in summary.data["buckets"][dimension]}


def _accepted_introduction(requester: User, target: User, *, days_ago: int) -> Introduction:
    at = timezone.now() - timedelta(days=days_ago)
    return Introduction.objects.create(
        requester=requester,
        target=target,
        message="Hello",
        status=Introduction.Status.ACCEPTED,
        expires_at=at + timedelta(days=30),
        closed_at=at,
        target_accepted_at=at,
    )


def _brute_force(
    edges: list[tuple[int, int]], viewer: int, hidden: set[int], active: set[int]
) -> dict[int, tuple[int, bool]]:
    """member -> (degree, reachable), straight from the definitions."""
    g = nx.Graph()
    g.add_edges_from((a, b) for a, b in edges if a not in hidden and b not in hidden)
    if viewer not in g:
        return {}
    dist = nx.single_source_shortest_path_length(g, viewer, cutoff=3)
    out: dict[int, tuple[int, bool]] = {}
    for t, d in dist.items():
        if d == 1:
            out[t] = (1, True)
        elif d == 2:
            # next to an active broker
            out[t] = (2, any(b in active and dist.get(b) == 1 for b in g[t]))
        elif d == 3:
            # viewer - b - y - t with b an active broker
            out[t] = (
                3,
                any(b in active and dist.get(b) == 1 for y in g[t] for b in g[y] if b != viewer),
            )
    return out


def _check_lists(
    viewer: User,
    dimension: str,
    expected: dict[int, tuple[int, bool]],
    attrs: dict[int, dict[str, str]],
) -> None:
    """The people behind every bar (live SQL) are exactly the brute force's, reachable first."""
    for value in {attrs[t][dimension] for t in expected} - {""}:
        for degree in (1, 2, 3):
            want = {
                t: r
                for t, (d, r) in expected.items()
                if d == degree and attrs[t][dimension] == value
            }
            page = bucket_members(
                viewer_id=viewer.pk, by=dimension, value=value, degree=degree, offset=0, limit=500
            )
            got = {row.profile.user_id: row.reachable for row in page.rows}
            assert got == want, (viewer.username, dimension, value, degree)
            assert page.total == len(want)
            flags = [row.reachable for row in page.rows]
            assert flags == sorted(flags, reverse=True)


def test_breakdown_matches_brute_force_on_a_random_graph(make_member):
    rng = random.Random(7)
    n = 70
    members: list[User] = []
    attrs: dict[int, dict[str, str]] = {}
    for i in range(n):
        industry, location, company = (
            rng.choice(INDUSTRIES),
            rng.choice(LOCATIONS),
            rng.choice(COMPANIES),
        )
        member = make_member(f"m{i}", industry=industry, location=location)
        members.append(member)
        if company:
            set_company(member, company, start=date(2021, 1, 1))
        # Past positions never count; of two current ones, the later start wins.
        Position.objects.create(
            profile=member.profile,
            title="Intern",
            organization="Oldco",
            start_date=date(2010, 1, 1),
            end_date=date(2011, 1, 1),
        )
        if i % 11 == 0:
            set_company(member, "Newco", start=date(2023, 6, 1))
            company = "Newco"
        attrs[member.pk] = {
            "industry": industry,
            "location": location.strip().lower(),
            "company": (company or "").strip().lower(),
        }
    ids = [m.pk for m in members]
    for a, b in nx.gnp_random_graph(n, 0.055, seed=3).edges():
        graph.add_edge(ids[a], ids[b])

    # Activity, each way it can count (and old activity that does not).
    for m in members[::5]:
        make_active(m)
    for m in members[1::9]:
        make_active(m, days_ago=120)
    broker, requester, target = members[2], members[3], members[4]
    intro = _accepted_introduction(requester, members[6], days_ago=10)
    Hop.objects.create(
        introduction=intro,
        position=0,
        broker=broker,
        status=Hop.Status.FORWARDED,
        decided_at=timezone.now() - timedelta(days=5),
    )
    _accepted_introduction(members[8], target, days_ago=20)
    ApiToken.objects.create(
        user=members[7], name="cli", key_hash="x" * 64, prefix="x", last_used_at=timezone.now()
    )

    viewers = [members[i] for i in (1, 9, 13, 21, 33)]
    # Hidden: suspended members, and blocks (either way) with the first viewer.
    member_suspend(member=members[17], reason="spam")
    member_suspend(member=members[40], reason="spam")
    block_create(blocker=viewers[0], blocked=members[25])
    block_create(blocker=members[26], blocked=viewers[0])

    # Logged in lately (not overridden by an old login), forwarded, accepted, used a token.
    active = {members[i].pk for i in range(0, n, 5) if i % 9 != 1} | {
        broker.pk,
        target.pk,
        members[6].pk,
        members[7].pk,
    }
    edges = list(Connection.objects.values_list("member_id", "other_id"))
    suspended = {members[17].pk, members[40].pk}
    checked = 0
    for viewer in viewers:
        hidden = set(suspended)
        if viewer == viewers[0]:
            hidden |= {members[25].pk, members[26].pk}
        expected = _brute_force(edges, viewer.pk, hidden, active)
        summary = _summary(viewer)
        assert active_broker_ids(viewer.pk) == {
            t for t, (d, _) in expected.items() if d == 1 and t in active
        }
        degrees = Counter(d for d, _ in expected.values())
        reachable = Counter(d for d, r in expected.values() if r)
        totals = summary.data["totals"]
        assert (totals["first"], totals["second"], totals["third"]) == (
            degrees[1],
            degrees[2],
            degrees[3],
        )
        assert totals["second_reachable"] == reachable[2]
        assert totals["third_reachable"] == reachable[3]
        assert totals["active_brokers"] == len(
            [t for t, (d, _) in expected.items() if d == 1 and t in active]
        )

        for dimension in DIMENSIONS:
            want: dict[str, Counter[str]] = {}
            for t, (d, r) in expected.items():
                value = attrs[t][dimension]
                counts = want.setdefault(value, Counter())
                counts[("first", "second", "third")[d - 1]] += 1
                if r and d > 1:
                    counts[("first", "second", "third")[d - 1] + "_reachable"] += 1
            got = _by_value(summary, dimension)
            assert set(got) == {v for v in want if v}
            for value, counts in want.items():
                row = got[value] if value else summary.data["not_given"][dimension]
                for key in ("first", "second", "third", "second_reachable", "third_reachable"):
                    assert row[key] == counts[key], (viewer.username, dimension, value, key)
            checked += len(want)
            if viewer in viewers[:2]:
                _check_lists(viewer, dimension, expected, attrs)
    assert checked > 20  # the graph gave the test something to check
    # Spelling variants share a bucket; its label is one of them.
    assert _by_value(_summary(viewers[1]), "location")["lisbon"]["label"] in {"Lisbon", "lisbon"}


# -- the rules, with named people ----------------------------------------------------


@pytest.fixture
def chain(person, connect):
    """alice - bob - carol - dave (aviation, Porto), and alice - erin - frank - gina."""
    alice = person("alice", industry="banking")
    bob = person("bob", active=True)
    carol = person("carol", industry="aviation", company="Atlantic Air")
    dave = person("dave", industry="aviation", location="Porto")
    erin = person("erin")  # never logged in
    frank = person("frank", industry="aviation")
    gina = person("gina", industry="aviation", location="Porto")
    for a, b in [(alice, bob), (bob, carol), (carol, dave), (alice, erin), (erin, frank)]:
        connect(a, b)
    connect(frank, gina)
    return SimpleNamespace(
        alice=alice, bob=bob, carol=carol, dave=dave, erin=erin, frank=frank, gina=gina
    )


def test_reachable_only_through_active_brokers(chain):
    c = chain
    summary = _summary(c.alice)
    aviation = _by_value(summary, "industry")["aviation"]
    # carol and frank at the 2nd degree; only carol through an active broker (bob).
    assert (aviation["second"], aviation["second_reachable"]) == (2, 1)
    # dave and gina at the 3rd; only dave (alice - bob - carol - dave).
    assert (aviation["third"], aviation["third_reachable"]) == (2, 1)
    assert summary.data["totals"]["active_brokers"] == 1
    porto = _by_value(summary, "location")["porto"]
    assert (porto["third"], porto["third_reachable"]) == (2, 1)
    assert _by_value(summary, "company")["atlantic air"]["second_reachable"] == 1


def test_a_broker_active_through_introductions_counts(chain):
    c = chain
    intro = _accepted_introduction(c.carol, c.frank, days_ago=30)
    Hop.objects.create(
        introduction=intro,
        position=0,
        broker=c.erin,
        status=Hop.Status.FORWARDED,
        decided_at=timezone.now() - timedelta(days=30),
    )
    assert active_broker_ids(c.alice.pk) == {c.bob.pk, c.erin.pk}
    aviation = _by_value(_summary(c.alice), "industry")["aviation"]
    assert (aviation["second_reachable"], aviation["third_reachable"]) == (2, 2)


def test_old_activity_does_not_count(chain):
    c = chain
    make_active(c.bob, days_ago=91)
    assert active_broker_ids(c.alice.pk) == set()
    aviation = _by_value(_summary(c.alice), "industry")["aviation"]
    assert (aviation["second_reachable"], aviation["third_reachable"]) == (0, 0)


def test_a_longer_path_through_an_active_broker_is_not_reachable(person, connect):
    # alice - erin - zed (2nd degree) and alice - bob - x - zed: bob is active, but his
    # path to zed is longer than zed's degree, so it does not make zed reachable.
    alice, bob, erin = person("alice"), person("bob", active=True), person("erin")
    x, zed = person("x"), person("zed", industry="retail")
    for a, b in [(alice, bob), (alice, erin), (erin, zed), (bob, x), (x, zed)]:
        connect(a, b)
    retail = _by_value(_summary(alice), "industry")["retail"]
    assert (retail["second"], retail["second_reachable"], retail["third"]) == (1, 0, 0)


def test_blocked_members_are_neither_counted_nor_crossed(chain):
    c = chain
    block_create(blocker=c.carol, blocked=c.alice)
    summary = _summary(c.alice)
    aviation = _by_value(summary, "industry")["aviation"]
    # carol is gone, and dave (only reachable through her) with her.
    assert (aviation["second"], aviation["third"]) == (1, 1)
    assert "atlantic air" not in _by_value(summary, "company")


def test_suspended_members_are_neither_counted_nor_crossed(chain):
    c = chain
    member_suspend(member=c.erin, reason="spam")
    summary = _summary(c.alice)
    assert summary.data["totals"]["first"] == 1
    aviation = _by_value(summary, "industry")["aviation"]
    assert (aviation["second"], aviation["third"]) == (1, 1)  # carol, dave


def test_a_suspended_member_gets_no_summary(chain):
    c = chain
    member_suspend(member=c.alice, reason="spam")
    assert services.reach_compute(member_ids=[c.alice.pk]) == 0
    assert not ReachSummary.objects.filter(member=c.alice).exists()


def test_a_member_without_connections_has_an_empty_reach(person):
    loner = person("loner")
    summary = _summary(loner)
    assert summary.data["totals"]["first"] == 0
    assert summary.data["buckets"] == {"industry": [], "company": [], "location": []}


def test_computing_twice_is_idempotent_and_keeps_the_newest(chain):
    c = chain
    first = _summary(c.alice)
    second = _summary(c.alice)
    assert second.computed_at >= first.computed_at
    assert second.data == first.data
    # An older result arriving late changes nothing.
    newer = second.computed_at
    ReachSummary.objects.filter(member=c.alice).update(computed_at=newer + timedelta(hours=1))
    assert services.reach_compute(member_ids=[c.alice.pk]) == 0
