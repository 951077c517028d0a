"""Abuse limits on the endpoints scrapers and brute-forcers use, pages and API alike.

One table says which URL names each limit covers, whom it counts (the member, the IP
address, or the handle a token request names) and its rate, read from
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope] ("60/minute"). `AbuseThrottle` applies
it to API views (it is one of DRF's default throttle classes); `PageThrottleMiddleware`
applies it to pages. Counters are fixed windows in the cache (one INCR per limit), so a
daily limit costs what a per-minute one does.

The IP address is DRF's `get_ident` (REST_FRAMEWORK["NUM_PROXIES"] says how many
proxies' X-Forwarded-For entries to trust; none by default, so a client cannot pick
its own address).
"""

import hashlib
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from common.throttling import count_hit

SEARCH = frozenset({"search", "api-profile-search"})
PROFILE = frozenset(
    {
        "profile-detail",
        "profile-mutual",
        "api-profile-detail",
        "api-profile-paths",
        "api-profile-mutual",
    }
)
REPORT = frozenset({"report", "api-reports"})
TOKEN = frozenset({"api-auth-token"})

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    scope: str  # the rate's key in DEFAULT_THROTTLE_RATES
    key: str  # "member", "ip" or "username"
    url_names: frozenset[str]
    methods: frozenset[str] | None = None  # None: every method


LIMITS = (
    # People search and profile reads: per member (a burst and a day) and per address.
    Limit("search", "member", SEARCH),
    Limit("search_day", "member", SEARCH),
    Limit("search_ip", "ip", SEARCH),
    Limit("profile", "member", PROFILE),
    Limit("profile_day", "member", PROFILE),
    Limit("profile_ip", "ip", PROFILE),
    # Reports: per member.
    Limit("report", "member", REPORT, frozenset({"POST"})),
    # The token endpoint is limited per address by its "auth" scope; this limits
    # guesses at one account from many addresses.
    Limit("auth_username", "username", TOKEN, frozenset({"POST"})),
)


def parse_rate(rate: str) -> tuple[int, int]:
    """'60/minute' -> (60, 60); '1000/day' -> (1000, 86400)."""
    number, _, period = rate.partition("/")
    return int(number), PERIODS[period.strip()[0]]


def _url_name(request: Any) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.url_name if match is not None else None


def _username(request: Any) -> str | None:
    data = getattr(request, "data", None)  # a DRF request: the parsed body
    if data is None:
        data = request.POST
    value = data.get("username") if hasattr(data, "get") else None
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().lower()[:150]


def _ident(limit: Limit, request: Any) -> str | None:
    if limit.key == "member":
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else None
    if limit.key == "ip":
        return BaseThrottle().get_ident(request)
    username = _username(request)
    # Hashed: a username is client input, and cache keys must stay short and plain.
    return hashlib.sha256(username.encode()).hexdigest()[:32] if username else None


def check(request: Any) -> int | None:
    """Count this request against every limit that covers it; the seconds to wait if one
    is exceeded, None if all allow it."""
    if not getattr(settings, "ABUSE_THROTTLES_ENABLED", True):
        return None
    name = _url_name(request)
    if name is None:
        return None
    rates: Mapping[str, Any] = api_settings.DEFAULT_THROTTLE_RATES
    now = time.time()
    wait: int | None = None
    for limit in LIMITS:
        if name not in limit.url_names:
            continue
        if limit.methods is not None and request.method not in limit.methods:
            continue
        rate = rates.get(limit.scope)
        ident = _ident(limit, request)
        if not rate or ident is None:
            continue
        allowed, period = parse_rate(str(rate))
        window = int(now // period)
        count = count_hit(f"abuse:{limit.scope}:{ident}:{window}", period + 1)
        if count > allowed:
            left = max(1, math.ceil((window + 1) * period - now))
            wait = max(wait or 0, left)
    return wait


class AbuseThrottle(BaseThrottle):
    """The limits above, for API views (a DRF default throttle class)."""

    def __init__(self) -> None:
        self._wait: int | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        self._wait = check(request)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class PageThrottleMiddleware:
    """The limits above, for pages: a 429 page with Retry-After. API paths are left to
    DRF (AbuseThrottle), which answers in the API's error format."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        wait = check(request)
        if wait is None:
            return None
        return throttled_page(request, wait)


def throttled_page(request: HttpRequest, wait: int) -> HttpResponse:
    # Under htmx (the report form) only the card is swapped in.
    template = "_throttled" if getattr(request, "htmx", False) else "throttled"
    response = TemplateResponse(
        request, f"moderation/{template}.html", {"retry_after": wait}, status=429
    )
    response["Retry-After"] = str(wait)
    return response
