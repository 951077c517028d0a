"""People search from a worker's memory (profiles/search_memory.py): the same results as
the SQL, kept exact by the graph's sync and the match sets' overlay of changed profiles.

Inside a test's transaction Postgres's now() stands still, so every profile the test
made carries the same search_changed_at as the time a match set is read: all of them
are in the overlay. `aged()` dates them back, so that the match set itself answers for
them and only what changes after counts as a change.
"""

import random
import time
from collections.abc import Iterator
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection

from connections import graph
from connections.models import GraphChange
from connections.services import (
    block_create,
    connection_remove,
    connection_request_accept,
    connection_request_create,
)
from profiles import search, search_memory
from profiles.industries import Industry
from profiles.models import Profile, User
from profiles.search import MemberSearch
from profiles.services import member_suspend
from tests.factories import EducationFactory, PositionFactory, SkillFactory

pytestmark = pytest.mark.django_db

Row = tuple[int, int | None, int]


@pytest.fixture(autouse=True)
def inline(settings) -> Iterator[None]:
    settings.SEARCH_GRAPH = "inline"
    settings.SEARCH_GRAPH_SYNC_SECONDS = 0.0
    search_memory.graph_holder.set(None)
    search_memory.forget()
    yield
    search_memory.graph_holder.set(None)
    search_memory.forget()


def _rows(ranked) -> list[Row]:
    return [(c.id, c.degree, c.mutual) for c in ranked]


def memory(**criteria) -> list[Row]:
    """The memory engine's ranked candidates (it must answer)."""
    found = search_memory.rank(MemberSearch(**criteria))
    assert found is not None, "the memory engine did not answer"
    return _rows(found)


def sql(**criteria) -> list[Row]:
    """The SQL engine's ranked candidates, whatever graph this process holds."""
    with mock.patch.object(search_memory, "rank", return_value=None):
        return _rows(MemberSearch(**criteria).ranked())


def both(**criteria) -> list[Row]:
    """The memory engine's answer, checked against the SQL's."""
    found = memory(**criteria)
    assert found == sql(**criteria)
    return found


def aged() -> None:
    """Date every profile's last searchable change an hour back: a match set read from now
    on holds them itself, and its overlay starts empty."""
    with connection.cursor() as cur:
        cur.execute("UPDATE profiles_profile SET search_changed_at = now() - interval '1 hour'")


def overlay(**criteria) -> dict[int, search_memory._Change]:
    """The profiles the query's cached match set takes from the overlay."""
    matches = search_memory._cache[search_memory._key(MemberSearch(**criteria))]
    changes = search_memory._changes(
        MemberSearch(**criteria), matches.read_at - search_memory.CHANGE_MARGIN
    )
    assert changes is not None
    return changes


def the_match_set() -> search_memory._Matches:
    [matches] = search_memory._cache.values()
    return matches


def accepted(a: User, b: User) -> None:
    """a asks b to connect and b accepts, through the services (a GraphChange row)."""
    outcome = connection_request_create(sender=a, recipient=b)
    connection_request_accept(request_id=outcome.request.pk, member=b)


# --- the same results as the SQL ---------------------------------------------------------

FIRST_NAMES = ["Ana", "Bruno", "Carla", "Sam", "sam", "Zoe"]
WORDS = ["Pilot", "Welder", "Baker", "Potter"]
PLACES = ["Porto", "Lisbon", "Braga"]
INDUSTRIES = [Industry.BANKING, Industry.AVIATION, Industry.INFORMATION_TECHNOLOGY]
QUERIES: list[dict[str, str]] = [
    {"q": "member"},
    {"q": "pilot"},
    {"q": "sam member"},
    {"q": "welder", "location": "porto"},
    {"location": "lisbon"},
    {"industry": Industry.BANKING},
]


def _random_network(make_member, rng: random.Random) -> list[User]:
    members = [
        make_member(
            f"m-{n}",
            full_name=f"{rng.choice(FIRST_NAMES)} Member {n % 7}",
            headline=f"{rng.choice(WORDS)} at Acme",
            location=rng.choice(PLACES),
            industry=rng.choice(INDUSTRIES),
        )
        for n in range(36)
    ]
    for _ in range(42):
        a, b = rng.sample(members, 2)
        graph.add_edge(a.pk, b.pk)
    return members


