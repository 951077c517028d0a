"""No existence oracle (INVARIANTS 5, 3): to a viewer without access, a hidden member —
blocked either way, suspended, deleted — and a member who never existed look
byte-identical (status, body, headers but Date) on every endpoint that names a member,
reads or writes alike; so do objects that belong to a hidden member and ids that were
never used.

The matrix: (viewer, hidden member) pairs × every per-member endpoint. Each request is
made twice by the same viewer, once naming the hidden member and once a handle nobody
ever had; a write that wrongly succeeded would show as a difference (and is rolled back
with the test).
"""

from dataclasses import dataclass
from typing import Any

import pytest

from tests.authz.helpers import assert_same_as_missing, call
from tests.authz.world import World

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # {h}: the handle; {ask_by_fay}...: ids from world.objects
    body: Any = None  # str values and list items "{h}" become the handle
    page: bool = False  # a page (session, form post) rather than the API
    viewers: tuple[str, ...] = ()  # only for these viewers (empty: any)

    def render(self, world: World, handle: str) -> tuple[str, Any]:
        fill = {"h": handle, **{k: str(v) for k, v in world.objects.items()}}
        path = self.path.format(**fill)
        body = self.body
        if isinstance(body, dict):
            body = {k: _fill(v, fill) for k, v in body.items()}
        return path, body


def _fill(value: Any, fill: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**fill)
    if isinstance(value, list):
        return [_fill(v, fill) for v in value]
    return value


ENDPOINTS = [
    # reads, API
    Endpoint("api-profile", "GET", "/api/v1/profiles/{h}/"),
    Endpoint("api-paths", "GET", "/api/v1/profiles/{h}/paths/"),
    Endpoint("api-mutual", "GET", "/api/v1/profiles/{h}/mutual/"),
    Endpoint("api-recommendations-about", "GET", "/api/v1/recommendations/?about={h}"),
    Endpoint("api-brokers-for", "GET", "/api/v1/introductions/brokers/?target={h}"),
    Endpoint("api-who-at-via", "GET", "/api/v1/network/at/via/{h}/?company=Acme"),
    # reads, pages
    Endpoint("page-profile", "GET", "/in/{h}/", page=True),
    Endpoint("page-mutual", "GET", "/in/{h}/mutual/", page=True),
    Endpoint("page-get-introduced", "GET", "/in/{h}/get-introduced/", page=True),
    Endpoint("page-recommend", "GET", "/recommendations/write/{h}/", page=True),
    Endpoint("page-report", "GET", "/report/profile/{h}/", page=True),
    # writes, API
    Endpoint("api-connect", "POST", "/api/v1/connection-requests/", {"to": "{h}"}),
    Endpoint("api-block", "POST", "/api/v1/blocks/", {"handle": "{h}"}),
    Endpoint("api-unblock", "DELETE", "/api/v1/blocks/{h}/"),
    Endpoint("api-disconnect", "DELETE", "/api/v1/connections/{h}/"),
    Endpoint("api-connection-note", "PATCH", "/api/v1/connections/{h}/", {"note": "hi"}),
    Endpoint("api-dismiss-suggestion", "POST", "/api/v1/suggestions/{h}/dismiss/"),
    Endpoint("api-keep-in-touch-add", "POST", "/api/v1/keep-in-touch/", {"handle": "{h}"}),
    Endpoint(
        "api-keep-in-touch-interval",
        "PATCH",
        "/api/v1/keep-in-touch/{h}/",
        {"interval_months": 6},
    ),
    Endpoint("api-keep-in-touch-remove", "DELETE", "/api/v1/keep-in-touch/{h}/"),
    Endpoint("api-keep-in-touch-touch", "POST", "/api/v1/keep-in-touch/{h}/touch/", {}),
    Endpoint(
        "api-recommend",
        "POST",
        "/api/v1/recommendations/",
        {"subject": "{h}", "position": "{sam_position}", "relationship": "same_team", "body": "b"},
    ),
    Endpoint(
        "api-ask-recommendation",
        "POST",
        "/api/v1/recommendation-requests/",
        {"author": "{h}", "position": "{vera_position}", "message": ""},
        viewers=("vera",),
    ),
    Endpoint(
        "api-introduce-me-to",
        "POST",
        "/api/v1/introductions/",
        {"target": "{h}", "via": ["fay-first"], "message": "Hello."},
    ),
    Endpoint(
        "api-introduce-me-via",
        "POST",
        "/api/v1/introductions/",
        {"target": "tom-third", "via": ["{h}"], "message": "Hello."},
    ),
    Endpoint(
        "api-offer-introduction",
        "POST",
        "/api/v1/introductions/offers/",
        {"first": "fay-first", "second": "{h}", "message": "Meet."},
    ),
    Endpoint(
        "api-report-profile",
        "POST",
        "/api/v1/reports/",
        {"type": "profile", "id": "{h}", "reason": "spam"},
    ),
    Endpoint("api-ask-pass", "POST", "/api/v1/asks/{ask_by_fay}/pass/", {"to": ["{h}"]}),
    Endpoint("api-ask-refer", "POST", "/api/v1/asks/{ask_by_fay}/refer/", {"member": "{h}"}),
    Endpoint(
        "api-ask-thank",
        "POST",
        "/api/v1/asks/{ask_by_vera}/close/",
        {"solved": True, "helpers": ["{h}"]},
        viewers=("vera",),
    ),
    # writes, pages
    Endpoint("page-connect", "POST", "/in/{h}/connect/", page=True),
    Endpoint("page-accept", "POST", "/in/{h}/accept/", page=True),
    Endpoint("page-ignore", "POST", "/in/{h}/ignore/", page=True),
    Endpoint("page-withdraw", "POST", "/in/{h}/withdraw/", page=True),
    Endpoint("page-disconnect", "POST", "/in/{h}/disconnect/", page=True),
    Endpoint("page-block", "POST", "/in/{h}/block/", page=True),
    Endpoint("page-note", "POST", "/in/{h}/note/", {"note": "hi"}, page=True),
    Endpoint("page-suggestion-connect", "POST", "/discover/suggestions/{h}/connect/", page=True),
    Endpoint("page-suggestion-dismiss", "POST", "/discover/suggestions/{h}/dismiss/", page=True),
    Endpoint(
        "page-keep-in-touch-interval",
        "POST",
        "/network/keep-in-touch/{h}/interval/",
        {"interval_months": "6"},
        page=True,
    ),
    Endpoint("page-keep-in-touch-touch", "POST", "/network/keep-in-touch/{h}/touch/", page=True),
    Endpoint("page-keep-in-touch-remove", "POST", "/network/keep-in-touch/{h}/remove/", page=True),
    Endpoint(
        "page-report-post",
        "POST",
        "/report/profile/{h}/",
        {"reason": "spam", "details": ""},
        page=True,
    ),
]

