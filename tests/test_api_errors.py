"""One error format for every 4xx of the API, and the API's published schema and docs."""

import re
from datetime import timedelta

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.utils import timezone
from rest_framework import throttling
from rest_framework.test import APIClient

from profiles.models import ApiToken
from profiles.services import api_token_create, api_token_revoke, member_suspend

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/me/"
ERROR_KEYS = {"code", "message", "fields", "retry_after", "resets_at"}


def assert_error(response, status: int, code: str) -> dict:
    """The response is `status` with exactly {"error": {"code", "message", ...}}."""
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert {"code", "message"} <= set(error) <= ERROR_KEYS
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    return error


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# --- 400 ----------------------------------------------------------------------


def test_validation_error_is_400_with_messages_per_field(api_as, alice):
    response = api_as(alice).patch(
        ME_URL, {"industry": "piracy", "website": "not a url"}, format="json"
    )

    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"industry", "website"}
    assert all(
        isinstance(messages, list) and all(isinstance(m, str) for m in messages)
        for messages in error["fields"].values()
    )


def test_nested_validation_errors_are_named_by_path(api_as, alice):
    response = api_as(alice).patch(
        ME_URL,
        {"positions": [{"title": "CTO", "organization": "Acme", "start": "June 2020"}]},
        format="json",
    )

    error = assert_error(response, 400, "invalid")
    assert set(error["fields"]) == {"positions[0].start"}


def test_malformed_json_is_400(api_as, alice):
    response = api_as(alice).patch(ME_URL, data="{not json", content_type="application/json")

    assert_error(response, 400, "parse_error")


def test_a_body_that_is_not_an_object_is_400(api_as, alice):
    response = api_as(alice).patch(ME_URL, [1, 2], format="json")

    error = assert_error(response, 400, "invalid")
    assert "non_field_errors" in error["fields"]


def test_domain_refusal_is_400_without_fields(api_client, alice):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "wrong-wrong"}
    )

    error = assert_error(response, 400, "invalid_credentials")
    assert "fields" not in error


# --- 401 ----------------------------------------------------------------------


def test_no_token_is_401_with_a_challenge(api_client):
    response = api_client.get(ME_URL)

    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == "Token"


def test_unknown_token_is_401(alice):
    response = token_client("this-is-not-a-token").get(ME_URL)

    assert_error(response, 401, "authentication_failed")


def test_malformed_authorization_header_is_401(alice):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token two parts")

    assert_error(client.get(ME_URL), 401, "authentication_failed")


def test_revoked_token_is_401(alice):
    token, key = api_token_create(user=alice, name="test")
    client = token_client(key)
    assert client.get(ME_URL).status_code == 200

    api_token_revoke(token=token)

    assert_error(client.get(ME_URL), 401, "authentication_failed")


def test_expired_token_is_401(alice):
    token, key = api_token_create(user=alice, name="test", ttl=timedelta(hours=1))
    client = token_client(key)
    assert client.get(ME_URL).status_code == 200

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    assert_error(client.get(ME_URL), 401, "authentication_failed")


def test_suspended_members_token_is_401(alice):
    _, key = api_token_create(user=alice, name="test")

    member_suspend(member=alice)

    assert_error(token_client(key).get(ME_URL), 401, "authentication_failed")


def test_suspended_members_session_is_401(api_client, alice):
    api_client.force_login(alice)
    assert api_client.get(ME_URL).status_code == 200

    member_suspend(member=alice)

    assert_error(api_client.get(ME_URL), 401, "not_authenticated")


# --- 404, 405, 415 ------------------------------------------------------------


def test_not_found_is_404(api_as, alice):
    response = api_as(alice).get("/api/v1/profiles/nobody-here/")

    assert_error(response, 404, "not_found")


def test_method_not_allowed_is_405(api_as, alice):
    response = api_as(alice).put(ME_URL, {"headline": "x"}, format="json")

    error = assert_error(response, 405, "method_not_allowed")
    assert "PUT" in error["message"]


def test_unsupported_media_type_is_415(api_as, alice):
    response = api_as(alice).patch(ME_URL, data="headline=x", content_type="text/plain")

    assert_error(response, 415, "unsupported_media_type")


# --- 429 ----------------------------------------------------------------------


@pytest.fixture
def low_user_rate(monkeypatch):
    # DRF copies DEFAULT_THROTTLE_RATES onto SimpleRateThrottle when it is
    # imported, so overriding settings.REST_FRAMEWORK in a test changes
    # nothing; patch the class attribute the throttles read instead.
    rates = {**throttling.SimpleRateThrottle.THROTTLE_RATES, "user": "3/minute"}
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", rates)


def test_too_many_requests_is_429_with_retry_after(api_as, alice, low_user_rate):
    client = api_as(alice)
    for _ in range(3):
        assert client.get(ME_URL).status_code == 200

    response = client.get(ME_URL)

    error = assert_error(response, 429, "throttled")
    assert isinstance(error["retry_after"], int)
    assert 0 < error["retry_after"] <= 60
    assert response["Retry-After"] == str(error["retry_after"])


def test_user_rate_counts_per_member_not_per_token(api_as, alice, bob, low_user_rate):
    clients = [api_as(alice) for _ in range(4)]
    for client in clients[:3]:
        assert client.get(ME_URL).status_code == 200

    assert clients[3].get(ME_URL).status_code == 429
    assert api_as(bob).get(ME_URL).status_code == 200


# --- schema and docs ----------------------------------------------------------


def test_schema_is_served(api_client):
    response = api_client.get("/api/schema/")

    assert response.status_code == 200
    assert b"/api/v1/me/" in response.content


def test_docs_render_from_vendored_assets_without_a_cdn(api_client):
    response = api_client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assert "cdn" not in html.lower()
    for asset in re.findall(r"/static/(drf_spectacular_sidecar/[^\"']+)", html):
        assert finders.find(asset), asset


def test_schema_generates_without_warnings(tmp_path):
    # The same check as `manage.py spectacular --fail-on-warn --validate`.
    call_command(
        "spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yml")
    )

    assert (tmp_path / "schema.yml").read_text().startswith("openapi:")


@pytest.mark.django_db
def test_unknown_api_path_gives_the_json_error_format(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found."}}


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5"])
def test_a_page_number_that_is_not_a_whole_number_from_1_is_a_400(api_as, alice, page):
    error = assert_error(api_as(alice).get(f"/api/v1/connections/?page={page}"), 400, "invalid")
    assert error["fields"] == {"page": ["A page number is a whole number from 1."]}


def test_a_page_past_the_end_is_a_404_that_says_so(api_as, alice):
    error = assert_error(api_as(alice).get("/api/v1/connections/?page=7"), 404, "not_found")
    assert error["message"].startswith("There is no page 7")


def test_every_paginated_list_documents_its_page_errors():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paginated = [
        (path, method, op)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if any(p["name"] == "page" for p in op.get("parameters", []))
    ]
    assert len(paginated) >= 5
    for path, method, op in paginated:
        assert {"400", "404"} <= set(map(str, op["responses"])), (method, path)