def _compare(viewers: list[User]) -> set[int | None]:
    degrees: set[int | None] = set()
    for viewer in viewers:
        for criteria in QUERIES:
            for degree in (None, 1, 2, 3):
                found = memory(viewer=viewer, degree=degree, **criteria)
                assert found == sql(viewer=viewer, degree=degree, **criteria), (
                    viewer.username,
                    criteria,
                    degree,
                )
                if degree is not None:
                    assert {d for _, d, _ in found} <= {degree}
        # The labels against the reference, connections.graph.closeness.
        everyone = memory(viewer=viewer, q="member")
        expected = graph.closeness(viewer.pk, [pk for pk, _, _ in everyone])
        assert {pk: (d, m) for pk, d, m in everyone} == {
            pk: (c.degree, c.mutual_count) for pk, c in expected.items()
        }
        degrees |= {d for _, d, _ in everyone}
    return degrees


@pytest.mark.parametrize("aged_set", [False, True], ids=["overlay", "match-set"])
def test_memory_ranks_as_sql_on_a_random_network(make_member, aged_set):
    rng = random.Random(11)
    members = _random_network(make_member, rng)
    member_suspend(member=members[5])
    block_create(blocker=members[0], blocked=members[7])
    block_create(blocker=members[9], blocked=members[1])
    if aged_set:
        aged()
    viewers = [members[0], members[1], members[2], members[9]]

    degrees = _compare(viewers)

    assert {1, 2, 3, None} <= degrees
    assert search_memory.graph_holder.graph is not None
    if aged_set:
        assert not overlay(viewer=members[0], q="member")

    # Then changes through the services and the ORM, after the graph and the sets were
    # read: the graph's sync and the overlay must follow them.
    sets = dict(search_memory._cache)
    for _ in range(4):
        a, b = rng.sample(members[10:], 2)
        if not graph.are_connected(a.pk, b.pk):
            accepted(a, b)
    remover = next(v for v in viewers if graph.first_degree_ids(v.pk))
    [neighbour, *_] = graph.first_degree_ids(remover.pk)
    connection_remove(member=remover, other=User.objects.get(pk=neighbour))
    member_suspend(member=members[12])
    block_create(blocker=members[2], blocked=members[14])
    Profile.objects.filter(user__in=members[20:26]).update(headline="Pilot and welder")
    renamed = members[30].profile
    renamed.full_name = "Aaron Member 9"
    renamed.location = "Porto"
    renamed.save()
    make_member("late", full_name="Sam Member 3", headline="Pilot", location="Lisbon")

    _compare(viewers)
    for key, matches in sets.items():
        assert search_memory._cache[key] is matches  # not read again


# --- the overlay of changed profiles -------------------------------------------------------


def test_an_edited_profile_is_seen_at_once_without_reading_the_set_again(
    make_member, alice, bob, carol, connect
):
    connect(alice, bob)
    connect(bob, carol)
    dave = make_member("dave", full_name="Dave Dunn", headline="Glassblower")
    aged()
    criteria = {"viewer": alice, "q": "glassblower"}

    assert both(**criteria) == [(dave.pk, None, 0)]
    matches = the_match_set()
    assert list(matches.ids) == [dave.pk]
    assert not overlay(**criteria)

    # Newly matching: through save() and through QuerySet.update() (the trigger sees both).
    carol.profile.headline = "Glassblower"
    carol.profile.save()
    assert both(**criteria) == [(carol.pk, 2, 1), (dave.pk, None, 0)]
    Profile.objects.filter(user=bob).update(headline="Glassblower")
    assert both(**criteria) == [(bob.pk, 1, 0), (carol.pk, 2, 1), (dave.pk, None, 0)]
    assert set(overlay(**criteria)) == {bob.pk, carol.pk}

    # No longer matching, both ways too: dave was in the set, carol in the overlay.
    Profile.objects.filter(user=dave).update(headline="Potter")
    assert both(**criteria) == [(bob.pk, 1, 0), (carol.pk, 2, 1)]
    carol.profile.headline = "Potter"
    carol.profile.save()
    assert both(**criteria) == [(bob.pk, 1, 0)]

    # A change to a field the search does not read is no change.
    Profile.objects.filter(user=alice).update(phone="+351 555 0100")
    assert alice.pk not in overlay(**criteria)
    assert the_match_set() is matches


