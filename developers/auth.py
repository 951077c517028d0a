"""`Authorization: Bearer <access token>` for OAuth apps, in DRF and in the API docs."""

from typing import Any

from django.urls import reverse
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from oauth2_provider.contrib.rest_framework import OAuth2Authentication as BaseOAuth2Authentication
from oauth2_provider.models import AbstractAccessToken
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.request import Request

from developers.permissions import IsAuthenticatedWithScope
from developers.scopes import SCOPES, required_scope
from profiles.models import User

INVALID = "Invalid, expired or revoked access token."


class OAuth2Authentication(BaseOAuth2Authentication):
    """An OAuth app's access token. The app acts as the member who authorized it.

    Unlike the toolkit's class, a Bearer token that does not work is a 401 with a
    reason rather than an anonymous request. A token is refused when its member is
    suspended or has revoked the app (INVARIANTS 8: revocation is immediate), when the
    app's developer is suspended, and on any endpoint that does not enforce scopes:
    scopes fail closed.
    """

    def authenticate(self, request: Request) -> tuple[User, AbstractAccessToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid bearer token header.")
        result = super().authenticate(request)
        if result is None:
            raise exceptions.AuthenticationFailed(INVALID)
        from developers import services  # not at import: DRF imports this module early

        user, token = result
        if not isinstance(user, User) or not user.is_active or user.is_suspended:
            raise exceptions.AuthenticationFailed(INVALID)
        from developers.oauth import app_is_usable

        if not app_is_usable(token.application):  # its developer was suspended
            raise exceptions.AuthenticationFailed(INVALID)
        if not services.app_authorization_touch(
            member_id=user.pk, application_id=token.application_id
        ):
            raise exceptions.AuthenticationFailed(INVALID)
        view = (request.parser_context or {}).get("view")
        if view is None or not any(
            isinstance(permission, IsAuthenticatedWithScope)
            for permission in view.get_permissions()
        ):
            # A view that replaced the default permissions would not check scopes.
            raise exceptions.PermissionDenied(
                "This endpoint is not available to OAuth apps.", code="app_not_allowed"
            )
        return user, token


class OAuth2Scheme(OpenApiAuthenticationExtension):
    target_class = "developers.auth.OAuth2Authentication"
    name = "oauth2"

    # drf-spectacular reads None as "this scheme does not apply here"; its stub omits it.
    def get_security_requirement(  # type: ignore[override]
        self, auto_schema: Any
    ) -> dict[str, list[str]] | None:
        requirement = required_scope(auto_schema.method, auto_schema.path)
        if requirement.scope is None:
            return None  # closed to apps: the operation does not list OAuth
        return {self.name: [requirement.scope]}

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        token_url = reverse("oauth2_provider:token")
        return {
            "type": "oauth2",
            "description": (
                "For apps acting for a member: the authorization-code flow with PKCE "
                "(S256) is required. Register an app at /developers/apps/. Send the access "
                "token as `Authorization: Bearer <token>`. Each operation lists the one "
                "scope it needs; operations without the oauth2 scheme are closed to apps."
            ),
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": reverse("oauth2_provider:authorize"),
                    "tokenUrl": token_url,
                    "refreshUrl": token_url,
                    "scopes": {scope.name: scope.label for scope in SCOPES},
                }
            },
        }
