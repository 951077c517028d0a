"""OAuth scopes: what each one lets an app do, and which scope each API request needs.

This module is the one place that says it. The consent page, the settings page,
the API docs and the permission that enforces scopes (common.api.IsAuthenticatedWithScope)
all read it.

The rule: a request's scope comes from its method (GET/HEAD/OPTIONS read, anything
else writes) and the *area* of its API path, the first segments after /api/v1/.
An area missing from AREAS is closed to OAuth apps, so a new endpoint is safe
until someone decides which scope should open it. Sessions and personal API
tokens are not scoped: they are the member.
"""

from dataclasses import dataclass
from typing import Any

API_PREFIX = "/api/v1/"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Scope:
    name: str
    label: str  # what the consent page says the app may do, as a verb phrase
    description: str  # the details, one sentence
    writes: bool


SCOPES: tuple[Scope, ...] = (
    Scope(
        "profile:read",
        "See your profile and the profiles you can see",
        "Your profile with your contact details, and other members' profiles and search "
        "results exactly as you see them on LinkUp.",
        writes=False,
    ),
    Scope(
        "profile:write",
        "Change your profile",
        "Your headline, summary, location, contact details, photo, positions, education "
        "and skills.",
        writes=True,
    ),
    Scope(
        "network:read",
        "See your network",
        "Your connections and your private notes on them, connection requests, "
        "invitations, blocked members, your 1st/2nd/3rd-degree counts, how you are "
        "connected to someone, suggestions and keep-in-touch reminders.",
        writes=False,
    ),
    Scope(
        "connections:write",
        "Manage your connections in your name",
        "Send, accept, ignore and withdraw connection requests, invite people by e-mail, "
        "remove connections, block and unblock members, and act on suggestions and "
        "keep-in-touch reminders.",
        writes=True,
    ),
    Scope(
        "introductions:read",
        "See your introductions",
        "Introductions you asked for, were asked to forward or were introduced in, your "
        "broker settings and your introduction history.",
        writes=False,
    ),
    Scope(
        "introductions:write",
        "Ask for and broker introductions in your name",
        "Ask for introductions, forward, decline, accept or withdraw them, introduce your "
        "connections to each other and change your broker settings.",
        writes=True,
    ),
    Scope(
        "recommendations:read",
        "See recommendations",
        "Recommendations you wrote, received and were asked for.",
        writes=False,
    ),
    Scope(
        "recommendations:write",
        "Write and request recommendations in your name",
        "Write recommendations, ask for them, and accept, revise or hide the ones you receive.",
        writes=True,
    ),
    Scope(
        "asks:read",
        "See asks",
        "Your asks, the asks passed on to you, and their referrals.",
        writes=False,
    ),
    Scope(
        "asks:write",
        "Post and answer asks in your name",
        "Post and close asks, refer members to an ask, or pass it on.",
        writes=True,
    ),
    Scope(
        "reach:read",
        "See the reach of your network",
        "Who your network reaches by industry, company and location, and who you can "
        "reach at a company.",
        writes=False,
    ),
    Scope(
        "notifications:read",
        "See your notifications",
        "Your notifications, your unread count and your digest.",
        writes=False,
    ),
    Scope(
        "notifications:write",
        "Manage your notifications",
        "Mark notifications as read and change your digest settings.",
        writes=True,
    ),
    Scope(
        "reports:write",
        "Report members to the moderators in your name",
        "File reports about members or messages, and see the reports you filed.",
        writes=True,
    ),
)
SCOPES_BY_NAME: dict[str, Scope] = {scope.name: scope for scope in SCOPES}
# What an app gets when its authorization request names no scope.
DEFAULT_SCOPES = ["profile:read"]

