"""Celery tasks for keep-in-touch reminders and digests. Thin: take ids, call a service.

Both are safe to run twice or on two workers at once: a reminder claims its entry's
due date, a digest claims its member's period (conditional UPDATEs), before anything
is sent.
"""

from celery import shared_task
from django.utils import timezone

from connections.services import enqueue
from digest import selectors, services

FAN_OUT_BATCH = 500


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=300, time_limit=360)
def remind_keep_in_touch() -> int:
    """Beat: one notification per keep-in-touch due date."""
    return services.keep_in_touch_remind()


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=300, time_limit=360)
def send_due_digests() -> int:
    """Beat: one task per member whose digest is due (by their preference). A member
    queued twice (a slow queue and the next beat run) still gets one digest: the claim."""
    now = timezone.now()
    after, queued = 0, 0
    while ids := selectors.due_digest_member_ids(now=now, after=after, limit=FAN_OUT_BATCH):
        for member_id in ids:
            enqueue(send_digest, member_id)
        queued += len(ids)
        after = ids[-1]
    return queued


@shared_task(
    ignore_result=True,
    acks_late=True,
    autoretry_for=services.TRANSIENT,
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def send_digest(member_id: int) -> str:
    return services.digest_send(member_id=member_id)
