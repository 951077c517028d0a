"""The recommendations API as a client sees it: the whole flow, who may move which state,
what each member sees, allow-lists, one error format, and the schema.

    john — pete — maya        (zoe knows nobody)
"""

import pytest
from rest_framework.test import APIClient

from connections import services as connection_services
from profiles.services import member_suspend
from recommendations import services
from recommendations.models import Recommendation, RecommendationRequest
from tests.recommendations.conftest import BODY, MESSAGE, ask, position, published, write_for

pytestmark = pytest.mark.django_db
Status = Recommendation.Status

URL = "/api/v1/recommendations/"
REQUESTS_URL = "/api/v1/recommendation-requests/"
SUGGESTIONS_URL = f"{URL}suggestions/"
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}
RECOMMENDATION_KEYS = {
    "id",
    "role",
    "author",
    "subject",
    "relationship",
    "relationship_text",
    "about",
    "body",
    "status",
    "status_label",
    "moderated",
    "date",
    "actions",
}
MEMBER_KEYS = {"handle", "full_name", "headline", "photo_url"}


def detail(recommendation):
    return f"{URL}{recommendation.pk}/"


def same_404(*responses):
    first = responses[0]
    for response in responses:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert response.content == first.content


# -- the whole flow --------------------------------------------------------------------


def test_ask_write_approve_and_read_it_on_the_profile(api_as, people, johns_job):
    john, pete, zoe = api_as(people["john"]), api_as(people["pete"]), api_as(people["zoe"])
    response = john.post(
        REQUESTS_URL, {"author": "Pete", "position": johns_job.pk, "message": MESSAGE}
    )
    assert response.status_code == 201, response.json()
    asked = response.json()
    assert asked["role"] == "asker" and asked["status"] == "open"
    assert asked["author"]["handle"] == "pete" and asked["message"] == MESSAGE
    assert asked["about"] == {
        "kind": "position",
        "id": johns_job.pk,
        "title": "Route planner",
        "organization": "Atlantic Air",
        "period": "Jan 2004 – Jun 2006",
    }
    assert asked["actions"] == {"write": False, "decline": False, "withdraw": True}

    inbox = pete.get(REQUESTS_URL).json()
    assert inbox["count"] == 1 and inbox["results"][0]["actions"]["write"] is True
    response = pete.post(URL, {"request": asked["id"], "relationship": "managed", "body": BODY})
    assert response.status_code == 201, response.json()
    written = response.json()
    assert set(written) == RECOMMENDATION_KEYS | {"request"}
    assert written["status"] == "pending" and written["role"] == "author"
    assert written["relationship_text"] == "Pete Novak managed John Carter directly"
    assert set(written["author"]) == MEMBER_KEYS
    assert written["actions"]["edit"] and written["actions"]["withdraw"]

    assert zoe.get(URL, {"about": "john"}).json()["count"] == 0  # not approved yet
    mine = john.get(URL).json()
    assert [r["status"] for r in mine["results"]] == ["pending"]
    assert mine["results"][0]["actions"]["approve"] is True
    response = john.post(f"{URL}{written['id']}/approve/")
    assert response.status_code == 200 and response.json()["status"] == "published"

    on_profile = zoe.get(URL, {"about": "john"}).json()
    assert on_profile["count"] == 1
    (row,) = on_profile["results"]
    assert row["body"] == BODY and row["role"] == "reader" and "request" not in row
    assert row["about"]["organization"] == "Atlantic Air"
    assert not any(row["actions"].values())
    assert pete.get(URL, {"role": "written"}).json()["results"][0]["status"] == "published"


