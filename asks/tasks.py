from celery import shared_task

from asks.services import asks_expire


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=120, time_limit=180)
def expire_asks() -> int:
    """Beat: asks past their expiry leave the feed. Safe to run twice."""
    return asks_expire()
