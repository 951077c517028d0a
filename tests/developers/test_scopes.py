"""Scopes, enforced centrally: the DRF default permission reads developers.scopes.AREAS."""

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from connections.models import ConnectionRequest
from connections.services import block_create
from developers.scopes import AREAS, SCOPES_BY_NAME, required_scope
from profiles.services import member_suspend
from tests.developers.conftest import bearer

NETWORK_URL = "/api/v1/network/"
REQUESTS_URL = "/api/v1/connection-requests/"


def assert_refused(response, code: str, *words: str) -> None:
    assert response.status_code == 403, response.content
    error = response.json()["error"]
    assert error["code"] == code
    for word in words:
        assert word in error["message"]


# --- the table ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/api/v1/me/", "profile:read"),
        ("PATCH", "/api/v1/me/", "profile:write"),
        ("PUT", "/api/v1/me/photo/", "profile:write"),
        ("GET", "/api/v1/profiles/carol/", "profile:read"),
        ("GET", "/api/v1/profiles/carol/paths/", "network:read"),
        ("GET", "/api/v1/profiles/{handle}/mutual/", "network:read"),
        ("GET", "/api/v1/network/", "network:read"),
        ("GET", "/api/v1/network/reach/", "reach:read"),
        ("GET", "/api/v1/connections/", "network:read"),
        ("DELETE", "/api/v1/connections/carol/", "connections:write"),
        ("POST", "/api/v1/connection-requests/7/accept/", "connections:write"),
        ("POST", "/api/v1/introductions/", "introductions:write"),
        ("GET", "/api/v1/introductions/3/", "introductions:read"),
        ("POST", "/api/v1/recommendation-requests/", "recommendations:write"),
        ("POST", "/api/v1/asks/5/refer/", "asks:write"),
        ("GET", "/api/v1/me/digest/", "notifications:read"),
        ("HEAD", "/api/v1/notifications/", "notifications:read"),
        ("POST", "/api/v1/reports/", "reports:write"),
    ],
)
def test_scope_comes_from_method_and_area(method, path, scope):
    assert required_scope(method, path).scope == scope


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/auth/token/"),
        ("GET", "/api/v1/auth/tokens/"),
        ("POST", "/api/v1/me/delete/"),
        ("GET", "/api/v1/me/exports/"),
        ("GET", "/api/v1/brand-new-area/"),
        ("POST", "/api/v1/profiles/carol/"),
        ("POST", "/api/v1/network/"),
        ("GET", "/api/schema/"),
        ("GET", "/api/v1/"),
    ],
)
def test_unknown_areas_and_unlisted_methods_are_closed_to_apps(method, path):
    assert required_scope(method, path).scope is None


def test_every_area_names_a_defined_scope():
    for read, write in AREAS.values():
        for scope in (read, write):
            assert scope is None or scope in SCOPES_BY_NAME


# --- enforcement ---------------------------------------------------------------


def test_token_without_network_read_gets_403_naming_the_scope(app_as, alice):
    client = app_as(alice, "profile:read")

    response = client.get(NETWORK_URL)

    assert_refused(response, "insufficient_scope", "network:read", "GET /api/v1/network/")
    assert client.get("/api/v1/me/").status_code == 200


def test_token_with_network_read_gets_the_network(app_as, alice, bob, connect):
    connect(alice, bob)

    response = app_as(alice, "network:read").get(NETWORK_URL)

    assert response.status_code == 200
    assert response.json()["first"] == 1


def test_read_only_token_cannot_send_connection_requests(app_as, alice, bob):
    client = app_as(alice, "network:read profile:read")

    response = client.post(REQUESTS_URL, {"to": "bob", "note": "Hi"}, format="json")

    assert_refused(response, "insufficient_scope", "connections:write")
    assert not ConnectionRequest.objects.exists()
    assert client.get(REQUESTS_URL).status_code == 200


def test_token_with_connections_write_sends_connection_requests(app_as, alice, bob):
    client = app_as(alice, "connections:write")

    response = client.post(REQUESTS_URL, {"to": "bob", "note": "Hi"}, format="json")

    assert response.status_code == 201
    request = ConnectionRequest.objects.get()
    assert (request.from_member_id, request.to_member_id) == (alice.pk, bob.pk)


