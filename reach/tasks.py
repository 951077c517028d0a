"""Celery tasks of the reach dashboard. Thin: take ids, call a service, return; safe to run
twice (a result older than the stored one is dropped)."""

from celery import shared_task


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=300, time_limit=360)
def compute_reach(member_ids: list[int]) -> int:
    """Compute and store the reach of these members (one, on demand; or a refresh batch)."""
    from reach.services import reach_compute

    return reach_compute(member_ids=member_ids)


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=180)
def refresh_reach() -> int:
    """After a whole-graph count run: refresh recently active members, in batches."""
    from reach.services import refresh_in_batches

    return refresh_in_batches()
