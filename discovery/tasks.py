"""Celery tasks of the discovery app. Thin: take ids, call a service, return; safe to run twice."""

from datetime import datetime

from celery import shared_task

from discovery import services


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=240, time_limit=300)
def compute_suggestions(member_ids: list[int], asked_at: str | None = None) -> dict[str, int]:
    """Compute these members' suggestions. A member whose suggestions were computed after
    `asked_at` (ISO 8601) is skipped: a duplicate delivery costs a row lock, nothing more."""
    when = datetime.fromisoformat(asked_at) if asked_at else None
    return services.suggestions_compute_many(member_ids, asked_at=when)


@shared_task(ignore_result=True, soft_time_limit=60, time_limit=90)
def refresh_suggestions() -> int:
    """Beat: schedule the recomputation of stale suggestions (connections changed since,
    recent visitors with old suggestions, first computations that got lost)."""
    return services.suggestions_sweep()


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=600, time_limit=900)
def refresh_directory() -> int:
    """Beat: rebuild the company and school names behind "Who do I know at …?"."""
    return services.directory_refresh()
