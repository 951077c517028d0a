"""The keep-in-touch API: /api/v1/keep-in-touch/."""

import pytest
from django.urls import reverse

from connections import services as connection_services
from digest import services
from digest.models import KeepInTouch, Touch
from profiles.services import member_suspend

pytestmark = pytest.mark.django_db

LIST = "/api/v1/keep-in-touch/"


def detail(handle: str) -> str:
    return f"/api/v1/keep-in-touch/{handle}/"


def touch(handle: str) -> str:
    return f"/api/v1/keep-in-touch/{handle}/touch/"


def test_the_paths_are_the_documented_ones():
    assert reverse("api-keep-in-touch") == LIST
    assert reverse("api-keep-in-touch-detail", args=["bob"]) == detail("bob")
    assert reverse("api-keep-in-touch-touch", args=["bob"]) == touch("bob")


def test_add_list_change_touch_and_remove(circle, api_as):
    api = api_as(circle["alice"])

    created = api.post(LIST, {"handle": "Bob", "interval_months": 1})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["handle"] == "bob"
    assert body["full_name"] == "Bob Baker"
    assert body["interval_months"] == 1
    assert body["overdue"] is False
    assert body["last_touched_at"] is None
    assert body["last_touch_how"] == ""
    assert "contact_email" not in body and "phone" not in body and "website" not in body

    assert api.post(LIST, {"handle": "carol"}).json()["interval_months"] == 3  # the default

    page = api.get(LIST).json()
    assert page["count"] == 2
    assert [r["handle"] for r in page["results"]] == ["bob", "carol"]  # soonest due first

    changed = api.patch(detail("bob"), {"interval_months": 12})
    assert changed.status_code == 200
    assert changed.json()["interval_months"] == 12
    assert [r["handle"] for r in api.get(LIST).json()["results"]] == ["carol", "bob"]

    touched = api.post(touch("carol"), {"note": "Had coffee"})
    assert touched.status_code == 200
    assert touched.json()["last_touch_how"] == "manual"
    assert touched.json()["last_touch_note"] == "Had coffee"
    assert touched.json()["last_touched_at"] is not None

    assert api.post(touch("bob"), {}).json()["last_touch_note"] == ""

    removed = api.delete(detail("bob"))
    assert removed.status_code == 204
    assert [r["handle"] for r in api.get(LIST).json()["results"]] == ["carol"]
    assert api.delete(detail("bob")).status_code == 404


def test_the_list_is_private(circle, api_as):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    assert api_as(circle["bob"]).get(LIST).json()["count"] == 0
    assert api_as(circle["bob"]).post(touch("bob"), {}).status_code == 404
    assert api_as(circle["carol"]).delete(detail("bob")).status_code == 404
    assert KeepInTouch.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"handle": "bob", "interval_months": 2}, "interval_months"),
        ({"handle": "bob", "interval_months": "often"}, "interval_months"),
        ({"interval_months": 3}, "handle"),
        ({"handle": "bob", "member": "carol"}, "member"),
        ({"handle": "bob", "next_due_at": "2020-01-01T00:00:00Z"}, "next_due_at"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(circle, api_as, payload, field):
    response = api_as(circle["alice"]).post(LIST, payload)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert field in response.json()["error"]["fields"]
    assert not KeepInTouch.objects.exists()


def test_writes_accept_only_their_fields(circle, api_as):
    api = api_as(circle["alice"])
    api.post(LIST, {"handle": "bob"})
    response = api.patch(detail("bob"), {"interval_months": 6, "reminded_at": None})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["reminded_at"]
    long_note = api.post(touch("bob"), {"note": "x" * 301})
    assert long_note.status_code == 400
    assert "note" in long_note.json()["error"]["fields"]
    assert not Touch.objects.exists()
    assert KeepInTouch.objects.get().interval_months == 3


def test_not_connected_and_already_listed_are_409(circle, api_as):
    api = api_as(circle["alice"])
    response = api.post(LIST, {"handle": "eve"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_connected"
    api.post(LIST, {"handle": "bob"})
    again = api.post(LIST, {"handle": "bob"})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_listed"


def test_yourself_is_a_400(circle, api_as):
    response = api_as(circle["alice"]).post(LIST, {"handle": "alice"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "self"


def test_hidden_members_look_exactly_like_missing_ones(circle, api_as):
    api = api_as(circle["alice"])
    api.post(LIST, {"handle": "dave"})
    connection_services.block_create(blocker=circle["bob"], blocked=circle["alice"])
    member_suspend(member=circle["carol"])
    missing = api.post(LIST, {"handle": "nobody"})
    assert missing.status_code == 404
    for handle in ("bob", "carol"):
        response = api.post(LIST, {"handle": handle})
        assert (response.status_code, response.content) == (404, missing.content)
    member_suspend(member=circle["dave"])
    assert api.get(LIST).json()["count"] == 0
    for method, url in (("patch", detail("dave")), ("post", touch("dave"))):
        response = getattr(api, method)(url, {"interval_months": 1} if method == "patch" else {})
        assert (response.status_code, response.content) == (404, missing.content)
        nobody = getattr(api, method)(
            url.replace("dave", "nobody"), {"interval_months": 1} if method == "patch" else {}
        )
        assert nobody.content == response.content


def test_anonymous_gets_401(client):
    assert client.get(LIST).status_code == 401


def test_list_query_count_is_pinned(
    circle, make_member, connect, api_as, django_assert_num_queries
):
    api = api_as(circle["alice"])
    for other in ("bob", "carol", "dave"):
        services.keep_in_touch_add(member=circle["alice"], other=circle[other])
    api.get(LIST)  # the token's last-used stamp is written at most once a while
    # token, count, one page with profiles and the visibility checks
    with django_assert_num_queries(3):
        assert api.get(LIST).json()["count"] == 3
    for i in range(8):
        member = make_member(f"friend{i}")
        connect(circle["alice"], member)
        services.keep_in_touch_add(member=circle["alice"], other=member)
    with django_assert_num_queries(3):
        assert len(api.get(LIST).json()["results"]) == 11


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/v1/keep-in-touch/",
        "/api/v1/keep-in-touch/{handle}/",
        "/api/v1/keep-in-touch/{handle}/touch/",
        "/api/v1/me/digest/",
        "/api/v1/digest/",
    ):
        assert path in schema