def test_writing_unprompted_and_editing_during_a_revision(api_as, people, johns_job):
    john, pete = api_as(people["john"]), api_as(people["pete"])
    response = pete.post(
        URL,
        {"subject": "john", "position": johns_job.pk, "relationship": "same_team", "body": BODY},
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    john.post(f"{URL}{pk}/approve/")
    response = john.post(f"{URL}{pk}/revise/", {"message": "Mention the timetables."})
    assert response.status_code == 200
    assert response.json()["status"] == "revision"
    assert response.json()["revision_note"] == "Mention the timetables."
    assert pete.get(f"{URL}{pk}/").json()["revision_note"] == "Mention the timetables."
    assert john.get(URL, {"about": "john"}).json()["count"] == 0  # off the profile

    response = pete.patch(f"{URL}{pk}/", {"body": BODY + " Timetables too."})
    assert response.status_code == 200
    assert response.json()["status"] == "pending" and "revision_note" not in response.json()
    assert john.post(f"{URL}{pk}/approve/").json()["body"] == BODY + " Timetables too."


def test_hide_show_decline_and_withdraw(api_as, people, johns_job):
    john, pete = api_as(people["john"]), api_as(people["pete"])
    recommendation = published(people, johns_job)
    assert john.post(f"{detail(recommendation)}hide/").json()["status"] == "hidden"
    # The author is not told: to them it still reads as published.
    assert pete.get(detail(recommendation)).json()["status"] == "published"
    assert john.post(f"{detail(recommendation)}show/").json()["status"] == "published"
    response = pete.post(f"{detail(recommendation)}withdraw/")
    assert response.status_code == 204
    same_404(john.get(detail(recommendation)), pete.get(detail(recommendation)))

    other_job = position(people["john"], "Nordic Rail", start=(2010, 1), end=(2011, 1))
    pending = write_for(people, ask(people, other_job))
    response = john.post(f"{detail(pending)}decline/")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    assert pete.get(detail(pending)).json()["status_label"] == "Not accepted"


def test_requests_decline_and_withdraw(api_as, people, johns_job):
    john, pete = api_as(people["john"]), api_as(people["pete"])
    request = ask(people, johns_job)
    response = john.post(f"{REQUESTS_URL}{request.pk}/decline/")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    response = pete.post(f"{REQUESTS_URL}{request.pk}/decline/")
    assert response.status_code == 200 and response.json()["status"] == "declined"
    response = john.post(f"{REQUESTS_URL}{request.pk}/withdraw/")
    assert response.status_code == 409
    assert john.get(REQUESTS_URL, {"direction": "sent"}).json()["results"][0]["status"] == (
        "declined"
    )
    same_404(
        api_as(people["zoe"]).post(f"{REQUESTS_URL}{request.pk}/withdraw/"),
        john.post(f"{REQUESTS_URL}999999/withdraw/"),
    )


# -- only the right role moves a state -----------------------------------------------


def test_only_the_subject_approves_and_nothing_changes_otherwise(api_as, people, johns_job):
    recommendation = write_for(people, ask(people, johns_job))
    url = f"{detail(recommendation)}approve/"
    response = api_as(people["pete"]).post(url)
    assert response.status_code == 403
    assert set(response.json()["error"]) == {"code", "message"}
    same_404(api_as(people["maya"]).post(url), api_as(people["maya"]).post(f"{URL}999999/approve/"))
    recommendation.refresh_from_db()
    assert recommendation.status == Status.PENDING
    api_as(people["john"]).post(url)
    response = api_as(people["john"]).post(url)
    assert response.status_code == 409 and response.json()["error"]["code"] == "wrong_state"


def test_a_reader_who_sees_it_gets_403_and_only_the_author_edits(api_as, people, johns_job):
    recommendation = published(people, johns_job)
    zoe = api_as(people["zoe"])
    assert zoe.get(detail(recommendation)).status_code == 200
    assert zoe.post(f"{detail(recommendation)}hide/").status_code == 403
    assert zoe.patch(detail(recommendation), {"body": "Mine now."}).status_code == 403
    assert api_as(people["john"]).patch(detail(recommendation), {"body": "x"}).status_code == 403
    response = api_as(people["pete"]).patch(detail(recommendation), {"body": "Changed."})
    assert response.status_code == 409  # published: no longer editable
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.body) == (Status.PUBLISHED, BODY)


# -- allow-lists and bad input ------------------------------------------------------------