# (viewer, the member hidden from them)
PAIRS = [
    ("vera", "bea"),  # Bea blocks Vera
    ("vera", "bob"),  # Vera blocks Bob
    ("vera", "sue"),  # suspended, and connected to Vera in the edge table
    ("vera", "dan-tombstone"),  # deleted; his row stays as deleted-<id>
    ("bea", "vera"),  # the blocker does not see whom she blocks either
    ("bob", "vera"),
]

# The one place a blocker names whom they block: their own block list (to lift a block).
BLOCKER_SEES = {("vera", "bob", "api-block"), ("vera", "bob", "api-unblock")}
BLOCKER_SEES |= {("bea", "vera", "api-block"), ("bea", "vera", "api-unblock")}

CASES = [
    pytest.param(viewer, hidden, endpoint, id=f"{viewer}~{hidden}:{endpoint.name}")
    for viewer, hidden in PAIRS
    for endpoint in ENDPOINTS
    if (viewer, hidden, endpoint.name) not in BLOCKER_SEES
    and (not endpoint.viewers or viewer in endpoint.viewers)
]


@pytest.mark.parametrize("viewer,hidden,endpoint", CASES)
def test_a_hidden_member_looks_like_a_missing_one(world, viewer, hidden, endpoint):
    client = world.browser(viewer) if endpoint.page else world.api(viewer)
    path, body = endpoint.render(world, world.handle(hidden))
    ghost_path, ghost_body = endpoint.render(world, world.handle("ghost"))

    missing = call(client, endpoint.method, ghost_path, ghost_body)
    response = call(client, endpoint.method, path, body)

    assert_same_as_missing(response, missing, what=f"{endpoint.name}: {hidden} to {viewer}")
    assert response.status_code in (400, 404), (
        f"{endpoint.name} answered {response.status_code} about a hidden member"
    )


