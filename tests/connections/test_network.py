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