def test_a_renamed_member_matches_by_their_new_name(make_member, alice, bob, connect):
    connect(alice, bob)
    make_member("dave", full_name="Dave Dunn")
    aged()
    criteria = {"viewer": alice, "q": "dunn"}
    assert [pk for pk, _, _ in both(**criteria)] == [User.objects.get(username="dave").pk]
    matches = the_match_set()

    bob.profile.full_name = "Bob Dunn"
    bob.profile.save()

    assert [(pk, d) for pk, d, _ in both(**criteria)] == [
        (bob.pk, 1),
        (User.objects.get(username="dave").pk, None),
    ]
    assert both(viewer=alice, q="baker") == []
    assert search_memory._cache[("dunn", "", "")] is matches


def test_a_member_who_joins_after_the_set_was_read_is_found_at_once(
    make_member, alice, bob, connect
):
    connect(alice, bob)
    dave = make_member("dave", full_name="Dave Dunn", headline="Glassblower")
    aged()
    criteria = {"viewer": alice, "q": "glassblower"}
    assert both(**criteria) == [(dave.pk, None, 0)]
    matches = the_match_set()

    erin = make_member("erin", full_name="Erin Evans", headline="Glassblower")
    assert both(**criteria) == [(dave.pk, None, 0), (erin.pk, None, 0)]

    # Not in the graph's snapshot either: once connected to bob, at the 2nd degree.
    accepted(erin, bob)
    assert both(**criteria) == [(erin.pk, 2, 1), (dave.pk, None, 0)]
    accepted(alice, erin)
    assert both(**criteria) == [(erin.pk, 1, 1), (dave.pk, None, 0)]
    assert the_match_set() is matches


def test_members_who_joined_after_the_set_was_read_are_ordered_by_name(make_member, alice):
    make_member("anna", full_name="Anna Adams", headline="Glassblower")
    make_member("dora", full_name="Dora Dunn", headline="Glassblower")
    aged()
    criteria = {"viewer": alice, "q": "glassblower"}
    assert len(memory(**criteria)) == 2

    make_member("cara", full_name="Cara Cole", headline="Glassblower")
    make_member("bea", full_name="Bea Bell", headline="Glassblower")

    names = {u.pk: u.username for u in User.objects.all()}
    assert [names[pk] for pk, _, _ in sql(**criteria)] == ["anna", "bea", "cara", "dora"]
    assert [names[pk] for pk, _, _ in memory(**criteria)] == ["anna", "bea", "cara", "dora"]


# --- the graph's sync: blocks, suspensions, connections -----------------------------------


@pytest.fixture
def chain(make_member, alice, bob, carol, connect):
    """alice - bob - carol - dave, and alice - frank; erin out of network. All engineers."""
    dave = make_member("dave", full_name="Dave Dunn")
    erin = make_member("erin", full_name="Erin Evans")
    frank = make_member("frank", full_name="Frank Fox")
    connect(alice, bob)
    connect(bob, carol)
    connect(carol, dave)
    connect(alice, frank)
    return alice, bob, carol, dave, erin, frank


def test_members_blocked_after_the_graph_was_read_are_never_returned(chain):
    alice, bob, carol, dave, erin, frank = chain
    assert both(viewer=alice, q="engineer") == [
        (bob.pk, 1, 0),
        (frank.pk, 1, 0),
        (carol.pk, 2, 1),
        (dave.pk, 3, 0),
        (erin.pk, None, 0),
    ]

    # Not connected: no change to the graph, the block alone hides them, and no bridge.
    block_create(blocker=carol, blocked=alice)
    assert both(viewer=alice, q="engineer") == [
        (bob.pk, 1, 0),
        (frank.pk, 1, 0),
        (dave.pk, None, 0),
        (erin.pk, None, 0),
    ]
    assert alice.pk not in {pk for pk, _, _ in both(viewer=carol, q="engineer")}
    assert alice.pk not in {pk for pk, _, _ in both(viewer=carol, q="alice")}

    # Connected: the block ends the connection (a GraphChange row the sync reads).
    block_create(blocker=alice, blocked=bob)
    assert both(viewer=alice, q="engineer") == [
        (frank.pk, 1, 0),
        (dave.pk, None, 0),
        (erin.pk, None, 0),
    ]
    assert [pk for pk, _, _ in both(viewer=bob, q="engineer")] == [
        carol.pk,
        dave.pk,
        erin.pk,
        frank.pk,
    ]
    for degree in (1, 2, 3):
        assert bob.pk not in {pk for pk, _, _ in both(viewer=alice, q="bob", degree=degree)}


