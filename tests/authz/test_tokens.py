"""Least exposure to others (INVARIANTS 10).

* A personal token or an OAuth app acting for Vera gets exactly what Vera gets — never
  more — and an app only within its scopes; areas no scope opens (exports, account
  deletion, token management) stay closed to apps whatever they hold.
* An invited non-member's address is seen only by the member who invited it.
"""

import pytest

from tests.authz.helpers import call, client_for
from tests.authz.test_writes import fingerprint
from tests.authz.world import NEWBIE_EMAIL, OUTSIDER_EMAIL, PEOPLE

pytestmark = pytest.mark.django_db

SAME_AS_VERA = [
    "/api/v1/me/",
    "/api/v1/profiles/fay-first/",
    "/api/v1/profiles/sam-second/",
    "/api/v1/profiles/bea-blocker/",
    "/api/v1/profiles/tom-third/paths/",
    "/api/v1/profiles/?company=Acme",
    "/api/v1/connections/",
    "/api/v1/connection-requests/",
    "/api/v1/notifications/",
    "/api/v1/introductions/",
    "/api/v1/recommendations/?about=vera-viewer",
    "/api/v1/asks/",
    "/api/v1/network/at/?company=Acme",
    "/api/v1/keep-in-touch/",
    "/api/v1/suggestions/",
]


@pytest.mark.parametrize("path", SAME_AS_VERA)
@pytest.mark.parametrize("via", ["session", "oauth:vera:all-read"])
def test_a_token_or_app_sees_what_vera_sees(world, via, path):
    mine = world.api("vera").get(path)
    theirs = client_for(world, "vera", via).get(path)

    assert (theirs.status_code, theirs.json()) == (mine.status_code, mine.json())


# (OAuth token, method, path, body, expected status, error code)
SCOPED = [
    ("vera:profile+network", "GET", "/api/v1/me/", None, 200, None),
    ("vera:profile+network", "GET", "/api/v1/connections/", None, 200, None),
    ("vera:profile+network", "GET", "/api/v1/keep-in-touch/", None, 200, None),
    ("vera:network", "GET", "/api/v1/profiles/fay-first/", None, 403, "insufficient_scope"),
    ("vera:network", "GET", "/api/v1/profiles/?q=Sam", None, 403, "insufficient_scope"),
    ("vera:profile+network", "GET", "/api/v1/asks/", None, 403, "insufficient_scope"),
    ("vera:profile+network", "GET", "/api/v1/notifications/", None, 403, "insufficient_scope"),
    ("vera:profile+network", "GET", "/api/v1/introductions/", None, 403, "insufficient_scope"),
    (
        "vera:profile+network",
        "GET",
        "/api/v1/recommendations/?about=vera-viewer",
        None,
        403,
        "insufficient_scope",
    ),
    ("vera:profile+network", "GET", "/api/v1/network/reach/", None, 403, "insufficient_scope"),
    (
        "vera:profile+network",
        "GET",
        "/api/v1/network/at/?company=Acme",
        None,
        403,
        "insufficient_scope",
    ),
    ("vera:profile+network", "GET", "/api/v1/digest/", None, 403, "insufficient_scope"),
    ("vera:all-read", "PATCH", "/api/v1/me/", {"headline": "Owned"}, 403, "insufficient_scope"),
    (
        "vera:all-read",
        "POST",
        "/api/v1/connection-requests/",
        {"to": "sam-second"},
        403,
        "insufficient_scope",
    ),
    ("vera:all-read", "DELETE", "/api/v1/connections/fay-first/", None, 403, "insufficient_scope"),
    (
        "vera:all-read",
        "POST",
        "/api/v1/blocks/",
        {"handle": "fay-first"},
        403,
        "insufficient_scope",
    ),
    (
        "vera:all-read",
        "POST",
        "/api/v1/asks/",
        {"title": "t", "body": "b"},
        403,
        "insufficient_scope",
    ),
    ("vera:all-read", "POST", "/api/v1/notifications/read/", {}, 403, "insufficient_scope"),
    (
        "vera:all-read",
        "POST",
        "/api/v1/reports/",
        {"type": "profile", "id": "olga-outside", "reason": "spam"},
        403,
        "insufficient_scope",
    ),
    ("vera:all-read", "GET", "/api/v1/me/exports/", None, 403, "app_not_allowed"),
    ("vera:all-read", "POST", "/api/v1/me/exports/", {}, 403, "app_not_allowed"),
    (
        "vera:all-read",
        "POST",
        "/api/v1/me/delete/",
        {"password": "x", "confirm": "vera-viewer"},
        403,
        "app_not_allowed",
    ),
    ("vera:all-read", "GET", "/api/v1/auth/tokens/", None, 403, "app_not_allowed"),
]


