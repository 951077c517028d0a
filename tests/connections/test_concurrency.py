"""Races against real Postgres: concurrent transactions on separate connections."""

from functools import partial

import pytest

from common.exceptions import ApplicationError
from connections import graph, services
from connections.models import Connection, ConnectionRequest, Invitation
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)
Status = ConnectionRequest.Status


def errors(results):
    return [r for r in results if isinstance(r, Exception)]


def test_two_members_requesting_each_other_at_once_connect_once(alice, bob):
    for _ in range(5):
        results = run_together(
            partial(services.connection_request_create, sender=alice, recipient=bob),
            partial(services.connection_request_create, sender=bob, recipient=alice),
        )
        assert errors(results) == []
        assert [r.connected for r in results].count(True) == 1
        assert Connection.objects.filter(member_id__in=[alice.pk, bob.pk]).count() == 2
        assert ConnectionRequest.objects.get().status == Status.ACCEPTED
        # Reset for the next round.
        graph.remove_edge(alice.pk, bob.pk)
        ConnectionRequest.objects.all().delete()


def test_double_accept_connects_once_and_the_second_conflicts(alice, bob):
    request = services.connection_request_create(sender=alice, recipient=bob).request
    accept = partial(services.connection_request_accept, request_id=request.pk, member=bob)
    results = run_together(accept, accept, accept)
    failures = errors(results)
    assert len(failures) == 2
    assert all(isinstance(f, ApplicationError) and f.status == 409 for f in failures)
    assert Connection.objects.count() == 2


def test_withdraw_racing_accept_has_one_winner(alice, bob):
    for _ in range(5):
        request = services.connection_request_create(sender=alice, recipient=bob).request
        results = run_together(
            partial(services.connection_request_accept, request_id=request.pk, member=bob),
            partial(services.connection_request_withdraw, request_id=request.pk, member=alice),
        )
        assert len(errors(results)) == 1
        request.refresh_from_db()
        assert request.status in (Status.ACCEPTED, Status.WITHDRAWN)
        assert graph.are_connected(alice.pk, bob.pk) == (request.status == Status.ACCEPTED)
        graph.remove_edge(alice.pk, bob.pk)
        ConnectionRequest.objects.all().delete()


def test_weekly_request_limit_holds_under_parallel_requests(alice, make_member, monkeypatch):
    monkeypatch.setattr(services, "REQUESTS_PER_WEEK", 3)
    others = [make_member(f"target-{n}") for n in range(8)]
    results = run_together(
        *[partial(services.connection_request_create, sender=alice, recipient=o) for o in others]
    )
    limited = [e for e in errors(results) if isinstance(e, ApplicationError) and e.status == 429]
    assert len(limited) == 5
    assert ConnectionRequest.objects.filter(from_member=alice).count() == 3


def test_weekly_invitation_limit_holds_under_parallel_invitations(alice, monkeypatch):
    monkeypatch.setattr(services, "INVITATIONS_PER_WEEK", 2)
    results = run_together(
        *[
            partial(services.invitation_create, inviter=alice, email=f"p{n}@example.org")
            for n in range(6)
        ]
    )
    assert len(errors(results)) == 4
    assert Invitation.objects.count() == 2


def test_block_racing_accept_leaves_them_unconnected(alice, bob):
    for _ in range(5):
        request = services.connection_request_create(sender=alice, recipient=bob).request
        run_together(
            partial(services.connection_request_accept, request_id=request.pk, member=bob),
            partial(services.block_create, blocker=alice, blocked=bob),
        )
        assert not graph.are_connected(alice.pk, bob.pk)
        assert not ConnectionRequest.objects.filter(status=Status.PENDING).exists()
        services.block_remove(blocker=alice, blocked_id=bob.pk)
        ConnectionRequest.objects.all().delete()
