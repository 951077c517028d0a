from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from common.exceptions import ApplicationError
from connections import graph, services
from connections.models import Block, ConnectionRequest, Invitation, Notification
from connections.tasks import send_invitation_email, send_notification_email, sweep_emails
from profiles.services import member_suspend

Status = ConnectionRequest.Status


def refused(status: int, fn, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        fn(**kwargs)
    assert info.value.status == status, info.value.message
    return info.value


@pytest.mark.django_db
class TestRequests:
    def test_request_then_accept_connects_both_ways(self, alice, bob):
        outcome = services.connection_request_create(sender=alice, recipient=bob, note="Hi Bob")
        assert not outcome.connected
        services.connection_request_accept(request_id=outcome.request.pk, member=bob)
        assert graph.are_connected(alice.pk, bob.pk) and graph.are_connected(bob.pk, alice.pk)
        assert ConnectionRequest.objects.get().status == Status.ACCEPTED

    def test_request_to_self_is_refused(self, alice):
        refused(400, services.connection_request_create, sender=alice, recipient=alice)

    def test_note_longer_than_300_characters_is_refused(self, alice, bob):
        refused(
            400, services.connection_request_create, sender=alice, recipient=bob, note="x" * 301
        )

    def test_request_to_suspended_or_blocked_member_looks_missing(self, alice, bob, carol):
        member_suspend(member=bob)
        refused(404, services.connection_request_create, sender=alice, recipient=bob)
        services.block_create(blocker=carol, blocked=alice)
        refused(404, services.connection_request_create, sender=alice, recipient=carol)
        refused(404, services.connection_request_create, sender=carol, recipient=alice)
        assert not ConnectionRequest.objects.exists()

    def test_request_when_connected_is_a_conflict(self, alice, bob, connect):
        connect(alice, bob)
        refused(409, services.connection_request_create, sender=alice, recipient=bob)

    def test_second_request_is_a_conflict(self, alice, bob):
        services.connection_request_create(sender=alice, recipient=bob)
        refused(409, services.connection_request_create, sender=alice, recipient=bob)
        assert ConnectionRequest.objects.count() == 1

    def test_requesting_someone_who_asked_you_connects_you(self, alice, bob):
        services.connection_request_create(sender=alice, recipient=bob)
        outcome = services.connection_request_create(sender=bob, recipient=alice)
        assert outcome.connected
        assert graph.are_connected(alice.pk, bob.pk)
        assert ConnectionRequest.objects.get().status == Status.ACCEPTED

    def test_ignored_request_still_looks_pending_to_its_sender(self, alice, bob):
        request = services.connection_request_create(sender=alice, recipient=bob).request
        services.connection_request_ignore(request_id=request.pk, member=bob)
        error = refused(409, services.connection_request_create, sender=alice, recipient=bob)
        assert error.code == "already_pending"

    def test_withdraw_then_cooldown_of_three_weeks(self, alice, bob):
        request = services.connection_request_create(sender=alice, recipient=bob).request
        services.connection_request_withdraw(request_id=request.pk, member=alice)
        error = refused(409, services.connection_request_create, sender=alice, recipient=bob)
        assert error.code == "cooldown"
        ConnectionRequest.objects.filter(pk=request.pk).update(
            responded_at=timezone.now() - timedelta(weeks=3, minutes=1)
        )
        assert not services.connection_request_create(sender=alice, recipient=bob).connected

    def test_only_the_recipient_accepts_and_only_the_sender_withdraws(self, alice, bob, carol):
        request = services.connection_request_create(sender=alice, recipient=bob).request
        refused(403, services.connection_request_accept, request_id=request.pk, member=alice)
        refused(404, services.connection_request_accept, request_id=request.pk, member=carol)
        refused(403, services.connection_request_withdraw, request_id=request.pk, member=bob)
        refused(404, services.connection_request_ignore, request_id=request.pk, member=carol)
        assert ConnectionRequest.objects.get().status == Status.PENDING

    def test_terminal_states_are_final(self, alice, bob):
        request = services.connection_request_create(sender=alice, recipient=bob).request
        services.connection_request_accept(request_id=request.pk, member=bob)
        refused(409, services.connection_request_accept, request_id=request.pk, member=bob)
        refused(409, services.connection_request_ignore, request_id=request.pk, member=bob)
        refused(409, services.connection_request_withdraw, request_id=request.pk, member=alice)

    def test_accept_after_withdraw_is_a_conflict(self, alice, bob):
        request = services.connection_request_create(sender=alice, recipient=bob).request
        services.connection_request_withdraw(request_id=request.pk, member=alice)
        refused(409, services.connection_request_accept, request_id=request.pk, member=bob)
        assert not graph.are_connected(alice.pk, bob.pk)

    def test_weekly_limit_says_when_it_resets(self, alice, make_member, monkeypatch):
        monkeypatch.setattr(services, "REQUESTS_PER_WEEK", 2)
        others = [make_member(f"other-{n}") for n in range(3)]
        services.connection_request_create(sender=alice, recipient=others[0])
        services.connection_request_create(sender=alice, recipient=others[1])
        error = refused(429, services.connection_request_create, sender=alice, recipient=others[2])
        assert "resets on" in error.message and error.extra["retry_after"] > 0


@pytest.mark.django_db
class TestRemoveAndBlock:
    def test_remove_is_silent_and_symmetric(self, alice, bob, connect):
        connect(alice, bob)
        services.connection_remove(member=bob, other=alice)
        assert not graph.are_connected(alice.pk, bob.pk)
        assert not Notification.objects.exists()
        refused(404, services.connection_remove, member=bob, other=alice)

    def test_block_ends_the_connection_and_pending_requests(self, alice, bob, carol, connect):
        connect(alice, bob)
        request = services.connection_request_create(sender=carol, recipient=alice).request
        services.block_create(blocker=alice, blocked=bob)
        services.block_create(blocker=alice, blocked=carol)
        services.block_create(blocker=alice, blocked=carol)  # idempotent
        assert not graph.are_connected(alice.pk, bob.pk)
        request.refresh_from_db()
        assert request.status == Status.CANCELLED
        assert Block.objects.filter(blocker=alice).count() == 2
        # The notification about carol's request is gone from alice's list.
        assert not Notification.objects.filter(recipient=alice, actor=carol).exists()

    def test_unblock_does_not_reconnect(self, alice, bob, connect):
        connect(alice, bob)
        services.block_create(blocker=alice, blocked=bob)
        assert services.block_remove(blocker=alice, blocked_id=bob.pk)
        assert not graph.are_connected(alice.pk, bob.pk)


@pytest.mark.django_db
class TestInvitations:
    def test_invitation_email_carries_a_one_time_link(self, alice, client, on_commit):
        with on_commit():
            invitation = services.invitation_create(
                inviter=alice, email="dana@example.org", message="Join us"
            )
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["dana@example.org"]
        assert "Join us" in message.body
        link = services.invitation_token(invitation)
        assert link in message.body
        assert message.alternatives and "Join us" in message.alternatives[0][0]
        assert client.get(f"/invite/{link}/").status_code == 200
        assert client.get(f"/invite/{link}x/").status_code == 404

    def test_signup_through_the_link_accepts_and_leaves_a_request_waiting(self, alice, client):
        invitation = services.invitation_create(inviter=alice, email="dana@example.org")
        client.get(f"/invite/{services.invitation_token(invitation)}/")
        response = client.post(
            "/accounts/signup/",
            {
                "full_name": "Dana Doe",
                "email": "dana@example.org",
                "username": "dana",
                "password1": "a-long-passphrase-1",
                "password2": "a-long-passphrase-1",
            },
        )
        assert response.status_code == 302
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.ACCEPTED
        request = ConnectionRequest.objects.get(from_member=alice)
        assert request.to_member.username == "dana" and request.status == Status.PENDING
        # The link proved the address: no verification step, and the link is used up.
        assert client.get("/home/").status_code == 200
        assert services.invitation_by_token(services.invitation_token(invitation)) is None

    def test_signup_without_the_link_is_joined_independently(self, alice, make_member):
        invitation = services.invitation_create(inviter=alice, email="erin@example.com")
        erin = make_member("erin")  # factory address: erin@example.com
        services.invitations_on_signup(member=erin)
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.JOINED
        assert ConnectionRequest.objects.filter(from_member=alice, to_member=erin).exists()

    def test_duplicate_and_member_addresses_are_conflicts(self, alice, bob):
        services.invitation_create(inviter=alice, email="dana@example.org")
        refused(409, services.invitation_create, inviter=alice, email="DANA@example.org")
        error = refused(409, services.invitation_create, inviter=alice, email=bob.email)
        assert error.code == "already_member"

    def test_suspended_members_address_looks_like_a_stranger(self, alice, bob):
        member_suspend(member=bob)
        assert services.invitation_create(inviter=alice, email=bob.email).status == "sent"

    def test_weekly_invitation_limit(self, alice, monkeypatch):
        monkeypatch.setattr(services, "INVITATIONS_PER_WEEK", 1)
        services.invitation_create(inviter=alice, email="one@example.org")
        refused(429, services.invitation_create, inviter=alice, email="two@example.org")
        assert Invitation.objects.count() == 1

    def test_one_reminder_at_most_and_it_can_be_cancelled(self, alice, on_commit):
        with on_commit():
            first = services.invitation_create(inviter=alice, email="one@example.org")
            second = services.invitation_create(inviter=alice, email="two@example.org")
        Invitation.objects.update(reminder_due_at=timezone.now() - timedelta(minutes=1))
        services.invitation_cancel_reminder(invitation_id=second.pk, inviter=alice)
        mail.outbox.clear()
        sweep_emails.delay()
        sweep_emails.delay()
        assert [m.to for m in mail.outbox] == [["one@example.org"]]
        assert "reminder" in mail.outbox[0].subject.lower()
        refused(409, services.invitation_cancel_reminder, invitation_id=first.pk, inviter=alice)

    def test_expired_invitation_link_stops_working(self, alice):
        invitation = services.invitation_create(inviter=alice, email="one@example.org")
        Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
        assert services.invitations_expire() == 1
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.EXPIRED
        assert services.invitation_by_token(services.invitation_token(invitation)) is None

    def test_another_member_cannot_touch_my_invitation(self, alice, bob):
        invitation = services.invitation_create(inviter=alice, email="one@example.org")
        refused(404, services.invitation_cancel, invitation_id=invitation.pk, inviter=bob)
        refused(404, services.invitation_cancel_reminder, invitation_id=invitation.pk, inviter=bob)


@pytest.mark.django_db
class TestNotificationEmails:
    def test_request_received_email_once_with_text_html_and_unsubscribe(
        self, alice, bob, on_commit
    ):
        mail.outbox.clear()
        with on_commit():
            services.connection_request_create(sender=alice, recipient=bob, note="Hello from Alice")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [bob.email]
        assert "Alice Archer wants to connect" in message.subject
        assert "Hello from Alice" in message.body
        assert "Hello from Alice" in message.alternatives[0][0]
        assert "List-Unsubscribe" in message.extra_headers
        # A duplicate delivery of the task sends nothing more.
        notification = Notification.objects.get(recipient=bob)
        assert send_notification_email.delay(notification.pk).get() == "already handled"
        assert len(mail.outbox) == 1

    def test_unsubscribe_link_works_without_logging_in(self, alice, bob, carol, client, on_commit):
        with on_commit():
            services.connection_request_create(sender=alice, recipient=bob)
        url = mail.outbox[-1].extra_headers["List-Unsubscribe"].strip("<>")
        path = url.split("127.0.0.1:8000", 1)[1]
        assert client.get(path).status_code == 200
        assert client.post(path).status_code == 200
        mail.outbox.clear()
        with on_commit():
            services.connection_request_create(sender=carol, recipient=bob)
        assert mail.outbox == []
        assert Notification.objects.filter(recipient=bob).count() == 2  # still in the app

    def test_no_email_about_a_member_suspended_meanwhile(self, alice, bob):
        # The request was made, its e-mail task is still queued...
        request = ConnectionRequest.objects.create(from_member=alice, to_member=bob)
        notification = Notification.objects.create(
            recipient=bob, kind="request_received", actor=alice, request=request
        )
        # ...and the sender is suspended before it runs.
        member_suspend(member=alice)
        mail.outbox.clear()
        assert send_notification_email.delay(notification.pk).get() == "skipped"
        assert mail.outbox == []

    def test_sweep_sends_what_the_queue_lost(self, alice, bob):
        request = ConnectionRequest.objects.create(from_member=alice, to_member=bob)
        notification = Notification.objects.create(
            recipient=bob, kind="request_received", actor=alice, request=request
        )
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now() - timedelta(minutes=5)
        )
        invitation = Invitation.objects.create(
            inviter=alice,
            email="lost@example.org",
            nonce="n" * 32,
            expires_at=timezone.now() + timedelta(days=30),
        )
        Invitation.objects.filter(pk=invitation.pk).update(
            created_at=timezone.now() - timedelta(minutes=5)
        )
        mail.outbox.clear()
        result = sweep_emails.delay().get()
        assert result["notifications"] == 1 and result["invitations"] == 1
        assert sorted(m.to[0] for m in mail.outbox) == sorted([bob.email, "lost@example.org"])
        assert send_invitation_email.delay(invitation.pk).get() == "already handled"


@pytest.mark.django_db
class TestReviewFixes:
    def test_asking_back_after_ignoring_connects(self, alice, bob):
        request = services.connection_request_create(sender=alice, recipient=bob).request
        services.connection_request_ignore(request_id=request.pk, member=bob)
        assert services.connection_request_create(sender=bob, recipient=alice).connected
        assert graph.are_connected(alice.pk, bob.pk)
        assert ConnectionRequest.objects.count() == 1

    def test_suspension_cancels_open_requests_for_good(self, alice, bob, carol):
        from profiles.services import member_unsuspend

        services.connection_request_create(sender=alice, recipient=bob)
        services.connection_request_create(sender=carol, recipient=alice)
        member_suspend(member=alice)
        assert not ConnectionRequest.objects.filter(status__in=["pending", "ignored"]).exists()
        member_unsuspend(member=alice)
        assert services.connection_request_create(sender=alice, recipient=bob).request