@pytest.mark.parametrize(
    "token,method,path,body,status,code",
    SCOPED,
    ids=[f"{t}:{m} {p.split('/api/v1/')[1]}" for t, m, p, _, _, _ in SCOPED],
)
def test_an_app_is_narrowed_by_its_scopes(world, token, method, path, body, status, code):
    before = fingerprint()
    response = call(world.bearer(token), method, path, body)

    assert response.status_code == status, response.content[:300]
    if code:
        assert response.json()["error"]["code"] == code
        assert fingerprint() == before


def test_an_app_cannot_read_the_personal_token_endpoints(world):
    # DELETE /auth/token/ revokes "the token in use": a bearer token is not one.
    response = world.bearer("vera:all-read").delete("/api/v1/auth/token/")
    assert response.status_code == 401
    assert world.bearer("vera:all-read").get("/api/v1/me/").status_code == 200


# -- invited addresses -----------------------------------------------------------------


def test_only_the_inviter_sees_an_invited_address(world):
    # Vera invited OUTSIDER_EMAIL; Fay invited NEWBIE_EMAIL while offering Vera an
    # introduction to that person. Each sees their own; neither the other's.
    offer = f"/api/v1/introductions/{world.objects['offer_fay_newbie']}/"
    vera, fay = world.api("vera"), world.api("fay")

    assert OUTSIDER_EMAIL in vera.get("/api/v1/invitations/").content.decode()
    assert OUTSIDER_EMAIL not in fay.get("/api/v1/invitations/").content.decode()
    assert NEWBIE_EMAIL in fay.get("/api/v1/invitations/").content.decode()
    assert NEWBIE_EMAIL in fay.get(offer).content.decode()
    vera_view = vera.get(offer)
    assert vera_view.status_code == 200
    assert NEWBIE_EMAIL not in vera_view.content.decode()
    assert (
        NEWBIE_EMAIL
        not in world.browser("vera").get(offer.removeprefix("/api/v1")).content.decode()
    )


def test_inviting_a_members_address_does_not_say_who_it_is(world):
    response = world.api("vera").post(
        "/api/v1/invitations/", {"email": PEOPLE["sam"].account_email}, format="json"
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert PEOPLE["sam"].handle not in body and PEOPLE["sam"].name not in body


@pytest.mark.parametrize("owner", ["bea", "sue", "dan"])
def test_a_hidden_members_address_is_invited_like_a_strangers(world, owner):
    # A hidden member's sign-in address answers as an unknown address does: inviting it
    # tells Vera nothing about the member behind it (and no e-mail goes to them).
    api = world.api("vera")
    stranger = api.post("/api/v1/invitations/", {"email": "nobody@nowhere.example"}, format="json")
    hidden = api.post("/api/v1/invitations/", {"email": PEOPLE[owner].account_email}, format="json")
    assert hidden.status_code == stranger.status_code == 201
    assert set(hidden.json()) == set(stranger.json())
    assert hidden.json()["status"] == stranger.json()["status"]
