from celery import shared_task

from introductions.services import introductions_expire, introductions_remind


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=300, time_limit=360)
def sweep_introductions() -> dict[str, int]:
    """Beat: close introductions past 30 days and send the one reminder. Safe to run twice."""
    return {"expired": introductions_expire(), "reminded": introductions_remind()}