def test_the_blocker_may_lift_her_own_block(world):
    # The one exception above, shown: Vera lists and unblocks Bob; Bea's block of her
    # does not appear in Vera's list.
    api = world.api("vera")
    listed = [row["handle"] for row in api.get("/api/v1/blocks/").json()["results"]]
    assert listed == [world.handle("bob")]
    assert api.delete(f"/api/v1/blocks/{world.handle('bob')}/").status_code == 204


# Objects of hidden members, and ids never used, to Vera.
OBJECT_ENDPOINTS = [
    ("api-ask", "GET", "/api/v1/asks/{id}/", None, False),
    ("api-ask-answer", "POST", "/api/v1/asks/{id}/answer/", {"body": "I can help."}, False),
    ("page-ask", "GET", "/asks/{id}/", None, True),
    ("api-recommendation", "GET", "/api/v1/recommendations/{id}/", None, False),
    ("api-recommendation-hide", "POST", "/api/v1/recommendations/{id}/hide/", None, False),
    ("page-recommendation", "GET", "/recommendations/{id}/", None, True),
    ("api-report-recommendation", "POST", "/api/v1/reports/", "recommendation", False),
    ("api-report-request-note", "POST", "/api/v1/reports/", "request_note", False),
]
HIDDEN_OBJECTS = {
    "api-ask": ["ask_by_bea", "ask_by_sue", "ask_by_dan"],
    "api-ask-answer": ["ask_by_bea", "ask_by_sue", "ask_by_dan"],
    "page-ask": ["ask_by_bea", "ask_by_sue", "ask_by_dan"],
    "api-recommendation": ["rec_by_bea", "rec_by_sue", "rec_by_dan"],
    "api-recommendation-hide": ["rec_by_bea", "rec_by_sue", "rec_by_dan"],
    "page-recommendation": ["rec_by_bea", "rec_by_sue", "rec_by_dan"],
    "api-report-recommendation": ["rec_by_bea", "rec_by_sue", "rec_by_dan"],
    "api-report-request-note": ["request_bob_vera"],
}
OBJECT_CASES = [
    pytest.param(name, method, path, body, page, obj, id=f"vera:{name}:{obj}")
    for name, method, path, body, page in OBJECT_ENDPOINTS
    for obj in HIDDEN_OBJECTS[name]
]


@pytest.mark.parametrize("name,method,path,body,page,obj", OBJECT_CASES)
def test_a_hidden_members_things_look_like_missing_ones(world, name, method, path, body, page, obj):
    client = world.browser("vera") if page else world.api("vera")

    def request(object_id: int) -> Any:
        data = body
        if body in ("recommendation", "request_note"):
            data = {"type": body, "id": str(object_id), "reason": "spam"}
        return call(client, method, path.format(id=object_id), data)

    missing = request(world.objects["missing_id"])
    response = request(world.objects[obj])

    assert_same_as_missing(response, missing, what=f"{name} of {obj} to vera")


@pytest.mark.parametrize("action", ["accept", "ignore", "decline", "withdraw"])
def test_a_request_from_a_member_now_hidden_looks_missing(world, action):
    # Bob asked Vera to connect before she blocked him.
    api = world.api("vera")
    missing = api.post(f"/api/v1/connection-requests/{world.objects['missing_id']}/{action}/")
    response = api.post(
        f"/api/v1/connection-requests/{world.objects['request_bob_vera']}/{action}/"
    )
    assert_same_as_missing(response, missing, what=f"{action} of Bob's request")


# The control: each endpoint above does answer differently about a member Vera may see
# (else a constant 404 would pass the matrix without proving anything).
VISIBLE_TARGET = {"api-unblock": "bob"}  # the one member Vera may unblock


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_each_endpoint_answers_about_a_visible_member(world, endpoint):
    client = world.browser("vera") if endpoint.page else world.api("vera")
    target = VISIBLE_TARGET.get(endpoint.name, "fay")
    path, body = endpoint.render(world, world.handle(target))
    ghost_path, ghost_body = endpoint.render(world, world.handle("ghost"))

    missing = call(client, endpoint.method, ghost_path, ghost_body)
    response = call(client, endpoint.method, path, body)

    assert missing.status_code == 404
    assert response.status_code != 404, response.content[:300]