def test_writes_accept_only_their_documented_fields(api_as, people, johns_job):
    pete = api_as(people["pete"])
    response = pete.post(
        URL,
        {
            "subject": "john",
            "position": johns_job.pk,
            "relationship": "managed",
            "body": BODY,
            "status": "published",
            "author": "maya",
        },
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"status", "author"}
    recommendation = write_for(people, ask(people, johns_job))
    for body in ({"status": "published"}, {"subject": "zoe"}, {}):
        response = pete.patch(detail(recommendation), body)
        assert response.status_code == 400, body
    response = api_as(people["john"]).post(f"{detail(recommendation)}approve/", {"status": "x"})
    assert response.status_code == 400
    response = api_as(people["john"]).post(
        REQUESTS_URL, {"author": "pete", "position": johns_job.pk, "status": "written"}
    )
    assert response.status_code == 400
    assert RecommendationRequest.objects.count() == 1  # the one answered above
    recommendation.refresh_from_db()
    assert recommendation.status == Status.PENDING


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"relationship": "managed", "body": "Hi"}, "subject"),
        ({"subject": "john", "relationship": "managed", "body": "Hi"}, "position"),
        (
            {
                "subject": "john",
                "position": 1,
                "education": 2,
                "relationship": "managed",
                "body": "Hi",
            },
            "education",
        ),
        ({"subject": "john", "position": 1, "relationship": "boss", "body": "Hi"}, "relationship"),
        ({"subject": "john", "position": 1, "relationship": "managed", "body": ""}, "body"),
        ({"request": 1, "subject": "john", "relationship": "managed", "body": "Hi"}, "subject"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_as, people, body, field):
    response = api_as(people["pete"]).post(URL, body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]


