"""Write allow-lists (INVARIANTS 6): every write endpoint takes exactly its documented
fields. A key it does not document — an owner, an author, a status, a flag, a staff bit —
is a 400 that names the key, and nothing changes anywhere (the request would otherwise
have been valid: the same body without the key is accepted or refused for its own
reasons, never silently widened).
"""

from typing import Any

import pytest
from django.apps import apps
from rest_framework.test import APIClient

from asks.models import Ask
from profiles.models import ApiToken, Profile, User
from tests.authz.helpers import call
from tests.authz.world import PASSWORD, World

pytestmark = pytest.mark.django_db

# (actor, method, path, body, the undocumented key)
WRITES: list[tuple[str | None, str, str, dict[str, Any], str]] = [
    ("vera", "PATCH", "/api/v1/me/", {"headline": "New", "username": "admin"}, "username"),
    ("vera", "PATCH", "/api/v1/me/", {"headline": "New", "is_staff": True}, "is_staff"),
    ("vera", "PATCH", "/api/v1/me/", {"is_suspended": False}, "is_suspended"),
    ("vera", "PATCH", "/api/v1/me/", {"email": "other@example.com"}, "email"),
    (
        "vera",
        "POST",
        "/api/v1/connection-requests/",
        {"to": "sam-second", "status": "accepted"},
        "status",
    ),
    (
        "vera",
        "POST",
        "/api/v1/connection-requests/",
        {"to": "sam-second", "from_member": "olga-outside"},
        "from_member",
    ),
    (
        "vera",
        "POST",
        "/api/v1/connection-requests/{request_olga_vera}/accept/",
        {"status": "ignored"},
        "status",
    ),
    (
        "vera",
        "POST",
        "/api/v1/connection-requests/{request_olga_vera}/ignore/",
        {"to_member": "fay-first"},
        "to_member",
    ),
    (
        "olga",
        "POST",
        "/api/v1/connection-requests/{request_olga_vera}/withdraw/",
        {"status": "pending"},
        "status",
    ),
    (
        "vera",
        "POST",
        "/api/v1/invitations/",
        {"email": "someone@else.example", "inviter": "fay-first"},
        "inviter",
    ),
    ("vera", "POST", "/api/v1/invitations/{invitation_vera}/cancel/", {"status": "sent"}, "status"),
    (
        "vera",
        "POST",
        "/api/v1/blocks/",
        {"handle": "sam-second", "blocker": "fay-first"},
        "blocker",
    ),
    (
        "vera",
        "PATCH",
        "/api/v1/connections/fay-first/",
        {"note": "n", "created_at": "2001-01-01T00:00:00Z"},
        "created_at",
    ),
    (
        "vera",
        "POST",
        "/api/v1/notifications/read/",
        {"ids": [], "recipient": "fay-first"},
        "recipient",
    ),
    (
        "vera",
        "POST",
        "/api/v1/introductions/",
        {
            "target": "tom-third",
            "via": ["fay-first", "sam-second"],
            "message": "m",
            "status": "accepted",
        },
        "status",
    ),
    (
        "vera",
        "POST",
        "/api/v1/introductions/",
        {
            "target": "tom-third",
            "via": ["fay-first", "sam-second"],
            "message": "m",
            "requester": "olga-outside",
        },
        "requester",
    ),
    (
        "fay",
        "POST",
        "/api/v1/introductions/offers/",
        {"first": "vera-viewer", "second": "sam-second", "message": "m", "broker": "olga-outside"},
        "broker",
    ),
    (
        "fay",
        "POST",
        "/api/v1/introductions/{intro_vera_sam}/forward/",
        {"endorsement": "", "current_hop": 1},
        "current_hop",
    ),
    (
        "vera",
        "POST",
        "/api/v1/introductions/{intro_vera_sam}/withdraw/",
        {"status": "accepted"},
        "status",
    ),
    (
        "vera",
        "PUT",
        "/api/v1/introductions/broker-settings/",
        {"capacity_per_month": 5, "topics": "", "paused": False, "member": "fay-first"},
        "member",
    ),
    (
        "vera",
        "POST",
        "/api/v1/recommendations/",
        {
            "subject": "fay-first",
            "position": "{fay_position}",
            "relationship": "same_team",
            "body": "b",
            "status": "published",
        },
        "status",
    ),
    (
        "vera",
        "POST",
        "/api/v1/recommendations/",
        {
            "subject": "fay-first",
            "position": "{fay_position}",
            "relationship": "same_team",
            "body": "b",
            "author": "sam-second",
        },
        "author",
    ),
    (
        "vera",
        "PATCH",
        "/api/v1/recommendations/{rec_by_vera}/",
        {"body": "b", "status": "published"},
        "status",
    ),
    ("vera", "POST", "/api/v1/recommendations/{rec_by_fay}/hide/", {"status": "hidden"}, "status"),
    (
        "vera",
        "POST",
        "/api/v1/recommendations/{rec_by_fay}/revise/",
        {"message": "m", "subject": "fay-first"},
        "subject",
    ),
    (
        "vera",
        "POST",
        "/api/v1/recommendation-requests/",
        {"author": "fay-first", "position": "{vera_position}", "asker": "sam-second"},
        "asker",
    ),
    ("vera", "POST", "/api/v1/asks/", {"title": "t", "body": "b", "author": "fay-first"}, "author"),
    ("vera", "POST", "/api/v1/asks/", {"title": "t", "body": "b", "status": "solved"}, "status"),
    (
        "vera",
        "POST",
        "/api/v1/asks/{ask_by_fay}/answer/",
        {"body": "b", "author": "sam-second"},
        "author",
    ),
    (
        "vera",
        "POST",
        "/api/v1/asks/{ask_by_vera}/close/",
        {"solved": True, "closed_at": "2001-01-01T00:00:00Z"},
        "closed_at",
    ),
    (
        "fay",
        "POST",
        "/api/v1/asks/{ask_by_sam}/pass/",
        {"to": ["bob-blocked"], "from_member": "sam-second"},
        "from_member",
    ),
    (
        "vera",
        "POST",
        "/api/v1/keep-in-touch/",
        {"handle": "fay-first", "member": "sam-second"},
        "member",
    ),
    (
        "vera",
        "POST",
        "/api/v1/keep-in-touch/fay-first/touch/",
        {"note": "n", "at": "2001-01-01T00:00:00Z"},
        "at",
    ),
    (
        "vera",
        "PATCH",
        "/api/v1/me/digest/",
        {"frequency": "monthly", "member": "fay-first"},
        "member",
    ),
    (
        "vera",
        "POST",
        "/api/v1/reports/",
        {"type": "profile", "id": "olga-outside", "reason": "spam", "status": "dismissed"},
        "status",
    ),
    (
        "vera",
        "POST",
        "/api/v1/reports/",
        {"type": "profile", "id": "olga-outside", "reason": "spam", "reporter": "fay-first"},
        "reporter",
    ),
    (
        "vera",
        "POST",
        "/api/v1/me/delete/",
        {"password": PASSWORD, "confirm": "vera-viewer", "member": "fay-first"},
        "member",
    ),
    (
        None,
        "POST",
        "/api/v1/auth/token/",
        {"username": "vera-viewer", "password": PASSWORD, "is_staff": True},
        "is_staff",
    ),
    ("vera", "POST", "/api/v1/me/exports/", {"member": "fay-first"}, "member"),
    ("vera", "POST", "/api/v1/suggestions/sam-second/dismiss/", {"member": "fay-first"}, "member"),
    (
        "vera",
        "POST",
        "/api/v1/auth/token/",
        {"username": "vera-viewer", "password": PASSWORD, "user": "fay-first"},
        "user",
    ),
]