def test_a_member_suspended_after_the_graph_was_read_is_neither_returned_nor_a_bridge(
    chain, connect
):
    alice, bob, carol, dave, erin, frank = chain
    # A second path to carol: through frank.
    connect(frank, carol)
    assert both(viewer=alice, q="engineer") == [
        (bob.pk, 1, 0),
        (frank.pk, 1, 0),
        (carol.pk, 2, 2),
        (dave.pk, 3, 0),
        (erin.pk, None, 0),
    ]

    member_suspend(member=bob)
    assert both(viewer=alice, q="engineer") == [
        (frank.pk, 1, 0),
        (carol.pk, 2, 1),
        (dave.pk, 3, 0),
        (erin.pk, None, 0),
    ]

    member_suspend(member=carol)
    assert both(viewer=alice, q="engineer") == [
        (frank.pk, 1, 0),
        (dave.pk, None, 0),
        (erin.pk, None, 0),
    ]
    assert both(viewer=alice, q="carol chen") == []


def test_a_connection_made_after_the_graph_was_read_changes_the_degree_at_once(chain):
    alice, bob, carol, dave, erin, frank = chain
    assert both(viewer=alice, q="erin") == [(erin.pk, None, 0)]

    accepted(erin, dave)
    assert both(viewer=alice, q="erin") == [(erin.pk, None, 0)]  # dave is 3rd: erin 4th
    accepted(erin, carol)
    assert both(viewer=alice, q="erin") == [(erin.pk, 3, 0)]
    accepted(erin, frank)
    assert both(viewer=alice, q="erin") == [(erin.pk, 2, 1)]
    # A request the other way already there: asking back connects at once.
    connection_request_create(sender=erin, recipient=alice)
    assert connection_request_create(sender=alice, recipient=erin).connected
    assert both(viewer=alice, q="erin") == [(erin.pk, 1, 1)]
    assert both(viewer=erin, q="alice") == [(alice.pk, 1, 1)]

    connection_remove(member=alice, other=bob)
    assert both(viewer=alice, q="bob") == [(bob.pk, 3, 0)]  # alice - erin - carol - bob
    assert both(viewer=alice, q="engineer", degree=1) == [(erin.pk, 1, 1), (frank.pk, 1, 1)]


def test_the_graph_is_read_once_and_synced_on_every_search(alice, bob, carol, connect):
    connect(alice, bob)
    assert both(viewer=alice, q="bob") == [(bob.pk, 1, 0)]
    loaded = search_memory.graph_holder.graph
    assert loaded is not None

    # graph.add_edge writes no GraphChange row: the graph, already read, does not see it.
    connect(alice, carol)
    assert memory(viewer=alice, q="carol") == [(carol.pk, None, 0)]
    # With the row the services write, the next search sees it.
    GraphChange.objects.create(member_id=alice.pk, other_id=carol.pk)
    assert both(viewer=alice, q="carol") == [(carol.pk, 1, 0)]
    accepted(carol, bob)
    assert both(viewer=alice, q="carol") == [(carol.pk, 1, 1)]
    assert search_memory.graph_holder.graph is loaded


# --- when the memory engine does not answer --------------------------------------------------


def test_no_answer_with_the_graph_off(settings, alice, bob, connect):
    settings.SEARCH_GRAPH = "off"
    connect(alice, bob)

    assert search_memory.rank(MemberSearch(viewer=alice, q="bob")) is None
    assert _rows(MemberSearch(viewer=alice, q="bob").ranked()) == [(bob.pk, 1, 0)]
    assert search_memory.graph_holder.graph is None
    assert not search_memory._cache


@pytest.mark.parametrize(
    "criteria",
    [
        {"q": "bob", "company": "globex"},
        {"location": "lisbon", "school": "porto"},
        {"skill": "postgresql"},
        {"company": "globex", "degree": 1},
    ],
)
def test_no_answer_with_a_filter_on_positions_education_or_skills(alice, bob, connect, criteria):
    connect(alice, bob)
    PositionFactory(profile=bob.profile, organization="Globex", is_current=True)
    EducationFactory(profile=bob.profile, school="University of Porto")
    SkillFactory(profile=bob.profile, name="PostgreSQL")

    assert search_memory.rank(MemberSearch(viewer=alice, **criteria)) is None
    assert _rows(MemberSearch(viewer=alice, **criteria).ranked()) == [(bob.pk, 1, 0)]
    assert search_memory.graph_holder.graph is None
    assert not search_memory._cache


