"""Helpers to drive django-oauth-toolkit's authorization-code flow with PKCE in tests.

Everything goes through the real endpoints (/oauth/authorize/, /oauth/token/), with
Django's test client logged in as the member, as a browser would.
"""

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from rest_framework.test import APIClient

from developers import services
from profiles.models import User

REDIRECT_URI = "https://client.example/callback"


@dataclass
class App:
    application: Any
    secret: str

    @property
    def client_id(self) -> str:
        return str(self.application.client_id)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return verifier, challenge


def authorize_query(app: App, *, scope: str | None, challenge: str | None, **extra: str) -> str:
    params = {
        "response_type": "code",
        "client_id": app.client_id,
        "redirect_uri": REDIRECT_URI,
        "state": "xyz-state",
    }
    if scope is not None:
        params["scope"] = scope
    if challenge is not None:
        params |= {"code_challenge": challenge, "code_challenge_method": "S256"}
    params |= extra
    return "/oauth/authorize/?" + urlencode(params)


def redirect_params(response: Any) -> dict[str, str]:
    assert response.status_code == 302, response.content[:500]
    location = response["Location"]
    assert location.startswith(REDIRECT_URI), location
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def consent(
    client: Client, app: App, *, scope: str, challenge: str, allow: bool = True, **extra: str
) -> Any:
    """GET the consent page, then POST its form back (Allow or Cancel)."""
    page = client.get(authorize_query(app, scope=scope, challenge=challenge, **extra))
    assert page.status_code == 200, page.content[:500]
    form = page.context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    if allow:
        data["allow"] = "Allow"
    return client.post("/oauth/authorize/", data)


def exchange(app: App, *, code: str, verifier: str | None, secret: str | None = None) -> Any:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": app.client_id,
    }
    if verifier is not None:
        data["code_verifier"] = verifier
    if secret is None:
        secret = app.secret
    if secret:
        data["client_secret"] = secret
    return Client().post("/oauth/token/", data)


def refresh(app: App, refresh_token: str) -> Any:
    """POST a refresh-token grant for the confidential app."""
    return Client().post(
        "/oauth/token/",
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": app.client_id,
            "client_secret": app.secret,
        },
    )


def bearer(access_token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access_token}")
    return client


@pytest.fixture
def developer(make_member) -> User:
    return make_member("dev", full_name="Dana Developer")


@pytest.fixture
def make_app(developer):
    def make(*, client_type: str = "confidential", name: str = "Route Planner") -> App:
        application, secret = services.application_register(
            owner=developer, name=name, redirect_uris=[REDIRECT_URI], client_type=client_type
        )
        return App(application, secret)

    return make


@pytest.fixture
def oauth_app(make_app) -> App:
    return make_app()


@pytest.fixture
def oauth_tokens(oauth_app):
    """Run the whole flow for `member` and return the token response (access, refresh)."""

    def run(member: User, scope: str, app: App | None = None) -> dict[str, Any]:
        app = app or oauth_app
        client = Client()
        client.force_login(member)
        verifier, challenge = pkce_pair()
        code = redirect_params(consent(client, app, scope=scope, challenge=challenge))["code"]
        response = exchange(app, code=code, verifier=verifier)
        assert response.status_code == 200, response.content
        return response.json()

    return run


@pytest.fixture
def app_as(oauth_tokens):
    """An APIClient acting through the OAuth app for `member`, with these scopes."""

    def make(member: User, scope: str) -> APIClient:
        return bearer(oauth_tokens(member, scope)["access_token"])

    return make
