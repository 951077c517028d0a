"""Celery tasks for the member graph's workflows. Thin: take ids, re-read, call, return.

E-mails go out at most once per event: a task first claims the row with a
conditional UPDATE (emailed_at / sent_at / reminded_at IS NULL). A duplicate
delivery then finds the claim taken and does nothing.
"""

import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from connections import emails
from connections.models import Block, Invitation, Notification
from connections.notification_text import describe
from connections.services import invitation_token, invitations_expire, wants_email
from profiles.models import User

log = logging.getLogger(__name__)

# Kinds also sent by e-mail: everything but reminders of things already e-mailed.
EMAILED_KINDS = set(Notification.Kind.values)
TRANSIENT = (SMTPException, ConnectionError, TimeoutError)


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def send_notification_email(notification_id: int) -> str:
    notification = (
        Notification.objects.select_related(
            "recipient", "actor__profile", "request", "introduction"
        )
        .filter(pk=notification_id, emailed_at__isnull=True)
        .first()
    )
    if notification is None:
        return "already handled"
    claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return "already handled"
    recipient, actor = notification.recipient, notification.actor
    if (
        notification.kind not in EMAILED_KINDS
        or recipient.is_suspended
        or not recipient.email
        or (actor is not None and (actor.is_suspended or not actor.is_active))
        or (
            actor is not None
            and Block.objects.filter(
                Q(blocker=recipient, blocked=actor) | Q(blocker=actor, blocked=recipient)
            ).exists()
        )
        or not wants_email(recipient.pk)
    ):
        return "skipped"
    described = describe(notification)
    try:
        emails.send(
            to=recipient.email,
            subject=described.subject,
            template="notification",
            context={"described": described, "url": emails.site_url(described.url)},
            unsubscribe_member_id=recipient.pk,
        )
    except TRANSIENT:
        # Give the claim back so the retry (or the sweep) can send it.
        Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
        raise
    return "sent"


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=30,
    time_limit=60,
)
def send_invitation_email(invitation_id: int, reminder: bool = False) -> str:
    field = "reminded_at" if reminder else "sent_at"
    invitation = (
        Invitation.objects.select_related("inviter__profile")
        .filter(pk=invitation_id, status=Invitation.Status.SENT, **{f"{field}__isnull": True})
        .first()
    )
    if invitation is None:
        return "already handled"
    if reminder and invitation.reminder_cancelled_at is not None:
        return "reminder cancelled"
    if not Invitation.objects.filter(pk=invitation.pk, **{f"{field}__isnull": True}).update(
        **{field: timezone.now()}
    ):
        return "already handled"
    inviter = invitation.inviter
    if inviter.is_suspended or not inviter.is_active:
        return "skipped"
    # The address already has an account (one hidden from the inviter: suspended, or
    # blocking them): accept the invitation quietly and send nothing.
    if User.objects.filter(email__iexact=invitation.email).exists():
        return "skipped"
    name = inviter.profile.full_name
    try:
        emails.send(
            to=invitation.email,
            subject=(
                f"Reminder: {name} invited you to LinkUp"
                if reminder
                else f"{name} invited you to LinkUp"
            ),
            template="invitation",
            context={
                "inviter_name": name,
                "inviter_headline": inviter.profile.headline,
                "message": invitation.message,
                "introduction": _introduction_context(invitation),
                "reminder": reminder,
                "expires_at": invitation.expires_at,
                "join_url": emails.site_url(
                    reverse("invitation-landing", args=[invitation_token(invitation)])
                ),
            },
        )
    except TRANSIENT:
        Invitation.objects.filter(pk=invitation.pk).update(**{field: None})
        raise
    return "sent"


def _introduction_context(invitation: Invitation) -> dict[str, str] | None:
    """An invitation that carries an introduction says who asks and who vouches."""
    from introductions.models import Introduction

    introduction = (
        Introduction.objects.select_related("requester__profile")
        .filter(invitation=invitation)
        .first()
    )
    if introduction is None:
        return None
    return {
        "kind": introduction.kind,
        "requester_name": introduction.requester.profile.full_name,
        "requester_headline": introduction.requester.profile.headline,
    }


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=120, time_limit=180)
def sweep_emails() -> dict[str, int]:
    """Beat: catch up on e-mails whose task was never published (Redis down) or was lost,
    send due invitation reminders and expire old invitations. Safe to run twice."""
    now = timezone.now()
    window = now - timedelta(days=2)
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            kind__in=list(EMAILED_KINDS),
            created_at__lt=now - timedelta(minutes=1),
            created_at__gt=window,
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in pending:
        send_notification_email.delay(pk)
    unsent = list(
        Invitation.objects.filter(
            status=Invitation.Status.SENT,
            sent_at__isnull=True,
            created_at__lt=now - timedelta(minutes=1),
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in unsent:
        send_invitation_email.delay(pk)
    due = list(
        Invitation.objects.filter(
            status=Invitation.Status.SENT,
            sent_at__isnull=False,
            reminder_due_at__lte=now,
            reminded_at__isnull=True,
            reminder_cancelled_at__isnull=True,
            expires_at__gt=now,
        ).values_list("pk", flat=True)[:1000]
    )
    for pk in due:
        send_invitation_email.delay(pk, reminder=True)
    expired = invitations_expire()
    return {
        "notifications": len(pending),
        "invitations": len(unsent),
        "reminders": len(due),
        "expired": expired,
    }


# -- network counts ---------------------------------------------------------------


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=600, time_limit=660)
def process_graph_changes() -> int:
    """Drain pending graph changes (coalesced: one run handles a whole burst)."""
    from connections.network import process_pending_changes

    return process_pending_changes()


@shared_task(soft_time_limit=60, time_limit=90)
def start_count_run() -> int | None:
    """Beat: start the whole-graph job, its partitions in parallel on the workers (a chord).
    Does nothing while a run is going."""
    from celery import chord

    from connections.network import run_start

    run = run_start()
    if run is None:
        return None
    chord(count_partition.si(run.pk, p) for p in range(run.partitions))(
        finish_count_run.si(run.pk).on_error(fail_count_run.si(run.pk))
    )
    return run.pk


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=1500, time_limit=1560)
def count_partition(run_id: int, partition: int) -> int:
    """Idempotent: a redelivery after a worker was killed replaces the partition's rows."""
    from connections.network import run_partition

    return run_partition(run_id, partition)


@shared_task(acks_late=True, soft_time_limit=600, time_limit=660)
def finish_count_run(run_id: int) -> str:
    from connections.network import run_finish

    return run_finish(run_id).status


@shared_task(soft_time_limit=60, time_limit=90)
def fail_count_run(run_id: int) -> None:
    from connections.network import run_fail

    run_fail(run_id, "a partition failed")
