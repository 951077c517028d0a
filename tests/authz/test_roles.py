"""Only the right role moves a state (INVARIANTS 4), across connection requests,
introductions, recommendations, recommendation requests and asks.

Each row: (who acts, the action) -> the status code, and whether the object's state
changes. Anyone else gets 403 (they take part in another role, or see it as a reader)
or 404 (it is none of their business: the same as a missing id), and nothing changes;
a state that is over gets 409.
"""

from collections.abc import Callable
from typing import Any

import pytest

from asks.models import Ask
from connections.models import ConnectionRequest
from introductions.models import Introduction
from recommendations.models import Recommendation, RecommendationRequest
from tests.authz.world import World

pytestmark = pytest.mark.django_db


def _state(model: Any, pk: int, *fields: str) -> tuple:
    return tuple(model.objects.filter(pk=pk).values_list(*fields).get())


STATES: dict[str, Callable[[World], tuple]] = {
    "request_olga_vera": lambda w: _state(
        ConnectionRequest, w.objects["request_olga_vera"], "status"
    ),
    "intro_vera_sam": lambda w: _state(
        Introduction, w.objects["intro_vera_sam"], "status", "current_hop"
    ),
    "rec_by_fay": lambda w: _state(Recommendation, w.objects["rec_by_fay"], "status"),
    "recreq_vera_fay": lambda w: _state(
        RecommendationRequest, w.objects["recreq_vera_fay"], "status"
    ),
    "ask_by_fay": lambda w: _state(Ask, w.objects["ask_by_fay"], "status"),
}

# (object, path after /api/v1/, body, actor, expected status, whether the state moves)
CASES = [
    # Olga asked Vera to connect: only Vera accepts or ignores, only Olga withdraws.
    ("request_olga_vera", "connection-requests/{id}/accept/", None, "vera", 200, True),
    ("request_olga_vera", "connection-requests/{id}/accept/", None, "olga", 403, False),
    ("request_olga_vera", "connection-requests/{id}/accept/", None, "fay", 404, False),
    ("request_olga_vera", "connection-requests/{id}/ignore/", None, "vera", 200, True),
    ("request_olga_vera", "connection-requests/{id}/ignore/", None, "olga", 403, False),
    ("request_olga_vera", "connection-requests/{id}/ignore/", None, "otto", 404, False),
    ("request_olga_vera", "connection-requests/{id}/withdraw/", None, "olga", 200, True),
    ("request_olga_vera", "connection-requests/{id}/withdraw/", None, "vera", 403, False),
    ("request_olga_vera", "connection-requests/{id}/withdraw/", None, "sam", 404, False),
    # Vera asked Fay to introduce her to Sam; it is with Fay.
    ("intro_vera_sam", "introductions/{id}/forward/", {}, "fay", 200, True),
    ("intro_vera_sam", "introductions/{id}/forward/", {}, "vera", 403, False),
    ("intro_vera_sam", "introductions/{id}/forward/", {}, "sam", 404, False),  # not reached
    ("intro_vera_sam", "introductions/{id}/forward/", {}, "olga", 404, False),
    ("intro_vera_sam", "introductions/{id}/decline/", {}, "fay", 200, True),
    ("intro_vera_sam", "introductions/{id}/decline/", {}, "tom", 404, False),
    ("intro_vera_sam", "introductions/{id}/accept/", None, "vera", 403, False),
    ("intro_vera_sam", "introductions/{id}/accept/", None, "fay", 403, False),
    ("intro_vera_sam", "introductions/{id}/accept/", None, "sam", 404, False),
    ("intro_vera_sam", "introductions/{id}/withdraw/", None, "vera", 200, True),
    ("intro_vera_sam", "introductions/{id}/withdraw/", None, "fay", 403, False),
    ("intro_vera_sam", "introductions/{id}/withdraw/", None, "sam", 404, False),
    # Fay's recommendation, on Vera's profile: Vera (the subject) hides it; Fay (the
    # author) withdraws it; readers of the profile can do neither.
    ("rec_by_fay", "recommendations/{id}/hide/", None, "vera", 200, True),
    ("rec_by_fay", "recommendations/{id}/hide/", None, "fay", 403, False),
    ("rec_by_fay", "recommendations/{id}/hide/", None, "sam", 403, False),
    ("rec_by_fay", "recommendations/{id}/hide/", None, "bea", 404, False),
    ("rec_by_fay", "recommendations/{id}/withdraw/", None, "fay", 204, True),
    ("rec_by_fay", "recommendations/{id}/withdraw/", None, "vera", 403, False),
    ("rec_by_fay", "recommendations/{id}/withdraw/", None, "olga", 403, False),
    ("rec_by_fay", "recommendations/{id}/approve/", None, "vera", 409, False),  # published
    ("rec_by_fay", "recommendations/{id}/approve/", None, "fay", 403, False),
    ("rec_by_fay", "recommendations/{id}/revise/", {"message": "m"}, "fay", 403, False),
    ("rec_by_fay", "recommendations/{id}/revise/", {"message": "m"}, "vera", 200, True),
    # Vera asked Fay for a recommendation: Fay declines, Vera withdraws.
    ("recreq_vera_fay", "recommendation-requests/{id}/decline/", None, "fay", 200, True),
    ("recreq_vera_fay", "recommendation-requests/{id}/decline/", None, "vera", 403, False),
    ("recreq_vera_fay", "recommendation-requests/{id}/decline/", None, "sam", 404, False),
    ("recreq_vera_fay", "recommendation-requests/{id}/withdraw/", None, "vera", 200, True),
    ("recreq_vera_fay", "recommendation-requests/{id}/withdraw/", None, "fay", 403, False),
    # Fay's ask: only Fay closes it; her connections see it, strangers do not.
    ("ask_by_fay", "asks/{id}/close/", {"solved": True}, "fay", 200, True),
    ("ask_by_fay", "asks/{id}/close/", {"solved": True}, "vera", 403, False),
    ("ask_by_fay", "asks/{id}/close/", {"solved": True}, "sam", 403, False),
    ("ask_by_fay", "asks/{id}/close/", {"solved": True}, "olga", 404, False),
    ("ask_by_fay", "asks/{id}/close/", {"solved": True}, "bea", 403, False),
    ("ask_by_fay", "asks/{id}/answer/", {"body": "b"}, "fay", 403, False),  # her own
    ("ask_by_fay", "asks/{id}/answer/", {"body": "b"}, "tom", 404, False),
]