def test_a_position_that_is_not_theirs_is_a_400(api_as, people, johns_job, petes_job):
    response = api_as(people["pete"]).post(
        URL, {"subject": "john", "position": petes_job.pk, "relationship": "managed", "body": BODY}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "That is not one of their positions."
    response = api_as(people["john"]).post(
        REQUESTS_URL, {"author": "pete", "position": petes_job.pk}
    )
    assert response.status_code == 400


def test_not_connected_is_a_409(api_as, people, johns_job):
    response = api_as(people["john"]).post(
        REQUESTS_URL, {"author": "maya", "position": johns_job.pk}
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_connected"


# -- privacy: blocked, suspended, strangers --------------------------------------------------


def test_hidden_and_missing_members_look_the_same(api_as, people, johns_job):
    published(people, johns_job)
    maya = api_as(people["maya"])
    connection_services.block_create(blocker=people["john"], blocked=people["maya"])
    same_404(
        maya.get(URL, {"about": "john"}),
        maya.get(URL, {"about": "nobody-here"}),
        maya.post(REQUESTS_URL, {"author": "john", "position": 1}),
        maya.post(URL, {"subject": "john", "position": 1, "relationship": "managed", "body": BODY}),
    )
    member_suspend(member=people["john"])
    zoe = api_as(people["zoe"])
    same_404(zoe.get(URL, {"about": "john"}), zoe.get(URL, {"about": "nobody-here"}))


def test_pending_ones_are_the_same_404_as_missing_ones_for_others(api_as, people, johns_job):
    pending = write_for(people, ask(people, johns_job))
    zoe = api_as(people["zoe"])
    same_404(
        zoe.get(detail(pending)), zoe.get(f"{URL}999999/"), zoe.post(f"{detail(pending)}hide/")
    )


def test_a_block_hides_a_published_recommendation_from_both_and_others(api_as, people, johns_job):
    recommendation = published(people, johns_job)
    connection_services.block_create(blocker=people["pete"], blocked=people["john"])
    john = api_as(people["john"])
    assert john.get(URL).json()["count"] == 0
    assert api_as(people["pete"]).get(URL, {"role": "written"}).json()["count"] == 0
    assert api_as(people["zoe"]).get(URL, {"about": "john"}).json()["count"] == 0
    same_404(john.get(detail(recommendation)), john.get(f"{URL}999999/"))
    assert Recommendation.objects.filter(pk=recommendation.pk, status="published").exists()


def test_suspended_authors_vanish(api_as, people, johns_job):
    published(people, johns_job)
    member_suspend(member=people["pete"])
    assert api_as(people["zoe"]).get(URL, {"about": "john"}).json()["count"] == 0
    assert api_as(people["john"]).get(URL).json()["count"] == 0


def test_reading_needs_a_token(people, johns_job):
    response = APIClient().get(URL, {"about": "john"})
    assert response.status_code == 401
    assert set(response.json()["error"]) == {"code", "message"}


# -- suggestions, lists, schema ---------------------------------------------------------


def test_suggestions(api_as, people, johns_job):
    petes = position(people["pete"], "Atlantic Air Ltd.", start=(2005, 1), end=(2009, 1))
    data = api_as(people["john"]).get(SUGGESTIONS_URL).json()
    (ask_row,) = data["ask"]
    assert ask_row["member"]["handle"] == "pete"
    assert ask_row["text"] == "You and Pete both list Atlantic Air, 2005–2006"
    assert ask_row["about"] == {"position": johns_job.pk}
    assert data["write"][0]["about"] == {"position": petes.pk}
    response = api_as(people["john"]).post(
        REQUESTS_URL, {"author": "pete", **ask_row["about"], "message": ask_row["default_message"]}
    )
    assert response.status_code == 201
    assert api_as(people["john"]).get(SUGGESTIONS_URL).json()["ask"] == []
    assert api_as(people["john"]).get(SUGGESTIONS_URL, {"limit": 0}).status_code == 400


def test_lists_are_paginated_and_cost_the_same_per_page(
    api_as, people, make_member, connect, django_assert_max_num_queries
):
    john = api_as(people["john"])
    for n in range(6):
        other = make_member(f"colleague-{n}")
        connect(people["john"], other)
        job = position(people["john"], f"Company {n}")
        recommendation = services.recommendation_write(
            author=other,
            subject=people["john"],
            position_id=job.pk,
            relationship="managed",
            body="Good.",
        )
        services.recommendation_approve(recommendation_id=recommendation.pk, member=people["john"])
    page = john.get(URL, {"about": "john", "page_size": 4}).json()
    assert page["count"] == 6 and len(page["results"]) == 4 and page["next"]
    with django_assert_max_num_queries(6):
        john.get(URL, {"about": "john"})
    with django_assert_max_num_queries(6):
        john.get(URL)


def test_the_schema_documents_every_endpoint(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/recommendations/",
        "/api/v1/recommendations/{recommendation_id}/",
        "/api/v1/recommendations/{recommendation_id}/approve/",
        "/api/v1/recommendations/{recommendation_id}/hide/",
        "/api/v1/recommendations/{recommendation_id}/show/",
        "/api/v1/recommendations/{recommendation_id}/revise/",
        "/api/v1/recommendations/{recommendation_id}/decline/",
        "/api/v1/recommendations/{recommendation_id}/withdraw/",
        "/api/v1/recommendations/suggestions/",
        "/api/v1/recommendation-requests/",
        "/api/v1/recommendation-requests/{request_id}/decline/",
        "/api/v1/recommendation-requests/{request_id}/withdraw/",
    ):
        assert path in paths, path
    post = paths["/api/v1/recommendations/"]["post"]
    assert {"201", "400", "403", "404", "409"} <= set(post["responses"])
    assert "patch" in paths["/api/v1/recommendations/{recommendation_id}/"]


def test_writing_and_asking_are_throttled(api_as, people, johns_job, monkeypatch):
    from recommendations.api import RecommendThrottle

    monkeypatch.setattr(RecommendThrottle, "rate", "2/minute")
    john = api_as(people["john"])
    codes = [
        john.post(REQUESTS_URL, {"author": "pete", "position": johns_job.pk}).status_code
        for _ in range(3)
    ]
    assert codes == [201, 409, 429]
    assert john.get(URL).status_code == 200  # reading is not limited by it
    response = john.post(REQUESTS_URL, {"author": "pete", "position": johns_job.pk})
    assert response.json()["error"]["retry_after"] > 0


def test_accept_is_approve(api_as, people, johns_job):
    recommendation = write_for(people, ask(people, johns_job))
    response = api_as(people["john"]).post(f"{detail(recommendation)}accept/")
    assert response.status_code == 200 and response.json()["status"] == "published"
