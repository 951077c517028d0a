"""common.throttling: DRF's rate throttles counted in fixed windows, one cache round trip."""

import uuid
from unittest import mock

import pytest
from rest_framework.test import APIRequestFactory

from common import throttling
from common.cache import ResilientRedisCache
from tests.factories import UserFactory


@pytest.fixture
def redis_cache():
    # The real Redis the site uses, under a key prefix of this test's own.
    return ResilientRedisCache("redis://127.0.0.1:6379/0", {"KEY_PREFIX": uuid.uuid4().hex})


def test_count_in_window_counts_in_redis_and_expires(redis_cache):
    assert [redis_cache.count_in_window("k", 5) for _ in range(3)] == [1, 2, 3]
    key = redis_cache.make_and_validate_key("k")
    client = redis_cache._cache.get_client(key)
    assert 0 < client.ttl(key) <= 5  # set by the first hit, not moved by the others
    assert redis_cache.count_in_window("other", 5) == 1


def test_count_in_window_fails_open_when_redis_is_down():
    down = ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert down.count_in_window("k", 60) == 1


def _request(user=None):
    request = APIRequestFactory().get("/api/v1/network/")
    request.user = user
    return request


class _View:
    throttle_scope: str | None = None


@pytest.mark.parametrize("backend", ["locmem", "redis"])
def test_the_rate_holds_within_a_window_and_resets_in_the_next(db, backend, redis_cache, settings):
    member = UserFactory()
    if backend == "redis":
        patched = mock.patch.object(throttling, "cache", redis_cache)
    else:
        patched = mock.patch.object(throttling, "cache", throttling.cache)
    rates = {**throttling.UserRateThrottle.THROTTLE_RATES, "user": "3/minute"}
    with (
        patched,
        mock.patch.object(throttling.UserRateThrottle, "THROTTLE_RATES", rates),
        mock.patch.object(throttling.UserRateThrottle, "timer", return_value=6000.0 + 45),
    ):
        results = []
        for _ in range(4):
            throttle = throttling.UserRateThrottle()
            results.append(throttle.allow_request(_request(member), _View()))
        assert results == [True, True, True, False]
        assert throttle.wait() == 15  # the window ends at 6060
        # Another member has a count of their own.
        assert throttling.UserRateThrottle().allow_request(_request(UserFactory()), _View())
    with (
        patched,
        mock.patch.object(throttling.UserRateThrottle, "THROTTLE_RATES", rates),
        mock.patch.object(throttling.UserRateThrottle, "timer", return_value=6060.0),
    ):
        assert throttling.UserRateThrottle().allow_request(_request(member), _View())


def test_scoped_applies_only_to_views_with_a_scope(db):
    member = UserFactory()
    rates = {**throttling.ScopedRateThrottle.THROTTLE_RATES, "connect": "1/minute"}
    with mock.patch.object(throttling.ScopedRateThrottle, "THROTTLE_RATES", rates):
        unscoped = _View()
        assert all(
            throttling.ScopedRateThrottle().allow_request(_request(member), unscoped)
            for _ in range(5)
        )
        scoped = _View()
        scoped.throttle_scope = "connect"
        assert throttling.ScopedRateThrottle().allow_request(_request(member), scoped)
        refused = throttling.ScopedRateThrottle()
        assert not refused.allow_request(_request(member), scoped)
        assert 1 <= refused.wait() <= 60


def test_anon_counts_only_requests_without_a_member(db):
    from django.contrib.auth.models import AnonymousUser

    rates = {**throttling.AnonRateThrottle.THROTTLE_RATES, "anon": "1/minute"}
    with mock.patch.object(throttling.AnonRateThrottle, "THROTTLE_RATES", rates):
        member = UserFactory()
        assert all(
            throttling.AnonRateThrottle().allow_request(_request(member), _View()) for _ in range(3)
        )
        assert throttling.AnonRateThrottle().allow_request(_request(AnonymousUser()), _View())
        assert not throttling.AnonRateThrottle().allow_request(_request(AnonymousUser()), _View())