MODELS = [
    "connections.ConnectionRequest",
    "connections.Invitation",
    "connections.Block",
    "connections.Connection",
    "connections.Notification",
    "introductions.Introduction",
    "introductions.Hop",
    "introductions.BrokerSettings",
    "recommendations.Recommendation",
    "recommendations.RecommendationRequest",
    "asks.Ask",
    "asks.AskAnswer",
    "asks.AskPass",
    "digest.KeepInTouch",
    "digest.DigestPreference",
    "moderation.Report",
    "privacy.DataExport",
    "discovery.PymkDismissal",
]


def fingerprint() -> dict[str, Any]:
    """Everything a write could have touched, as plain values."""
    state: dict[str, Any] = {}
    for label in MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        state[label] = sorted(map(repr, model.objects.values_list()))
    state["users"] = sorted(map(repr, User.objects.values_list()))
    # Tokens, without last_used_at (every authenticated request may touch it).
    state["tokens"] = sorted(
        map(repr, ApiToken.objects.values_list("pk", "user_id", "expires_at", "revoked_at"))
    )
    state["profiles"] = sorted(
        map(repr, Profile.objects.values_list(*[f.attname for f in Profile._meta.concrete_fields]))
    )
    return state


def _fill(value: Any, world: World) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world.objects[value[1:-1]]
    return value


@pytest.mark.parametrize(
    "actor,method,path,body,key",
    WRITES,
    ids=[f"{m} {p.split('/api/v1/')[1]} +{k}" for _, m, p, _, k in WRITES],
)
def test_an_undocumented_field_is_refused_and_changes_nothing(
    world, actor, method, path, body, key
):
    client = world.api(actor) if actor else APIClient()
    path = path.format(**world.objects)
    body = {k: _fill(v, world) for k, v in body.items()}
    before = fingerprint()

    response = call(client, method, path, body)

    assert response.status_code == 400, (response.status_code, response.content[:300])
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert key in error.get("fields", {}), error
    assert fingerprint() == before, "a refused write changed something"


def test_owner_and_status_come_from_the_caller_not_the_body(world):
    # The same ask without the extra keys: Vera is its author and it is open, whatever
    # she might have wished to say.
    response = world.api("vera").post(
        "/api/v1/asks/", {"title": "Mine", "body": "b"}, format="json"
    )
    assert response.status_code == 201, response.content
    ask = Ask.objects.get(pk=response.json()["id"])
    assert (ask.author_id, ask.status) == (world.ids["vera"], "open")
