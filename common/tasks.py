from datetime import timedelta

from celery import shared_task
from django.contrib.sessions.models import Session
from django.db.models import Q
from django.utils import timezone

from profiles.models import ApiToken

TOKEN_RETENTION = timedelta(days=30)


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=120, time_limit=180)
def purge_expired() -> dict[str, int]:
    """Delete expired sessions and tokens that ended more than 30 days ago. Safe to run twice."""
    now = timezone.now()
    sessions, _ = Session.objects.filter(expire_date__lt=now).delete()
    cutoff = now - TOKEN_RETENTION
    tokens, _ = ApiToken.objects.filter(
        Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)
    ).delete()
    return {"sessions": sessions, "tokens": tokens}