def test_areas_no_scope_opens_are_closed_even_to_a_token_with_every_scope(app_as, alice):
    client = app_as(alice, " ".join(SCOPES_BY_NAME))

    listed = client.get("/api/v1/auth/tokens/")
    revoked = client.delete("/api/v1/auth/token/")

    assert_refused(listed, "app_not_allowed", "/api/v1/auth/tokens/")
    # The revoke-my-token endpoint takes personal tokens only: a bearer is no one there.
    assert revoked.status_code == 401
    assert client.get("/api/v1/me/").status_code == 200


class _PermissionsReplaced(APIView):
    # A view that overrides the default permissions, as a future endpoint might.
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"ok": True})


def test_a_view_that_replaces_the_default_permissions_is_closed_to_apps(oauth_tokens, alice):
    access = oauth_tokens(alice, "network:read")["access_token"]
    request = APIRequestFactory().get(NETWORK_URL, HTTP_AUTHORIZATION=f"Bearer {access}")

    response = _PermissionsReplaced.as_view()(request)

    assert response.status_code == 403
    assert response.data["error"]["code"] == "app_not_allowed"


def test_sessions_and_personal_tokens_are_not_scoped(api_client, api_as, alice):
    api_client.force_login(alice)

    assert api_client.get(NETWORK_URL).status_code == 200
    assert api_client.get("/api/v1/auth/tokens/").status_code == 200
    assert api_as(alice).get("/api/v1/auth/tokens/").status_code == 200


# --- a token is its member, never more --------------------------------------------


def test_app_sees_a_profile_exactly_as_its_member_does(app_as, api_as, alice, carol):
    carol.profile.contact_email = "carol@private.example"
    carol.profile.save()

    through_app = app_as(alice, "profile:read").get("/api/v1/profiles/carol/")
    as_member = api_as(alice).get("/api/v1/profiles/carol/")

    assert through_app.status_code == as_member.status_code == 200
    assert through_app.json() == as_member.json()
    assert "contact_email" not in through_app.json()


def test_app_gets_the_same_404_as_its_member_for_a_blocked_member(app_as, api_as, alice, carol):
    block_create(blocker=carol, blocked=alice)

    through_app = app_as(alice, "profile:read").get("/api/v1/profiles/carol/")
    as_member = api_as(alice).get("/api/v1/profiles/carol/")
    missing = app_as(alice, "profile:read").get("/api/v1/profiles/nobody/")

    assert through_app.status_code == as_member.status_code == 404
    assert through_app.content == as_member.content == missing.content


def test_suspended_members_app_token_is_401(oauth_tokens, alice):
    client = bearer(oauth_tokens(alice, "profile:read")["access_token"])
    assert client.get("/api/v1/me/").status_code == 200

    member_suspend(member=alice)

    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_unknown_or_expired_bearer_token_is_401_with_a_reason(oauth_tokens, alice):
    client = bearer(oauth_tokens(alice, "profile:read")["access_token"])
    AccessToken.objects.update(expires=timezone.now())

    expired = client.get("/api/v1/me/")
    unknown = bearer("not-a-token").get("/api/v1/me/")

    for response in (expired, unknown):
        assert response.status_code == 401
        assert response.json()["error"] == {
            "code": "authentication_failed",
            "message": "Invalid, expired or revoked access token.",
        }


def test_access_token_in_the_query_string_is_not_accepted(oauth_tokens, api_client, alice):
    access = oauth_tokens(alice, "profile:read")["access_token"]

    response = api_client.get(f"/api/v1/me/?access_token={access}")

    assert response.status_code == 401


def test_use_is_recorded_at_most_once_a_minute(app_as, alice):
    from developers.models import AppAuthorization

    client = app_as(alice, "profile:read")
    client.get("/api/v1/me/")
    first = AppAuthorization.objects.get(member=alice).last_used_at
    assert first is not None

    client.get("/api/v1/me/")

    assert AppAuthorization.objects.get(member=alice).last_used_at == first