@pytest.mark.parametrize("degree", [None, 1, 2])
def test_no_answer_without_a_query_industry_or_location(alice, bob, carol, connect, degree):
    connect(alice, bob)
    connect(bob, carol)

    assert search_memory.rank(MemberSearch(viewer=alice, degree=degree)) is None
    expected = {
        None: [(bob.pk, 1, 0), (carol.pk, 2, 1)],
        1: [(bob.pk, 1, 0)],
        2: [(carol.pk, 2, 1)],
    }
    assert _rows(MemberSearch(viewer=alice, degree=degree).ranked()) == expected[degree]
    assert search_memory.graph_holder.graph is None
    # With a text query as well, it answers.
    assert memory(viewer=alice, q="engineer", degree=degree) == expected[degree]


def test_a_bulk_change_larger_than_the_overlay_falls_back_to_sql(
    make_member, alice, bob, connect, monkeypatch
):
    connect(alice, bob)
    members = [make_member(f"pat-{n}", full_name=f"Pat Person {n}") for n in range(5)]
    aged()
    monkeypatch.setattr(search_memory, "MATCHES_MAX_OVERLAY", 2)
    criteria = {"viewer": alice, "q": "glassblower"}
    assert both(**criteria) == []
    matches = the_match_set()

    Profile.objects.filter(user__in=members[1:]).update(headline="Glassblower")

    assert search_memory.rank(MemberSearch(**criteria)) is None
    expected = [(m.pk, None, 0) for m in members[1:]]
    assert _rows(MemberSearch(**criteria).ranked()) == expected
    assert the_match_set() is matches  # read again, it would see them all as changes


def test_a_set_past_its_age_is_read_again(make_member, alice, monkeypatch):
    dave = make_member("dave", full_name="Dave Dunn", headline="Glassblower")
    aged()
    assert both(viewer=alice, q="glassblower") == [(dave.pk, None, 0)]
    first = the_match_set()

    monkeypatch.setattr(search_memory, "MATCHES_MAX_AGE", timedelta(0))
    assert both(viewer=alice, q="glassblower") == [(dave.pk, None, 0)]

    assert the_match_set() is not first


def test_a_worker_keeps_a_bounded_number_of_sets(make_member, alice, monkeypatch):
    monkeypatch.setattr(search_memory, "MATCHES_MAX_QUERIES", 2)
    make_member("dave", full_name="Dave Dunn")

    for q in ("dave", "dunn", "engineer"):
        memory(viewer=alice, q=q)
    memory(viewer=alice, q="dunn")  # used again: the most recent
    memory(viewer=alice, q="lisbon")

    assert list(search_memory._cache) == [("dunn", "", ""), ("lisbon", "", "")]


@pytest.mark.parametrize("aged_set", [False, True], ids=["overlay", "match-set"])
def test_third_degree_filter_keeps_the_best_beyond_limit(
    make_member, alice, connect, monkeypatch, aged_set
):
    monkeypatch.setattr(search, "BEYOND_LIMIT", 2)
    bob = make_member("bob", full_name="Bob Baker")
    carol = make_member("carol", full_name="Carol Chen")
    connect(alice, bob)
    connect(bob, carol)
    third = [make_member(f"third-{n}", full_name=f"Third Person {n}") for n in range(3)]
    for member in third:
        connect(carol, member)
    for n in range(4):
        make_member(f"out-{n}", full_name=f"Out Person {n}")
    if aged_set:
        aged()

    found = memory(viewer=alice, q="engineer", degree=3)

    assert found == [(third[0].pk, 3, 0), (third[1].pk, 3, 0)]