# Area -> (scope to read, scope to write). An area is a tuple of path segments after
# /api/v1/ and matches every path below it; "*" stands for any one segment (a handle,
# an id) and a final "" for "nothing below". The longest matching area wins. None:
# that kind of request is closed to apps. Paths no area matches are closed to apps
# altogether: auth/ (personal tokens), me/delete/ and me/exports/ (an app must not
# delete the account or carry off all of it), and anything new.
AREAS: dict[tuple[str, ...], tuple[str | None, str | None]] = {
    # Exact: new endpoints under me/ (account deletion, exports...) stay closed.
    ("me", ""): ("profile:read", "profile:write"),
    ("me", "photo"): ("profile:read", "profile:write"),
    ("profiles",): ("profile:read", None),
    ("profiles", "*", "paths"): ("network:read", None),
    ("profiles", "*", "mutual"): ("network:read", None),
    ("connections",): ("network:read", "connections:write"),
    ("connection-requests",): ("network:read", "connections:write"),
    ("invitations",): ("network:read", "connections:write"),
    ("blocks",): ("network:read", "connections:write"),
    ("network",): ("network:read", None),
    ("network", "reach"): ("reach:read", None),
    ("network", "at"): ("reach:read", None),
    ("discover",): ("network:read", "connections:write"),
    ("suggestions",): ("network:read", "connections:write"),
    ("keep-in-touch",): ("network:read", "connections:write"),
    ("introductions",): ("introductions:read", "introductions:write"),
    ("recommendations",): ("recommendations:read", "recommendations:write"),
    ("recommendation-requests",): ("recommendations:read", "recommendations:write"),
    ("asks",): ("asks:read", "asks:write"),
    ("notifications",): ("notifications:read", "notifications:write"),
    ("me", "digest"): ("notifications:read", "notifications:write"),
    ("digest",): ("notifications:read", "notifications:write"),
    # Seeing your own reports is part of filing them: one scope for both.
    ("reports",): ("reports:write", "reports:write"),
}


def _segments(path: str) -> list[str] | None:
    if not path.startswith(API_PREFIX):
        return None
    return [segment for segment in path[len(API_PREFIX) :].split("/") if segment]


def _matches(area: tuple[str, ...], segments: list[str]) -> bool:
    if area and area[-1] == "":
        area = area[:-1]
        if len(area) != len(segments):
            return False
    if len(area) > len(segments):
        return False
    return all(want in ("*", got) for want, got in zip(area, segments, strict=False))


@dataclass(frozen=True)
class Requirement:
    """What an OAuth token needs for one request: a scope, or nothing will do."""

    scope: str | None
    area: str  # as shown in messages: "/api/v1/network/"

    @property
    def open_to_apps(self) -> bool:
        return self.scope is not None


def required_scope(method: str, path: str) -> Requirement:
    """The scope an OAuth token needs for `method` on `path` (Requirement.scope None: closed).

    `path` is the request path (/api/v1/network/reach/) or an OpenAPI path template
    (/api/v1/profiles/{handle}/paths/): a template segment matches "*".
    """
    segments = _segments(path) or []
    best: tuple[str, ...] | None = None
    for area in AREAS:
        if _matches(area, segments) and (best is None or len(area) > len(best)):
            best = area
    # Name the area that decided; for a closed path, the whole path.
    depth = len([segment for segment in best if segment]) if best else len(segments)
    shown = API_PREFIX + "".join(f"{s}/" for s in segments[:depth])
    if best is None:
        return Requirement(None, shown)
    read, write = AREAS[best]
    return Requirement(read if method.upper() in READ_METHODS else write, shown)


def describe(names: list[str] | str) -> list[Scope]:
    """The Scope of each known name, in the table's order (reads before writes per area)."""
    wanted = set(names.split() if isinstance(names, str) else names)
    return [scope for scope in SCOPES if scope.name in wanted]


class LinkUpScopes:
    """django-oauth-toolkit's scopes backend (OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"])."""

    def get_all_scopes(self) -> dict[str, str]:
        return {scope.name: scope.label for scope in SCOPES}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return [scope.name for scope in SCOPES]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(DEFAULT_SCOPES)
