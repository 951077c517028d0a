"""Network counts: exact for the members who changed, stale marks for those within reach,
nothing lost when Redis or a worker is down."""

from unittest import mock

import pytest
from django.utils import timezone

from connections import memgraph, network, services
from connections.models import GraphChange, NetworkCounts


def counts(member):
    row = NetworkCounts.objects.get(member=member)
    return (row.first, row.second, row.third)


def connect_via_request(a, b):
    request = services.connection_request_create(sender=a, recipient=b).request
    services.connection_request_accept(request_id=request.pk, member=b)


@pytest.fixture
def people(make_member):
    return {n: make_member(n) for n in ["alice", "bob", "carol", "dave", "erin"]}


@pytest.mark.django_db
class TestPerMemberRefresh:
    def test_both_members_get_exact_counts_after_connecting(self, people, on_commit):
        p = people
        with on_commit():
            connect_via_request(p["alice"], p["bob"])
            connect_via_request(p["bob"], p["carol"])
            connect_via_request(p["carol"], p["dave"])
        assert counts(p["carol"]) == (2, 1, 0)
        assert counts(p["dave"]) == (1, 1, 1)
        assert not NetworkCounts.objects.get(member=p["dave"]).stale
        assert not GraphChange.objects.filter(processed_at__isnull=True).exists()

    def test_members_within_reach_are_marked_stale(self, people, on_commit):
        p = people
        with on_commit():
            for a, b in [("alice", "bob"), ("bob", "carol")]:
                connect_via_request(p[a], p[b])
        network.refresh_members([p["alice"].pk])
        assert not NetworkCounts.objects.get(member=p["alice"]).stale
        with on_commit():
            connect_via_request(p["carol"], p["dave"])  # dave is now 3rd degree of alice
        alice = NetworkCounts.objects.get(member=p["alice"])
        assert alice.stale and (alice.first, alice.second, alice.third) == (1, 1, 0)
        network.refresh_members([p["alice"].pk])
        assert counts(p["alice"]) == (1, 1, 1)
        assert not NetworkCounts.objects.get(member=p["alice"]).stale

    def test_removal_and_block_recount_both_sides(self, people, on_commit):
        p = people
        with on_commit():
            connect_via_request(p["alice"], p["bob"])
            connect_via_request(p["bob"], p["carol"])
        with on_commit():
            services.connection_remove(member=p["alice"], other=p["bob"])
        assert counts(p["alice"]) == (0, 0, 0)
        assert counts(p["bob"]) == (1, 0, 0)
        with on_commit():
            services.block_create(blocker=p["carol"], blocked=p["bob"])
        assert counts(p["carol"]) == (0, 0, 0)

    def test_suspension_takes_the_member_out_of_everyones_counts(self, people, on_commit):
        from profiles.services import member_suspend, member_unsuspend

        p = people
        with on_commit():
            connect_via_request(p["alice"], p["bob"])
            connect_via_request(p["bob"], p["carol"])
        with on_commit():
            member_suspend(member=p["bob"])
        assert counts(p["alice"]) == (0, 0, 0)
        with on_commit():
            member_unsuspend(member=p["bob"])
        assert counts(p["alice"]) == (1, 1, 0)

    def test_redis_down_keeps_the_site_working_and_nothing_is_lost(self, people, on_commit):
        p = people
        with (
            mock.patch(
                "connections.tasks.process_graph_changes.apply_async",
                side_effect=ConnectionError("redis is down"),
            ),
            on_commit(),
        ):
            connect_via_request(p["alice"], p["bob"])
        alice = NetworkCounts.objects.filter(member=p["alice"]).first()
        assert alice is None or alice.stale
        assert GraphChange.objects.filter(processed_at__isnull=True).count() == 1
        # Redis is back: the beat sweep catches up from the rows in Postgres.
        assert network.process_pending_changes() == 1
        assert counts(p["alice"]) == (1, 0, 0)
        assert network.process_pending_changes() == 0

    def test_a_burst_of_changes_schedules_one_task(self, make_member, on_commit):
        hub = make_member("hub")
        others = [make_member(f"spoke-{n}") for n in range(30)]
        with mock.patch("connections.tasks.process_graph_changes.apply_async") as publish:
            with on_commit():
                for other in others:
                    connect_via_request(other, hub)
            assert publish.call_count == 1
        assert network.process_pending_changes() == 30
        assert counts(hub) == (30, 0, 0)
        assert counts(others[0]) == (1, 29, 0)

    def test_a_crash_mid_batch_rolls_back_and_the_next_run_completes(self, people, on_commit):
        p = people
        with mock.patch("connections.tasks.process_graph_changes.apply_async"), on_commit():
            connect_via_request(p["alice"], p["bob"])
        killed = mock.patch.object(memgraph.MemGraph, "counts", side_effect=RuntimeError("killed"))
        with killed, pytest.raises(RuntimeError):
            network.process_pending_changes()
        assert GraphChange.objects.filter(processed_at__isnull=True).count() == 1
        assert network.process_pending_changes() == 1
        assert counts(p["bob"]) == (1, 0, 0)


@pytest.mark.django_db
class TestNetworkSize:
    def test_first_degree_is_always_live(self, people, connect):
        connect(people["alice"], people["bob"])
        size = network.network_size(people["alice"].pk)
        assert size.first == 1 and size.second is None and size.stale


