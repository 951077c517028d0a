"""The member graph, read like the spec: alice–bob–carol–dave, and erin off on her own."""

import pytest

from connections import graph
from connections.models import Block
from profiles.services import member_suspend, member_unsuspend


@pytest.fixture
def chain(make_member, connect):
    people = {name: make_member(name) for name in ["alice", "bob", "carol", "dave", "erin"]}
    connect(people["alice"], people["bob"])
    connect(people["bob"], people["carol"])
    connect(people["carol"], people["dave"])
    return people


def ids(people, *names):
    return [people[n].pk for n in names]


@pytest.mark.django_db
class TestDegrees:
    def test_degrees_along_a_chain(self, chain):
        alice, bob, carol, dave, erin = ids(chain, "alice", "bob", "carol", "dave", "erin")
        assert graph.degree_between(alice, alice) == 0
        assert graph.degree_between(alice, bob) == 1
        assert graph.degree_between(alice, carol) == 2
        assert graph.degree_between(alice, dave) == 3
        assert graph.degree_between(alice, erin) is None

    def test_degree_is_symmetric(self, chain):
        alice, dave = ids(chain, "alice", "dave")
        assert graph.degree_between(dave, alice) == graph.degree_between(alice, dave) == 3

    def test_closeness_of_a_page_is_one_query(self, chain, django_assert_num_queries):
        alice = chain["alice"].pk
        others = ids(chain, "bob", "carol", "dave", "erin")
        with django_assert_num_queries(1):
            result = graph.closeness(alice, others)
        assert [result[i].degree for i in others] == [1, 2, 3, None]
        assert result[chain["carol"].pk].mutual_count == 1

    def test_suspended_intermediary_breaks_the_path(self, chain):
        member_suspend(member=chain["bob"])
        assert graph.degree_between(chain["alice"].pk, chain["carol"].pk) is None
        assert graph.connection_count(chain["alice"].pk) == 0

    def test_block_hides_the_member_from_the_viewer(self, chain):
        Block.objects.create(blocker=chain["dave"], blocked=chain["alice"])
        assert graph.degree_between(chain["alice"].pk, chain["dave"].pk) is None
        assert graph.paths_between(chain["alice"].pk, chain["dave"].pk) == []


@pytest.mark.django_db
class TestMutualsAndPaths:
    def test_mutual_connections(self, chain, make_member, connect):
        frank = make_member("frank")
        connect(chain["alice"], frank)
        connect(frank, chain["carol"])
        mutual = graph.mutual_connection_ids(chain["alice"].pk, chain["carol"].pk)
        assert sorted(mutual) == sorted([chain["bob"].pk, frank.pk])

    def test_paths_to_a_third_degree_member(self, chain):
        assert graph.paths_between(chain["alice"].pk, chain["dave"].pk) == [
            [chain["bob"].pk, chain["carol"].pk]
        ]

    def test_paths_to_a_second_degree_member_are_the_mutuals(self, chain):
        assert graph.paths_between(chain["alice"].pk, chain["carol"].pk) == [[chain["bob"].pk]]

    def test_no_paths_to_first_degree_or_out_of_network(self, chain):
        assert graph.paths_between(chain["alice"].pk, chain["bob"].pk) == []
        assert graph.paths_between(chain["alice"].pk, chain["erin"].pk) == []

    def test_stronger_ties_come_first(self, chain, make_member, connect):
        # alice shares two connections with gina but none with bob: gina's path ranks first.
        gina, h1, h2 = make_member("gina"), make_member("h1"), make_member("h2")
        for member in (gina, h1, h2):
            connect(chain["alice"], member)
        connect(gina, h1)
        connect(gina, h2)
        connect(gina, chain["carol"])
        paths = graph.paths_between(chain["alice"].pk, chain["carol"].pk)
        assert paths == [[gina.pk], [chain["bob"].pk]]


@pytest.mark.django_db
class TestWrites:
    def test_add_edge_writes_both_directions_once(self, alice, bob):
        assert graph.add_edge(alice.pk, bob.pk) is True
        assert graph.add_edge(bob.pk, alice.pk) is False
        assert graph.are_connected(alice.pk, bob.pk) and graph.are_connected(bob.pk, alice.pk)

    def test_remove_edge_removes_both_directions(self, alice, bob):
        graph.add_edge(alice.pk, bob.pk)
        assert graph.remove_edge(bob.pk, alice.pk) is True
        assert not graph.are_connected(alice.pk, bob.pk)
        assert not graph.are_connected(bob.pk, alice.pk)

    def test_self_connection_is_refused(self, alice):
        with pytest.raises(ValueError):
            graph.add_edge(alice.pk, alice.pk)

    def test_note_is_private_to_its_author(self, alice, bob):
        graph.add_edge(alice.pk, bob.pk)
        graph.set_connection_note(alice.pk, bob.pk, "Met at the 2019 airshow")
        assert graph.connection_note(alice.pk, bob.pk) == "Met at the 2019 airshow"
        assert graph.connection_note(bob.pk, alice.pk) == ""


