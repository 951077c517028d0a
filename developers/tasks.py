from celery import shared_task
from oauth2_provider.models import clear_expired


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=120, time_limit=180)
def purge_expired_oauth() -> None:
    """Delete expired authorization codes and expired or revoked OAuth tokens.

    The toolkit's own sweep, in batches; safe to run twice. A member's
    authorization (Settings → Apps) stays until they revoke it.
    """
    clear_expired()
