"""Asking for a member's reach, its states, history, and the refresh after a whole-graph run."""

from datetime import timedelta

import pytest
from django.utils import timezone

from connections import network
from connections.models import NetworkCounts
from connections.services import block_create
from reach import services
from reach.models import ReachHistory, ReachSummary
from tests.reach.conftest import make_active

pytestmark = pytest.mark.django_db


@pytest.fixture
def trio(person, connect):
    alice, bob, carol = person("alice"), person("bob", active=True), person("carol")
    connect(alice, bob)
    connect(bob, carol)
    return alice, bob, carol


def test_missing_reach_is_requested_then_computed(trio, on_commit):
    alice, *_ = trio
    with on_commit() as callbacks:
        state = services.reach_for_viewer(member=alice)
        assert state.state == services.COMPUTING
        assert not state.has_data
        row = ReachSummary.objects.get(member=alice)
        assert row.computed_at is None and row.requested_at is not None
    # After commit the task ran (eagerly in tests) and stored the reach.
    assert len(callbacks) == 1
    state = services.reach_for_viewer(member=alice)
    assert state.state == services.READY
    assert state.data["totals"]["second"] == 1
    assert state.data["totals"]["second_reachable"] == 1


def test_a_pending_request_is_not_enqueued_twice(trio, on_commit):
    alice, *_ = trio
    with on_commit() as callbacks:
        services.reach_for_viewer(member=alice)
        services.reach_for_viewer(member=alice)
        services.reach_for_viewer(member=alice)
    assert len(callbacks) == 1


def test_a_lost_request_is_made_again(trio, on_commit):
    alice, *_ = trio
    services.reach_request(member_id=alice.pk)  # its task never runs (no commit here)
    ReachSummary.objects.filter(member=alice).update(
        requested_at=timezone.now() - services.RETRY_AFTER - timedelta(seconds=1)
    )
    with on_commit() as callbacks:
        assert services.reach_for_viewer(member=alice).state == services.COMPUTING
    assert len(callbacks) == 1
    assert services.reach_for_viewer(member=alice).state == services.READY


def test_ready_reach_asks_for_nothing(trio, on_commit):
    alice, *_ = trio
    services.reach_compute(member_ids=[alice.pk])
    with on_commit() as callbacks:
        assert services.reach_for_viewer(member=alice).state == services.READY
    assert callbacks == []


def test_old_or_stale_reach_shows_its_data_while_updating(trio, on_commit):
    alice, *_ = trio
    services.reach_compute(member_ids=[alice.pk])
    ReachSummary.objects.filter(member=alice).update(
        computed_at=timezone.now() - services.STALE_AFTER - timedelta(minutes=1)
    )
    with on_commit():
        state = services.reach_for_viewer(member=alice)
        assert state.state == services.COMPUTING and state.has_data
    assert services.reach_for_viewer(member=alice).state == services.READY

    # A change within reach after the computation (connections marks the counts stale).
    NetworkCounts.objects.update_or_create(
        member=alice,
        defaults={
            "first": 1,
            "second": 1,
            "third": 0,
            "computed_at": timezone.now(),
            "stale_since": timezone.now() + timedelta(seconds=1),
        },
    )
    with on_commit():
        assert services.reach_for_viewer(member=alice).state == services.COMPUTING


def test_a_block_makes_the_reach_out_of_date(trio, on_commit):
    alice, _, carol = trio
    services.reach_compute(member_ids=[alice.pk])
    block_create(blocker=carol, blocked=alice)
    with on_commit():
        assert services.reach_for_viewer(member=alice).state == services.COMPUTING
    state = services.reach_for_viewer(member=alice)
    assert state.state == services.READY
    assert state.data["totals"]["second"] == 0


def test_history_keeps_one_row_per_day(trio, person, connect):
    alice = trio[0]
    services.reach_compute(member_ids=[alice.pk])
    dave = person("dave")
    connect(alice, dave)
    network.network_changed(alice.pk, dave.pk)  # as connection services do
    services.reach_compute(member_ids=[alice.pk])
    rows = list(ReachHistory.objects.filter(member=alice))
    assert len(rows) == 1
    assert (rows[0].first, rows[0].second, rows[0].third) == (2, 1, 0)


def test_refresh_after_a_whole_graph_run(trio, person, on_commit):
    alice, bob, _ = trio
    make_active(alice)
    idle = person("idle")  # never logged in: not refreshed
    with on_commit():
        run = network.run_in_process(partitions=1)
    assert run is not None and run.status == "done"
    refreshed = set(ReachSummary.objects.exclude(computed_at=None).values_list("member", flat=True))
    assert refreshed == {alice.pk, bob.pk}
    assert idle.pk not in refreshed
    # Fresh summaries are not recomputed by the next run.
    assert services.refresh_candidates() == []


def test_refresh_includes_pending_requests(trio):
    carol = trio[2]
    services.reach_request(member_id=carol.pk)  # never logged in, but asked
    assert carol.pk in services.refresh_candidates()


@pytest.mark.django_db(transaction=True)
def test_a_worker_computes_outside_any_transaction(person, connect):
    # As in a Celery worker: graph and attributes read in their own snapshot transactions.
    alice, bob = person("alice"), person("bob", industry="retail")
    connect(alice, bob)
    assert services.reach_compute(member_ids=[alice.pk]) == 1
    summary = ReachSummary.objects.get(member=alice)
    assert summary.data["buckets"]["industry"][0]["value"] == "retail"
