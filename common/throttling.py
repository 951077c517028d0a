"""DRF's rate throttles, counted in fixed windows: one cache round trip a request.

DRF's own (SimpleRateThrottle) keep each client's timestamps as a list: a cache read
and a cache write of the pickled list on every request, for every throttle that
applies. These count hits in the current window instead (`count_hit`: with Redis, one
pipelined SET NX + INCR), as moderation.throttling's abuse limits do. A fixed window
lets a client send up to twice its rate across a window's edge, which a per-minute
limit against floods can afford. Rates, scopes and cache keys are DRF's, so
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] and `throttle_scope` work as documented.
"""

import math
from typing import Any

from django.core.cache import cache
from rest_framework import throttling


def count_hit(key: str, period: int) -> int:
    """Count one hit on `key`, a counter that lives `period` seconds from its first hit;
    the hits so far. Fails open with the cache (common.cache): 1 when Redis is down."""
    count_in_window = getattr(cache, "count_in_window", None)
    if count_in_window is not None:  # common.cache.ResilientRedisCache
        return int(count_in_window(key, period))
    cache.add(key, 0, timeout=period)  # any other backend (the tests' local memory)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=period)
        return 1


class _FixedWindow(throttling.SimpleRateThrottle):
    _wait: float | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        allowed, period = self.parse_rate(self.rate)
        assert allowed is not None and period is not None
        self.now = self.timer()
        window = int(self.now // period)
        # A second to spare: the window's last hit must not find a fresh counter.
        if count_hit(f"{self.key}:{window}", period + 1) <= allowed:
            return True
        self._wait = max(1, math.ceil((window + 1) * period - self.now))
        return False

    def wait(self) -> float | None:
        return self._wait


class AnonRateThrottle(_FixedWindow, throttling.AnonRateThrottle):
    """Requests without a member: per address (REST_FRAMEWORK rate "anon")."""


class UserRateThrottle(_FixedWindow, throttling.UserRateThrottle):
    """Every request of a member (rate "user"); per address without one."""


class ScopedRateThrottle(_FixedWindow, throttling.ScopedRateThrottle):
    """Views with a `throttle_scope`: per member and scope (the scope's rate)."""

    def allow_request(self, request: Any, view: Any) -> bool:
        # The scope is the view's, known only now (as DRF's ScopedRateThrottle does).
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