# --- loading the graph in the background ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_graph_and_matches_load_in_the_background_while_sql_answers(
    settings, make_member, connect
):
    settings.SEARCH_GRAPH = "background"
    alice = make_member("alice", full_name="Alice Archer")
    bob = make_member("bob", full_name="Bob Baker")
    carol = make_member("carol", full_name="Carol Chen")
    connect(alice, bob)
    connect(bob, carol)
    expected = [(bob.pk, 1, 0), (carol.pk, 2, 1)]
    holder = search_memory.graph_holder
    try:
        assert holder.graph is None
        first = MemberSearch(viewer=alice, q="engineer")
        assert search_memory.rank(first) is None  # SQL answers, and the loading starts
        assert _rows(first.ranked()) == expected

        deadline = time.monotonic() + 20
        while (holder.graph is None or holder.loading) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert holder.graph is not None
        assert not holder.loading

        # The query's matches are read in a thread too: SQL answers until they are there.
        assert search_memory.rank(MemberSearch(viewer=alice, q="engineer")) is None
        assert _rows(MemberSearch(viewer=alice, q="engineer").ranked()) == expected
        deadline = time.monotonic() + 20
        while not search_memory._cache and time.monotonic() < deadline:
            time.sleep(0.05)

        assert memory(viewer=alice, q="engineer") == expected
        assert _rows(MemberSearch(viewer=alice, q="engineer").ranked()) == expected
    finally:
        deadline = time.monotonic() + 20
        while (holder.loading or search_memory._reading) and time.monotonic() < deadline:
            time.sleep(0.05)
        holder.set(None)
        search_memory.forget()


def test_a_blocked_member_still_connected_keeps_mutual_counts_right(make_member, alice, connect):
    """Blocks end connections; should a pair stay connected anyway (a row the services
    never leave), the 1st-degree rows must still line up with their own mutual counts."""
    from connections.models import Block

    carol = make_member("carol", full_name="Carol Chen", headline="Glassblower")
    dave = make_member("dave", full_name="Dave Dunn", headline="Glassblower")
    blocked = make_member("blocked", full_name="Zed Blocked", headline="Glassblower")
    for a, b in [(alice, blocked), (alice, carol), (alice, dave), (carol, dave)]:
        connect(a, b)
    Block.objects.create(blocker=alice, blocked=blocked)
    criteria = {"viewer": alice, "q": "glassblower", "degree": 1}

    assert memory(**criteria) == sql(**criteria) == [(carol.pk, 1, 1), (dave.pk, 1, 1)]


def test_a_query_is_kept_in_memory_from_its_second_search(settings, make_member, alice):
    """One-off queries (a misspelt name) stay in SQL; a query that comes back is kept."""
    settings.SEARCH_MATCH_SETS_AFTER = 2
    make_member("anna", full_name="Anna Adams", headline="Glassblower")

    assert search_memory.rank(MemberSearch(viewer=alice, q="glassblower")) is None
    assert search_memory.rank(MemberSearch(viewer=alice, q="glassblowr")) is None
    second = search_memory.rank(MemberSearch(viewer=alice, q="glassblower"))

    assert second is not None
    assert [c.id for c in second] == [
        c.id for c in MemberSearch(viewer=alice, q="glassblower").ranked()
    ]


@pytest.mark.django_db(transaction=True)
def test_an_old_match_set_keeps_answering_while_it_is_read_again_in_the_background(
    settings, monkeypatch, make_member, connect
):
    alice = make_member("alice", full_name="Alice Archer")
    bob = make_member("bob", full_name="Bob Baker", headline="Glassblower")
    connect(alice, bob)
    criteria = {"viewer": alice, "q": "glassblower"}
    try:
        assert memory(**criteria) == [(bob.pk, 1, 0)]  # inline: graph and set read here
        [(key, first_read)] = search_memory._cache.items()

        settings.SEARCH_GRAPH = "background"
        monkeypatch.setattr(search_memory, "MATCHES_MAX_AGE", timedelta(0))
        monkeypatch.setattr(search_memory, "CHANGE_MARGIN", timedelta(0))
        # Old: it still answers at once, and a thread reads it again.
        assert memory(**criteria) == [(bob.pk, 1, 0)]
        deadline = time.monotonic() + 20
        while search_memory._reading and time.monotonic() < deadline:
            time.sleep(0.05)

        assert search_memory._cache[key] is not first_read
        assert list(search_memory._cache[key].ids) == [bob.pk]
    finally:
        deadline = time.monotonic() + 20
        while search_memory._reading and time.monotonic() < deadline:
            time.sleep(0.05)
        search_memory.graph_holder.set(None)
        search_memory.forget()
