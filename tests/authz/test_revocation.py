"""Revocation is immediate (INVARIANTS 8): once a removal, a block, a suspension, a
deletion or a token revocation commits, the very next request reflects it — no cache,
stored list, index or count gives a grace period.

The matrix: (what happens between Vera and Fay, her only visible connection) × (where
Vera looks next). Suggestions, the in-memory graph and the reach lists were all
computed before, so only a live check can pass.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import TestCase
from oauth2_provider.models import get_application_model

from connections import services
from connections.services import block_create
from developers.models import AppAuthorization
from profiles.models import ApiToken
from profiles.services import member_suspend
from reach import services as reach
from tests.authz.helpers import assert_same_as_missing, text_of
from tests.authz.world import PASSWORD, PEOPLE, World

pytestmark = pytest.mark.django_db

FAY = PEOPLE["fay"]


def _remove(world: World) -> None:
    assert world.api("vera").delete("/api/v1/connections/fay-first/").status_code == 204


def _block(world: World) -> None:
    response = world.api("vera").post("/api/v1/blocks/", {"handle": "fay-first"}, format="json")
    assert response.status_code == 201


def _blocked_by(world: World) -> None:
    response = world.api("fay").post("/api/v1/blocks/", {"handle": "vera-viewer"}, format="json")
    assert response.status_code == 201


def _suspend(world: World) -> None:
    assert member_suspend(member=world.user("fay"), reason="spam")


def _delete(world: World) -> None:
    body = {"password": PASSWORD, "confirm": "fay-first"}
    assert world.api("fay").post("/api/v1/me/delete/", body, format="json").status_code == 204


EVENTS: dict[str, Callable[[World], None]] = {
    "removed": _remove,
    "blocked": _block,
    "blocked-by": _blocked_by,
    "suspended": _suspend,
    "deleted": _delete,
}


def _results(response: Any) -> str:
    return text_of(response)


# What Vera's next request shows, as "does Fay still show up there".
OBSERVATIONS: dict[str, Callable[[World], bool]] = {
    "profile-contact-api": lambda w: (
        "contact_email" in (w.api("vera").get("/api/v1/profiles/fay-first/").json() or {})
    ),
    "profile-contact-page": lambda w: (
        FAY.contact_email in text_of(w.browser("vera").get("/in/fay-first/"))
    ),
    "connections": lambda w: FAY.name in _results(w.api("vera").get("/api/v1/connections/")),
    "network-count": lambda w: w.api("vera").get("/api/v1/network/").json()["first"] == 1,
    "search": lambda w: FAY.name in _results(w.api("vera").get("/api/v1/profiles/?q=Fenwick")),
    "asks-feed": lambda w: f"{FAY.name} needs" in _results(w.api("vera").get("/api/v1/asks/")),
    "notifications": lambda w: FAY.name in _results(w.api("vera").get("/api/v1/notifications/")),
    "keep-in-touch": lambda w: FAY.name in _results(w.api("vera").get("/api/v1/keep-in-touch/")),
    "paths-to-sam": lambda w: (
        FAY.name in _results(w.api("vera").get("/api/v1/profiles/sam-second/paths/"))
    ),
    "who-at-acme": lambda w: (
        FAY.name in _results(w.api("vera").get("/api/v1/network/at/?company=Acme"))
    ),
    "reach-northwind-1st": lambda w: (
        FAY.name
        in _results(
            w.api("vera").get("/api/v1/network/reach/members/?by=company&value=northwind&degree=1")
        )
    ),
    "introductions": lambda w: FAY.name in _results(w.api("vera").get("/api/v1/introductions/")),
    # Sam's ask reached Vera because Fay passed it on to her.
    "ask-fay-passed-on": lambda w: (
        f"{PEOPLE['sam'].name} needs" in _results(w.api("vera").get("/api/v1/asks/"))
    ),
    "my-recommendation-of-fay": lambda w: (
        FAY.name in _results(w.api("vera").get("/api/v1/recommendations/?role=written"))
    ),
    "answers-to-my-ask": lambda w: (
        "Fay can help."
        in _results(w.api("vera").get("/api/v1/asks/{}/".format(w.objects["ask_by_vera"])))
    ),
    "recommendations-of-me": lambda w: (
        FAY.name in _results(w.api("vera").get("/api/v1/recommendations/?about=vera-viewer"))
    ),
    "fay-sees-vera-contact": lambda w: (
        "contact_email" in (w.api("fay").get("/api/v1/profiles/vera-viewer/").json() or {})
    ),
}

# Where Fay still shows up after each event (everything else must not show her).
STILL_SHOWN = {
    # A removal is silent: Fay is still a member Vera may see, with what she did before.
    "removed": {
        "search",
        "notifications",
        "introductions",
        "ask-fay-passed-on",
        "my-recommendation-of-fay",
        "answers-to-my-ask",
        "recommendations-of-me",
    },
}


@pytest.mark.parametrize("observation", OBSERVATIONS)
@pytest.mark.parametrize("event", EVENTS)
def test_the_next_request_reflects_it(world, event, observation):
    look = OBSERVATIONS[observation]
    assert look(world), f"the control failed: Fay is not in Vera's {observation} before"

    EVENTS[event](world)

    expected = observation in STILL_SHOWN.get(event, set())
    assert look(world) == expected, f"after Fay was {event}, Vera's {observation} still shows her"


# -- a 2nd-degree member: stored and derived lists ------------------------------------
# Sam is Vera's 2nd degree (through Fay) and her only way to Tom. Her suggestions, the
# reach lists and "who do I know at Acme" all know Sam from before.

SAM = PEOPLE["sam"]


def _sam_event(kind: str) -> Callable[[World], None]:
    def run(world: World) -> None:
        if kind == "blocked":
            body = {"handle": "sam-second"}
            assert world.api("vera").post("/api/v1/blocks/", body, format="json").status_code == 201
        elif kind == "blocked-by":
            body = {"handle": "vera-viewer"}
            assert world.api("sam").post("/api/v1/blocks/", body, format="json").status_code == 201
        elif kind == "suspended":
            assert member_suspend(member=world.user("sam"), reason="spam")
        else:
            body = {"password": PASSWORD, "confirm": "sam-second"}
            assert (
                world.api("sam").post("/api/v1/me/delete/", body, format="json").status_code == 204
            )

    return run


SAM_OBSERVATIONS: dict[str, Callable[[World], bool]] = {
    "profile": lambda w: w.api("vera").get("/api/v1/profiles/sam-second/").status_code == 200,
    "search": lambda w: SAM.name in _results(w.api("vera").get("/api/v1/profiles/?q=Sorensen")),
    "suggestions": lambda w: SAM.name in _results(w.api("vera").get("/api/v1/suggestions/")),
    "who-at-acme": lambda w: (
        SAM.name in _results(w.api("vera").get("/api/v1/network/at/?company=Acme"))
    ),
    "reach-acme-2nd": lambda w: (
        SAM.name
        in _results(
            w.api("vera").get("/api/v1/network/reach/members/?by=company&value=acme&degree=2")
        )
    ),
    "paths-to-tom": lambda w: (
        SAM.name in _results(w.api("vera").get("/api/v1/profiles/tom-third/paths/"))
    ),
    "brokers-for-tom": lambda w: (
        SAM.name in _results(w.api("vera").get("/api/v1/introductions/brokers/?target=tom-third"))
    ),
    "asks-feed": lambda w: f"{SAM.name} needs" in _results(w.api("vera").get("/api/v1/asks/")),
    "notifications-page": lambda w: SAM.name in text_of(w.browser("vera").get("/notifications/")),
    "introductions": lambda w: SAM.name in _results(w.api("vera").get("/api/v1/introductions/")),
    "fay-sees-sam": lambda w: SAM.name in _results(w.api("fay").get("/api/v1/connections/")),
}
SAM_STILL_SHOWN = {
    # A block is between two members: Fay still has Sam.
    "blocked": {"fay-sees-sam"},
    "blocked-by": {"fay-sees-sam"},
}


@pytest.mark.parametrize("observation", SAM_OBSERVATIONS)
@pytest.mark.parametrize("event", ["blocked", "blocked-by", "suspended", "deleted"])
def test_a_second_degree_member_leaves_every_list_at_once(world, event, observation):
    look = SAM_OBSERVATIONS[observation]
    assert look(world), f"the control failed: Sam is not in Vera's {observation} before"

    _sam_event(event)(world)

    expected = observation in SAM_STILL_SHOWN.get(event, set())
    assert look(world) == expected, f"after Sam was {event}, Vera's {observation} still shows Sam"


# The reach dashboard's counts are computed by a worker. After a change, the very next
# answer must not present figures that still count what changed as current: either they
# are recounted already, or the answer says `computing` (its figures are from before).
REACH = "/api/v1/network/reach/?by=company"
REACH_EVENTS = {
    "vera-removes-fay": (_remove, {"first": 0, "second": 0, "third": 0}),
    "vera-blocks-sam": (_sam_event("blocked"), {"first": 1, "second": 0, "third": 0}),
    "sam-blocks-vera": (_sam_event("blocked-by"), {"first": 1, "second": 0, "third": 0}),
    "sam-suspended": (_sam_event("suspended"), {"first": 1, "second": 0, "third": 0}),
    "sam-deleted": (_sam_event("deleted"), {"first": 1, "second": 0, "third": 0}),
}


@pytest.mark.parametrize("event", REACH_EVENTS)
def test_reach_counts_never_present_stale_figures_as_current(world, event):
    change, expected = REACH_EVENTS[event]
    reach.reach_compute(member_ids=[world.ids["vera"]])
    api = world.api("vera")
    before = api.get(REACH).json()
    assert before["state"] == "ready"
    assert {k: before["totals"][k] for k in expected} == {"first": 1, "second": 1, "third": 1}

    with TestCase.captureOnCommitCallbacks(execute=True):  # as the commit and workers would
        change(world)
    with TestCase.captureOnCommitCallbacks(execute=True):
        after = api.get(REACH).json()
    totals = {k: after["totals"][k] for k in expected}
    assert after["state"] == "computing" or totals == expected, (
        f"after {event}: {after['state']} with {totals}, expected {expected}"
    )
    recounted = api.get(REACH).json()
    assert recounted["state"] == "ready"
    assert {k: recounted["totals"][k] for k in expected} == expected


# -- tokens, sessions and apps -----------------------------------------------------------


def test_revoking_the_token_in_use(world):
    api = world.api("vera")
    assert api.get("/api/v1/me/").status_code == 200
    assert api.delete("/api/v1/auth/token/").status_code == 204
    assert api.get("/api/v1/me/").status_code == 401


def test_revoking_a_token_from_another_session(world):
    token = ApiToken.objects.get(user_id=world.ids["vera"], name="authz")
    assert world.session_api("vera").delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 204
    assert world.api("vera").get("/api/v1/me/").status_code == 401


def test_revoking_a_token_on_the_settings_page(world):
    token = ApiToken.objects.get(user_id=world.ids["vera"], name="authz")
    assert world.browser("vera").post(f"/settings/tokens/{token.pk}/revoke/").status_code == 302
    assert world.api("vera").get("/api/v1/me/").status_code == 401


def test_nobody_else_can_revoke_my_token(world):
    token = ApiToken.objects.get(user_id=world.ids["vera"], name="authz")
    assert world.session_api("fay").delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 404
    assert world.api("vera").get("/api/v1/me/").status_code == 200


def test_revoking_an_app_on_the_settings_page(world):
    app = world.bearer("vera:all-read")
    assert app.get("/api/v1/me/").status_code == 200
    authorization = AppAuthorization.objects.get(member_id=world.ids["vera"])

    # Fay cannot revoke Vera's authorization; Vera can.
    world.browser("fay").post(f"/settings/apps/{authorization.pk}/revoke/")
    assert app.get("/api/v1/me/").status_code == 200
    world.browser("vera").post(f"/settings/apps/{authorization.pk}/revoke/")

    for name in ("vera:all-read", "vera:profile+network", "vera:network"):
        assert world.bearer(name).get("/api/v1/network/").status_code == 401


def test_deleting_the_app_ends_its_tokens(world):
    get_application_model().objects.filter(pk=world.app_id).delete()
    assert world.bearer("vera:all-read").get("/api/v1/me/").status_code == 401


def test_a_suspension_ends_sessions_tokens_and_app_tokens_at_once(world):
    app = world.bearer("vera:all-read")
    browser = world.browser("vera")
    assert browser.get("/network/").status_code == 200
    member_suspend(member=world.user("vera"), reason="spam")

    assert world.api("vera").get("/api/v1/me/").status_code == 401
    assert app.get("/api/v1/me/").status_code == 401
    response = browser.get("/network/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # And to everyone else she is a member who never existed.
    missing = world.api("fay").get("/api/v1/profiles/never-was-here/")
    assert world.api("fay").get("/api/v1/profiles/vera-viewer/").content == missing.content


@pytest.mark.parametrize(
    "then", ["nothing", "vera-blocks-otto", "otto-blocks-vera", "otto-suspended"]
)
def test_an_email_queued_before_a_block_or_suspension_is_not_sent(world, then):
    # Otto's request to Vera: its e-mail is queued when the request commits. Before the
    # worker gets to it, one of them blocks the other, or Otto is suspended: it must not
    # go out.
    with TestCase.captureOnCommitCallbacks() as callbacks:
        services.connection_request_create(
            sender=world.user("otto"), recipient=world.user("vera"), note="Otto here."
        )
    assert callbacks, "the control failed: no e-mail was queued"
    if then == "vera-blocks-otto":
        services.block_create(blocker=world.user("vera"), blocked=world.user("otto"))
    elif then == "otto-blocks-vera":
        services.block_create(blocker=world.user("otto"), blocked=world.user("vera"))
    elif then == "otto-suspended":
        member_suspend(member=world.user("otto"), reason="spam")
    mail.outbox.clear()
    for callback in callbacks:
        callback()
    sent = [m for m in mail.outbox if PEOPLE["otto"].name in m.subject + m.body]
    assert len(sent) == (1 if then == "nothing" else 0)


# Vera asked Fay (broker) for an introduction to Sam (target). Whoever becomes hidden
# from a viewer leaves that viewer's view of it at once: a hidden side (requester or
# target) makes the whole introduction look missing; a hidden broker goes unnamed.
INTRODUCTION_CASES = [
    # (what happens, viewer, "missing" or the names the viewer must not see)
    ("sam-blocks-vera", "vera", "missing"),
    ("sam-blocks-vera", "fay", ()),
    ("vera-blocks-sam", "vera", "missing"),
    ("vera-blocks-sam", "sam", "missing"),
    ("sam-suspended", "vera", "missing"),
    ("sam-suspended", "fay", "missing"),
    ("fay-blocks-vera", "vera", (FAY.name, FAY.handle)),
    ("fay-blocks-vera", "fay", "missing"),
    ("vera-blocks-fay", "vera", (FAY.name, FAY.handle)),
    ("fay-suspended", "vera", (FAY.name, FAY.handle)),
]


@pytest.mark.parametrize(
    "event,viewer,expected",
    INTRODUCTION_CASES,
    ids=[f"{e}:{v}" for e, v, _ in INTRODUCTION_CASES],
)
@pytest.mark.parametrize("surface", ["api", "page"])
def test_an_introduction_hides_whoever_is_hidden_from_the_viewer(
    world, event, viewer, expected, surface
):
    first, *_, last = event.split("-")
    if last == "suspended":
        member_suspend(member=world.user(first), reason="spam")
    else:
        block_create(blocker=world.user(first), blocked=world.user(last))
    client = world.api(viewer) if surface == "api" else world.browser(viewer)
    prefix = "/api/v1/introductions/" if surface == "api" else "/introductions/"

    response = client.get(f"{prefix}{world.objects['intro_vera_sam']}/")

    if expected == "missing":
        missing = client.get(f"{prefix}{world.objects['missing_id']}/")
        assert_same_as_missing(response, missing, what=f"the introduction to {viewer}")
        return
    assert response.status_code == 200
    text = text_of(response)
    assert PEOPLE["vera"].name in text or viewer == "vera"
    assert not [value for value in expected if value in text]
