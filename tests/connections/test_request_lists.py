"""connections.selectors.RequestList: a member's open requests read by statements written
once, as Paginator, the API and the digest count and slice them."""

import pytest
from django.core.paginator import Paginator

from connections import selectors, services
from connections.models import Block, ConnectionRequest
from profiles.models import Profile
from profiles.services import member_suspend
from tests.factories import UserFactory


@pytest.fixture
def senders(db, bob):
    """Five members who asked bob, oldest first."""
    members = [UserFactory(username=f"sender{i}") for i in range(5)]
    for member in members:
        services.connection_request_create(sender=member, recipient=bob, note=f"hi from {member}")
    return members


def test_received_newest_first_with_both_members_and_profiles(
    bob, senders, django_assert_num_queries
):
    requests = selectors.received_requests(bob)
    with django_assert_num_queries(2):  # the count and the page
        assert requests.count() == 5
        page = requests[0:3]
        # Both members and their profiles come with the page: no query per row.
        names = [(r.from_member.profile.full_name, r.to_member.profile.full_name) for r in page]
    assert [r.from_member.username for r in page] == ["sender4", "sender3", "sender2"]
    assert names[0] == (senders[4].profile.full_name, bob.profile.full_name)
    assert [r.note for r in requests[3:]] == ["hi from sender1", "hi from sender0"]
    assert requests[5:9] == [] and requests[2:2] == []


def test_the_same_rows_as_the_orm_reads(bob, senders):
    expected = list(
        ConnectionRequest.objects.filter(to_member=bob, status="pending").order_by(
            "-created_at", "-id"
        )
    )
    rows = selectors.received_requests(bob)[:]
    assert rows == expected  # the same primary keys, in the same order
    for row, orm in zip(rows, expected, strict=True):
        assert (row.status, row.note, row.created_at, row.responded_at) == (
            orm.status,
            orm.note,
            orm.created_at,
            orm.responded_at,
        )


def test_paginator_pages_it(bob, senders):
    page = Paginator(selectors.received_requests(bob), 2).page(3)
    assert page.paginator.count == 5 and page.paginator.num_pages == 3
    assert [r.from_member.username for r in page.object_list] == ["sender0"]


def test_hidden_senders_are_left_out_and_not_counted(bob, senders):
    Block.objects.create(blocker=bob, blocked=senders[0])
    Block.objects.create(blocker=senders[1], blocked=bob)
    member_suspend(member=senders[2])
    senders[3].is_active = False
    senders[3].save()
    requests = selectors.received_requests(bob)
    assert requests.count() == 1 == len(requests)
    assert [r.from_member.username for r in requests] == ["sender4"]
    assert selectors.pending_counts(bob).received == 1


def test_sent_includes_ignored_ones_which_look_pending(alice, bob, carol):
    first = services.connection_request_create(sender=alice, recipient=bob).request
    services.connection_request_create(sender=alice, recipient=carol)
    services.connection_request_ignore(request_id=first.pk, member=bob)
    sent = selectors.sent_requests(alice)
    assert [r.to_member.username for r in sent] == ["carol", "bob"]
    assert sent.count() == 2 == selectors.pending_counts(alice).sent
    assert selectors.received_requests(bob).count() == 0  # ignored: off bob's list


def test_a_member_without_a_profile_reads_as_select_related_leaves_them(alice, bob):
    request = services.connection_request_create(sender=alice, recipient=bob).request
    Profile.objects.filter(user=alice).delete()
    (row,) = selectors.received_requests(bob)[:]
    with pytest.raises(Profile.DoesNotExist):
        row.from_member.profile  # noqa: B018 (the access is the test)
    assert row.to_member.profile.full_name == bob.profile.full_name
    assert selectors.requests_by_id([request.pk])[request.pk].from_member.username == "alice"


def test_indexes_and_slices_without_a_step_or_negative_bounds(bob, senders):
    requests = selectors.received_requests(bob)
    assert requests[0].from_member.username == "sender4"
    assert requests[4].from_member.username == "sender0"
    with pytest.raises(IndexError):
        requests[5]
    with pytest.raises(TypeError):
        requests[0:4:2]
    with pytest.raises(ValueError):
        requests[-2:]