@pytest.mark.parametrize(
    "obj,path,body,actor,status,moves",
    CASES,
    ids=[f"{o}:{p.split('/')[-2]}-by-{a}" for o, p, _, a, _, _ in CASES],
)
def test_only_the_right_role_moves_it(world, obj, path, body, actor, status, moves):
    state = STATES[obj]
    before = state(world)

    response = world.api(actor).post(
        "/api/v1/" + path.format(id=world.objects[obj]), body or {}, format="json"
    )

    assert response.status_code == status, response.content[:300]
    assert (state(world) != before) == moves


# Terminal states are final: after the first action wins, every other one is a 409.
FINAL = [
    (
        "request_olga_vera",
        ("vera", "accept"),
        [("vera", "ignore"), ("olga", "withdraw"), ("vera", "accept")],
    ),
    ("request_olga_vera", ("olga", "withdraw"), [("vera", "accept"), ("vera", "ignore")]),
    (
        "intro_vera_sam",
        ("vera", "withdraw"),
        [("fay", "forward"), ("fay", "decline"), ("vera", "withdraw")],
    ),
    ("recreq_vera_fay", ("fay", "decline"), [("vera", "withdraw"), ("fay", "decline")]),
]


@pytest.mark.parametrize(
    "obj,first,then",
    FINAL,
    ids=[f"{o}:{f[1]}-then-{'-'.join(a for _, a in t)}" for o, f, t in FINAL],
)
def test_a_terminal_state_is_final(world, obj, first, then):
    prefix = {
        "request_olga_vera": "connection-requests",
        "intro_vera_sam": "introductions",
        "recreq_vera_fay": "recommendation-requests",
    }[obj]
    url = f"/api/v1/{prefix}/{world.objects[obj]}/{{}}/"
    actor, action = first
    assert world.api(actor).post(url.format(action), {}, format="json").status_code == 200
    settled = STATES[obj](world)
    for actor, action in then:
        response = world.api(actor).post(url.format(action), {}, format="json")
        assert response.status_code == 409, (actor, action, response.content[:200])
        assert STATES[obj](world) == settled


def test_the_target_acts_only_once_the_introduction_reached_them(world):
    intro = world.objects["intro_vera_sam"]
    url = f"/api/v1/introductions/{intro}/"
    sam, vera, fay = world.api("sam"), world.api("vera"), world.api("fay")
    assert sam.get(url).status_code == 404
    assert (
        fay.post(url + "forward/", {"endorsement": "Good person."}, format="json").status_code
        == 200
    )

    assert vera.post(url + "accept/").status_code == 403
    assert fay.post(url + "accept/").status_code == 403
    assert world.api("olga").post(url + "accept/").status_code == 404
    assert fay.post(url + "decline/", {}, format="json").status_code == 409
    assert sam.post(url + "accept/").status_code == 200
    assert Introduction.objects.get(pk=intro).status == "accepted"
    # Connected now: each sees the other's contact details (INVARIANTS 1, at this moment).
    assert "contact_email" in vera.get("/api/v1/profiles/sam-second/").json()
    assert "contact_email" in sam.get("/api/v1/profiles/vera-viewer/").json()
    assert sam.post(url + "accept/").status_code == 409
    # The target never sees the note meant for the broker.
    assert "Fay, only for you." not in sam.get(url).content.decode()
