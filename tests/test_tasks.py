from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from common.tasks import purge_expired
from profiles.models import ApiToken
from profiles.services import api_token_create, api_token_revoke


@pytest.mark.django_db
def test_purge_expired_removes_old_sessions_and_dead_tokens(alice):
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    live = SessionStore()
    live.create()
    dead, _ = api_token_create(user=alice, name="old")
    api_token_revoke(token=dead)
    ApiToken.objects.filter(pk=dead.pk).update(revoked_at=timezone.now() - timedelta(days=31))
    kept, _ = api_token_create(user=alice, name="current")

    assert purge_expired.delay().get() == {"sessions": 1, "tokens": 1}
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [kept.pk]
    # Running it again finds nothing more to do.
    assert purge_expired.delay().get() == {"sessions": 0, "tokens": 0}
