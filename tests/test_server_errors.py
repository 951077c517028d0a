"""When the database cannot be reached, requests fail cleanly: a 503 with Retry-After
(JSON under /api/, a page elsewhere), never a traceback. When Redis is down the cache
fails open."""

from unittest import mock

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from common.cache import ResilientRedisCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def raising_client():
    return Client(raise_request_exception=False)


def test_a_database_outage_is_a_503_in_the_api_format(raising_client):
    # The first query of an API request is the token lookup.
    with mock.patch(
        "profiles.api_auth.TokenAuthentication.authenticate",
        side_effect=OperationalError("server closed the connection unexpectedly"),
    ):
        response = raising_client.get("/api/v1/profiles/?q=x", HTTP_AUTHORIZATION="Token x")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    error = response.json()["error"]
    assert error["code"] == "unavailable" and error["retry_after"] == 5


def test_a_database_outage_on_a_page_is_a_503_page(raising_client, alice):
    raising_client.force_login(alice)
    # The first query of a page is the session, loaded by a middleware before any view.
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load",
        side_effect=OperationalError("the database system is shutting down"),
    ):
        response = raising_client.get("/home/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert b"LinkUp is back in a moment" in response.content


def test_other_failures_are_a_500_without_details(raising_client, api_as, alice):
    api_as(alice)
    with mock.patch(
        "profiles.api_auth.TokenAuthentication.authenticate", side_effect=RuntimeError("secret")
    ):
        response = raising_client.get("/api/v1/profiles/?q=x", HTTP_AUTHORIZATION="Token x")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert b"secret" not in response.content
    assert "Retry-After" not in response


def test_the_cache_fails_open_when_redis_is_down():
    cache = ResilientRedisCache("redis://127.0.0.1:1/0", {})
    broken = RedisConnectionError("refused")
    with (
        mock.patch.object(RedisCache, "get", side_effect=broken),
        mock.patch.object(RedisCache, "set", side_effect=broken),
        mock.patch.object(RedisCache, "add", side_effect=broken),
        mock.patch.object(RedisCache, "incr", side_effect=broken),
    ):
        assert cache.get("k", "default") == "default"
        cache.set("k", 1)
        assert cache.add("k", 1) is False
        assert cache.incr("k") == 1


def test_the_cache_really_fails_open_against_a_closed_port():
    cache = ResilientRedisCache(
        "redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert cache.get("anything") is None
    cache.set("anything", 1)
