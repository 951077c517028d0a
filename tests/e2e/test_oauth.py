"""An OAuth app, in a real browser: a member logs in, reads the consent page, allows the
app, finds it in Settings → Apps and revokes it; the app's next API call is refused.

The app's side (the redirect URI, the token exchange, the API calls) is played by
the test: Playwright answers for https://client.example, and the test calls the
live server's token endpoint and API directly.
"""

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from developers import services
from tests.developers.conftest import App, authorize_query, pkce_pair
from tests.e2e.helpers import member
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

REDIRECT_URI = "https://client.example/callback"


def call(url: str, *, data: dict[str, str] | None = None, token: str = "") -> tuple[int, Any]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)  # noqa: S310 (the live server's http URL)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_member_allows_an_app_then_revokes_it(new_page, live_server) -> None:
    developer = member("dev", "Dana Developer")
    member("maya", "Maya Lind")
    application, secret = services.application_register(
        owner=developer,
        name="Route Planner",
        redirect_uris=[REDIRECT_URI],
        client_type="confidential",
    )
    app = App(application, secret)
    verifier, challenge = pkce_pair()

    page = new_page()
    callbacks: list[str] = []

    def the_app(route: Route) -> None:
        callbacks.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Route Planner</h1>")

    page.route("https://client.example/**", the_app)

    # The app sends Maya to LinkUp; she logs in first and comes back to the consent page.
    page.goto(authorize_query(app, scope="profile:read network:read", challenge=challenge))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label(re.compile(r"^Login:?$")).fill("maya")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(
        page.get_by_role("heading", name="Allow Route Planner to use your LinkUp account?")
    ).to_be_visible()
    expect(page.get_by_text("See your profile and the profiles you can see")).to_be_visible()
    expect(page.get_by_text("See your network", exact=True)).to_be_visible()
    expect(page.get_by_text("client.example")).to_be_visible()
    page.get_by_role("button", name="Allow").click()

    expect(page.get_by_role("heading", name="Route Planner")).to_be_visible()
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(callbacks[-1]).query)
    assert query["state"] == ["xyz-state"]

    # The app exchanges the code (with its PKCE verifier) and calls the API as Maya.
    status, tokens = call(
        f"{live_server.url}/oauth/token/",
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT_URI,
            "client_id": app.client_id,
            "client_secret": secret,
            "code_verifier": verifier,
        },
    )
    assert status == 200, tokens
    access = tokens["access_token"]
    status, me = call(f"{live_server.url}/api/v1/me/", token=access)
    assert (status, me["handle"]) == (200, "maya")

    # Maya finds the app in her settings, with what it may do, and revokes it.
    page.goto("/settings/apps/")
    row = page.locator(".app-authorization", has_text="Route Planner")
    expect(row).to_contain_text("See your network")
    expect(row).to_contain_text("last used")
    row.get_by_text("Revoke…").click()
    row.get_by_role("button", name="Revoke access").click()
    expect(page.get_by_text("Access revoked.")).to_be_visible()
    expect(page.get_by_text("No app has access to your account.")).to_be_visible()

    status, body = call(f"{live_server.url}/api/v1/me/", token=access)
    assert status == 401
    assert body["error"]["code"] == "authentication_failed"


def test_member_refuses_an_app(new_page, live_server) -> None:
    developer = member("dev", "Dana Developer")
    member("maya", "Maya Lind")
    application, secret = services.application_register(
        owner=developer, name="Nosy App", redirect_uris=[REDIRECT_URI], client_type="public"
    )
    _, challenge = pkce_pair()
    page = new_page()
    callbacks: list[str] = []

    def the_app(route: Route) -> None:
        callbacks.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Nosy App</h1>")

    page.route("https://client.example/**", the_app)
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^Login:?$")).fill("maya")
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/home/$"))

    page.goto(
        authorize_query(App(application, secret), scope="connections:write", challenge=challenge)
    )
    expect(page.get_by_text("Manage your connections in your name")).to_be_visible()
    page.get_by_role("button", name="Cancel").click()

    expect(page.get_by_role("heading", name="Nosy App")).to_be_visible()
    assert "error=access_denied" in callbacks[-1]
    page.goto("/settings/apps/")
    expect(page.get_by_text("No app has access to your account.")).to_be_visible()
