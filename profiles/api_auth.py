from functools import cache
from typing import Any

from django.db import connection
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from common.db import model_columns, run_prepared
from profiles.models import ApiToken, User


@cache
def _token_sql() -> tuple[str, list[str], list[str]]:
    token_fields, token_columns = model_columns(ApiToken, "t")
    user_fields, user_columns = model_columns(User, "u")
    sql = (
        f"SELECT {token_columns}, {user_columns} FROM {ApiToken._meta.db_table} t"  # noqa: S608 (model metadata only)
        f" JOIN {User._meta.db_table} u ON u.id = t.user_id WHERE t.key_hash = %s"
    )
    return sql, token_fields, user_fields


def token_with_user(key_hash: str) -> ApiToken | None:
    """The token with this hash and its member, in one statement written once.

    What `ApiToken.objects.select_related("user").filter(...)` does, without building
    and compiling that query on every request: on the API's hot path the compiling
    cost more than the query (docs/benchmarks.md, the load test).
    """
    sql, token_fields, user_fields = _token_sql()
    with connection.cursor() as cur:
        run_prepared(cur, sql, [key_hash])
        row = cur.fetchone()
    if row is None:
        return None
    token = ApiToken.from_db(connection.alias, token_fields, row[: len(token_fields)])
    token.user = User.from_db(connection.alias, user_fields, row[len(token_fields) :])
    return token


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`. Revoked, expired and suspended-member tokens fail at once,
    each with a 401 that says why (to the key's holder only)."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed("Invalid token header.") from exc
        token = token_with_user(ApiToken.hash_key(key))
        now = timezone.now()
        # Only the holder of the key learns why it stopped working.
        if token is None or not token.user.is_active or token.user.is_suspended:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(
                f"This token was revoked on {token.revoked_at:%Y-%m-%d %H:%M} UTC."
            )
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                f"This token expired on {token.expires_at:%Y-%m-%d %H:%M} UTC. Create a new "
                "one at /settings/tokens/ or with POST /api/v1/auth/token/."
            )
        if token.last_used_at is None or now - token.last_used_at > ApiToken.TOUCH_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "profiles.api_auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "A personal API token, acting as you with everything you can do: "
                "`Token <key>`. Create one at /settings/tokens/ or with "
                "POST /api/v1/auth/token/; the key is shown once."
            ),
        }
