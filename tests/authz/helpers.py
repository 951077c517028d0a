"""Acting as someone, and looking at what comes back."""

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.authz.world import World

IGNORED_HEADERS = {"date"}


def client_for(world: World, viewer: str | None, via: str) -> Client:
    """`via`: "token" (personal API token), "session" (the browser's cookie, for the API
    or pages), "anon" (no credentials), or "oauth:<name>" (a named OAuth access token)."""
    if via == "anon" or viewer is None:
        return world.api(None)
    if via == "token":
        return world.api(viewer)
    if via == "session":
        return world.session_api(viewer)
    if via.startswith("oauth:"):
        return world.bearer(via.removeprefix("oauth:"))
    raise ValueError(via)


def require_path(path: str) -> None:
    """Skip, saying so, when a surface is not in the tree yet."""
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        pytest.skip(f"{path} is not routed yet (its app is still being built)")


def call(client: Client, method: str, path: str, body: Any = None) -> Any:
    require_path(path)
    if method == "GET":
        return client.get(path)
    if isinstance(client, Client) and not hasattr(client, "credentials"):
        # A page: a form post.
        return getattr(client, method.lower())(path, body or {})
    return getattr(client, method.lower())(path, body if body is not None else {}, format="json")


def headers_of(response: Any) -> dict[str, str]:
    headers = {
        k.lower(): v for k, v in response.headers.items() if k.lower() not in IGNORED_HEADERS
    }
    cookies = sorted(response.cookies)  # names only: cookie values are random per request
    headers["set-cookie-names"] = ",".join(cookies)
    return headers


def assert_same_as_missing(hidden: Any, missing: Any, *, what: str) -> None:
    """INVARIANTS 5: status, body and headers (but Date) byte-identical."""
    assert hidden.status_code == missing.status_code, (
        f"{what}: status {hidden.status_code} for the hidden one, {missing.status_code} for a"
        f" missing one; bodies {hidden.content[:300]!r} / {missing.content[:300]!r}"
    )
    assert hidden.content == missing.content, (
        f"{what}: bodies differ:\n hidden:  {hidden.content[:500]!r}\n missing: "
        f"{missing.content[:500]!r}"
    )
    assert headers_of(hidden) == headers_of(missing), f"{what}: headers differ"


def text_of(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json") and text:
        # Decode \u escapes so a name with an accent or a quote is compared as text.
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def leaks(text: str, secrets: dict[str, str]) -> list[str]:
    return [f"{value!r} ({why})" for value, why in secrets.items() if value in text]