@pytest.mark.django_db
def test_closeness_for_many_members_agrees_with_the_per_member_meet(
    make_member, connect, monkeypatch
):
    import random

    rng = random.Random(4)
    people = [make_member(f"p{i:02d}") for i in range(40)]
    for _ in range(55):
        a, b = rng.sample(people, 2)
        graph.add_edge(a.pk, b.pk)
    member_suspend(member=people[7])
    Block.objects.create(blocker=people[3], blocked=people[0])
    ids = [p.pk for p in people]
    for viewer in people[:6]:
        monkeypatch.setattr(graph, "MANY", 10_000)
        one_by_one = graph.closeness(viewer.pk, ids)
        monkeypatch.setattr(graph, "MANY", 0)
        all_at_once = graph.closeness(viewer.pk, ids)
        assert all_at_once == one_by_one


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_closeness_from_the_graph_in_memory_agrees_with_the_query(
    seed, make_member, settings, monkeypatch
):
    """A web worker that holds the member graph answers closeness from it (the 1st
    degree, blocks and suspensions still from Postgres): the same answers as the query,
    before and after changes made once the graph was read."""
    import random

    from connections import memgraph
    from connections.network import network_changed

    rng = random.Random(seed)
    people = [make_member(f"p{i:02d}") for i in range(40)]
    for _ in range(60):
        a, b = rng.sample(people, 2)
        graph.add_edge(a.pk, b.pk)
    Block.objects.create(blocker=people[3], blocked=people[0])
    settings.SEARCH_GRAPH = "inline"
    settings.SEARCH_GRAPH_SYNC_SECONDS = 0.0
    memgraph.holder.set(None)
    ids = sorted(p.pk for p in people)

    def agree(viewers) -> None:
        for viewer in viewers:
            in_memory = graph._closeness_in_memory(viewer.pk, ids)
            assert in_memory is not None, "the graph in memory did not answer"
            assert graph.closeness(viewer.pk, ids) == in_memory
            with monkeypatch.context() as m:
                m.setattr(graph, "_closeness_in_memory", lambda *args: None)
                assert graph.closeness(viewer.pk, ids) == in_memory

    try:
        agree(people[:10])
        for _ in range(15):  # after the graph was read: connect, disconnect, block, suspend
            a, b = rng.sample(people, 2)
            if graph.are_connected(a.pk, b.pk):
                graph.remove_edge(a.pk, b.pk)
            else:
                graph.add_edge(a.pk, b.pk)
            network_changed(a.pk, b.pk)
        Block.objects.create(blocker=people[1], blocked=people[5])
        Block.objects.create(blocker=people[9], blocked=people[2])
        member_suspend(member=people[7])
        agree(people[:10])
    finally:
        memgraph.holder.set(None)


@pytest.mark.django_db
def test_closeness_from_a_synced_graph_is_one_query(chain, settings, django_assert_num_queries):
    from connections import memgraph

    settings.SEARCH_GRAPH = "inline"
    alice = chain["alice"].pk
    others = ids(chain, "bob", "carol", "dave", "erin")
    try:
        graph.closeness(alice, others)  # reads the graph
        settings.SEARCH_GRAPH_SYNC_SECONDS = 3600.0
        with django_assert_num_queries(1):
            result = graph._closeness_in_memory(alice, sorted(others))
        assert result is not None
        assert [result[i].degree for i in others] == [1, 2, 3, None]
        assert result[chain["carol"].pk].mutual_count == 1
        Block.objects.create(blocker=chain["dave"], blocked=chain["alice"])
        # Blocks are read on every call, never from the graph.
        assert graph.closeness(alice, others)[chain["dave"].pk].hidden
    finally:
        memgraph.holder.set(None)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [5, 6])
def test_the_graph_in_memory_stays_exact_over_many_syncs(seed, make_member, settings, monkeypatch):
    """Each sync reads only the changes since the one before (and a margin): pairs
    connected, disconnected and connected again across syncs, members who joined after
    the snapshot, suspensions lifted, all agree with the query after every sync."""
    import random

    from connections import memgraph
    from connections.network import network_changed

    rng = random.Random(seed)
    people = [make_member(f"m{i:02d}") for i in range(30)]
    for _ in range(45):
        a, b = rng.sample(people, 2)
        graph.add_edge(a.pk, b.pk)
    settings.SEARCH_GRAPH = "inline"
    settings.SEARCH_GRAPH_SYNC_SECONDS = 0.0
    memgraph.holder.set(None)

    def agree() -> None:
        ids = sorted(p.pk for p in people)
        for viewer in people[:8]:
            in_memory = graph._closeness_in_memory(viewer.pk, ids)
            assert in_memory is not None, "the graph in memory did not answer"
            with monkeypatch.context() as m:
                m.setattr(graph, "_closeness_in_memory", lambda *args: None)
                assert graph.closeness(viewer.pk, ids) == in_memory

    try:
        agree()
        toggled = [tuple(rng.sample(people, 2)) for _ in range(6)]
        for round_ in range(4):
            for a, b in toggled:  # the same pairs, flipped every round
                if graph.are_connected(a.pk, b.pk):
                    graph.remove_edge(a.pk, b.pk)
                else:
                    graph.add_edge(a.pk, b.pk)
                network_changed(a.pk, b.pk)
            newcomer = make_member(f"new{round_}")
            for other in rng.sample(people, 3):
                graph.add_edge(newcomer.pk, other.pk)
                network_changed(newcomer.pk, other.pk)
            people.append(newcomer)
            suspended = people[8 + round_]
            member_suspend(member=suspended)
            agree()
            member_unsuspend(member=suspended)
            agree()
        graph_now = memgraph.holder.graph
        assert graph_now is not None and graph_now.extra_ids  # newcomers in the overlay
    finally:
        memgraph.holder.set(None)