@pytest.mark.django_db
class TestNetworkApi:
    def test_network_endpoint_reports_counts_and_freshness(self, people, api_as, on_commit):
        with on_commit():
            connect_via_request(people["alice"], people["bob"])
            connect_via_request(people["bob"], people["carol"])
        body = api_as(people["alice"]).get("/api/v1/network/").json()
        assert (body["first"], body["second"], body["third"]) == (1, 1, 0)
        assert body["exact"] is True and body["stale"] is False and body["computed_at"]

    def test_never_computed_is_reported_as_stale(self, people, api_as):
        body = api_as(people["erin"]).get("/api/v1/network/").json()
        assert body == {
            "first": 0,
            "second": None,
            "third": None,
            "computed_at": None,
            "exact": False,
            "stale": True,
        }

    def test_requires_authentication(self, client, db):
        assert client.get("/api/v1/network/").status_code == 401


@pytest.mark.django_db
class TestNetworkCard:
    def test_card_shows_counts_freshness_and_polls_while_stale(self, people, client, on_commit):
        with on_commit():
            connect_via_request(people["alice"], people["bob"])
            connect_via_request(people["bob"], people["carol"])
        client.force_login(people["alice"])
        body = client.get("/network/").content.decode()
        assert "2nd degree" in body and "current" in body
        assert 'hx-trigger="every 5s"' not in body
        NetworkCounts.objects.filter(member=people["alice"]).update(stale_since=timezone.now())
        card = client.get("/network/size/").content.decode()
        assert "updating" in card and 'hx-trigger="every 5s"' in card


@pytest.fixture
def small_world(make_member, connect):
    """40 members on a ring with chords: degrees 2 to 4 away from each member vary."""
    members = [make_member(f"m{i:02d}") for i in range(40)]
    for i in range(40):
        connect(members[i], members[(i + 1) % 40])
        if i % 5 == 0:
            connect(members[i], members[(i + 13) % 40])
    return members


def bfs_counts(member_id):
    """The slow, obvious answer: a plain BFS over the ORM."""
    from connections import graph as g

    seen, frontier, result = {member_id}, [member_id], []
    for _ in range(3):
        nxt = []
        for node in frontier:
            for other in g.first_degree_ids(node):
                if other not in seen:
                    seen.add(other)
                    nxt.append(other)
        result.append(len(nxt))
        frontier = nxt
    return tuple(result)


@pytest.mark.django_db
class TestWholeGraphRun:
    @pytest.mark.parametrize("partitions", [1, 3])
    def test_counts_every_member_exactly(self, small_world, partitions):
        run = network.run_in_process(partitions=partitions)
        assert run is not None and run.status == "done" and run.members == 40
        for member in small_world:
            assert counts(member) == bfs_counts(member.pk)
            assert not NetworkCounts.objects.get(member=member).stale

    def test_one_run_at_a_time(self, small_world):
        run = network.run_start(partitions=2)
        assert run is not None
        assert network.run_start(partitions=2) is None
        assert network.run_in_process(partitions=2) is None

    def test_a_worker_killed_mid_run_leaves_the_old_counts_and_the_next_run_completes(
        self, small_world
    ):
        network.run_in_process(partitions=1)
        before = {m.pk: counts(m) for m in small_world}
        # A new connection, then a run that dies after its first partition.
        from connections import graph as g

        g.add_edge(small_world[0].pk, small_world[20].pk)
        real = network.run_partition
        calls = []

        def dying(run_id, partition):
            calls.append(partition)
            if partition == 1:
                raise SystemExit("worker killed")
            return real(run_id, partition)

        with mock.patch.object(network, "run_partition", dying), pytest.raises(SystemExit):
            network.run_in_process(partitions=2)
        assert calls == [0, 1]
        assert {m.pk: counts(m) for m in small_world} == before  # no partial results
        assert not network.CountResult.objects.exists()
        run = network.run_in_process(partitions=2)
        assert run.status == "done"
        for member in small_world:
            assert counts(member) == bfs_counts(member.pk)

    def test_members_changed_during_the_run_stay_stale(self, small_world):
        run = network.run_start(partitions=1)
        network.run_partition(run.pk, 0)
        # A connection made while the run was counting: its members were marked stale
        # after the snapshot, and the run must not clear that.
        NetworkCounts.objects.create(
            member=small_world[5], first=0, second=0, third=0, computed_at=run.snapshot_at
        )
        NetworkCounts.objects.filter(member=small_world[5]).update(stale_since=timezone.now())
        network.run_finish(run.pk)
        assert NetworkCounts.objects.get(member=small_world[5]).stale
        assert not NetworkCounts.objects.get(member=small_world[6]).stale

    def test_the_celery_chord_counts_everyone(self, small_world):
        from connections.tasks import start_count_run

        run_id = start_count_run.delay().get()
        run = network.CountRun.objects.get(pk=run_id)
        assert run.status == "done" and run.partitions_done == run.partitions
        assert counts(small_world[7]) == bfs_counts(small_world[7].pk)


PUBLISH_WITH_REDIS_DOWN = """
import time, django
django.setup()
from linkup.celery import app
from connections.services import enqueue
from connections.tasks import process_graph_changes
app.conf.task_always_eager = False
started = time.perf_counter()
try:
    process_graph_changes.apply_async(countdown=0.5)
except Exception as exc:
    print("refused", type(exc).__name__)
enqueue(process_graph_changes)  # what web requests call: logs, never raises
print(f"seconds {time.perf_counter() - started:.2f}")
"""


def test_publishing_with_redis_down_fails_fast_and_web_code_carries_on():
    """A real refused connection (a closed port), not a mock: web requests publish after
    commit, so a slow failure would hang every page that connects two members."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "linkup.settings.local",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", PUBLISH_WITH_REDIS_DOWN],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "refused OperationalError" in result.stdout
    seconds = float(result.stdout.split("seconds ")[1])
    assert seconds < 5, result.stdout
