"""Abuse limits (scraping, reports, password guessing) and the security headers."""

import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from moderation.models import Report
from profiles.models import ApiToken
from tests.moderation.conftest import HTMX

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rates(settings):
    """Set some throttle rates low for one test (DRF reloads its settings on change)."""

    def set_rates(**low: str) -> None:
        framework = settings.REST_FRAMEWORK
        settings.REST_FRAMEWORK = {
            **framework,
            "DEFAULT_THROTTLE_RATES": {**framework["DEFAULT_THROTTLE_RATES"], **low},
        }

    return set_rates


def assert_api_429(response) -> None:
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled"
    assert "throttled" in error["message"].lower()
    assert 0 < error["retry_after"] <= 86400
    assert int(response["Retry-After"]) == error["retry_after"]


# -- scraping -------------------------------------------------------------------------------


def test_search_is_limited_per_member_in_the_api(rates, api_as, alice, bob):
    rates(search="3/minute")
    client = api_as(alice)
    for _ in range(3):
        assert client.get("/api/v1/profiles/?q=bob").status_code == 200
    assert_api_429(client.get("/api/v1/profiles/?q=bob"))
    # Another member (from another address) is not affected.
    other = api_as(bob)
    assert other.get("/api/v1/profiles/?q=alice", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_search_page_is_limited_per_member(rates, client, alice):
    rates(search="2/minute")
    client.force_login(alice)
    for _ in range(2):
        assert client.get("/search/?q=bob").status_code == 200
    response = client.get("/search/?q=bob")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Try again in" in response.content.decode()


def test_search_by_day_too(rates, api_as, alice):
    rates(search_day="2/day")
    client = api_as(alice)
    client.get("/api/v1/profiles/?q=x")
    client.get("/api/v1/profiles/?q=x")
    response = client.get("/api/v1/profiles/?q=x")
    assert response.status_code == 429
    assert 60 < response.json()["error"]["retry_after"] <= 86400


def test_profiles_are_limited_per_address_for_everyone(rates, client, api_as, alice, bob, carol):
    rates(profile_ip="3/minute")
    # Logged out, from one address: the fourth profile is refused...
    for handle in ["alice", "bob", "carol"]:
        assert client.get(f"/in/{handle}/", REMOTE_ADDR="10.1.1.1").status_code == 200
    assert client.get("/in/alice/", REMOTE_ADDR="10.1.1.1").status_code == 429
    # ...a forged X-Forwarded-For does not help (no proxy is trusted by default)...
    forged = client.get("/in/alice/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert forged.status_code == 429
    # ...and the API from that address shares the limit, whoever's token it uses.
    assert_api_429(api_as(carol).get("/api/v1/profiles/alice/", REMOTE_ADDR="10.1.1.1"))
    # Another address is fine.
    assert client.get("/in/alice/", REMOTE_ADDR="10.1.1.2").status_code == 200


def test_profile_reads_are_limited_per_member(rates, api_as, alice, bob):
    rates(profile="2/minute")
    client = api_as(alice)
    assert client.get("/api/v1/profiles/bob/").status_code == 200
    assert client.get("/api/v1/profiles/bob/paths/").status_code == 200
    assert_api_429(client.get("/api/v1/profiles/bob/mutual/"))


def test_own_pages_are_not_limited_by_the_scraping_limits(rates, client, alice):
    rates(profile="1/minute", profile_ip="1/minute", search="1/minute")
    client.force_login(alice)
    for _ in range(3):
        assert client.get("/home/").status_code == 200
        assert client.get("/network/").status_code == 200


# -- reports ------------------------------------------------------------------------------------


def test_reports_are_limited_per_member(rates, api_as, client, alice, bob, carol, make_member):
    rates(report="2/hour")
    dave = make_member("dave")
    api = api_as(alice)
    assert (
        api.post("/api/v1/reports/", {"type": "profile", "id": "bob", "reason": "spam"}).status_code
        == 201
    )
    assert (
        api.post(
            "/api/v1/reports/", {"type": "profile", "id": "carol", "reason": "spam"}
        ).status_code
        == 201
    )
    assert_api_429(
        api.post("/api/v1/reports/", {"type": "profile", "id": "dave", "reason": "spam"})
    )
    # The page shares the limit; looking at the form is not counted.
    client.force_login(alice)
    assert client.get(f"/report/profile/{dave.username}/").status_code == 200
    assert client.post(f"/report/profile/{dave.username}/", {"reason": "spam"}).status_code == 429
    # Under htmx only the card is swapped in, with the wait.
    swapped = client.post(f"/report/profile/{dave.username}/", {"reason": "spam"}, **HTMX)
    assert swapped.status_code == 429 and int(swapped["Retry-After"]) > 0
    assert "<html" not in swapped.content.decode()
    assert "Try again in" in swapped.content.decode()
    assert Report.objects.count() == 2


# -- logging in ------------------------------------------------------------------------------------


def test_token_guesses_are_limited_per_account_across_addresses(rates, api_client, alice, password):
    rates(auth_username="3/hour")
    for i in range(3):
        response = api_client.post(
            "/api/v1/auth/token/",
            {"username": "Alice", "password": "guess"},
            REMOTE_ADDR=f"10.9.0.{i}",
        )
        assert response.status_code == 400
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": password}, REMOTE_ADDR="10.9.1.1"
    )
    assert_api_429(response)
    assert not ApiToken.objects.exists()
    # Another account is not affected.
    other = api_client.post(
        "/api/v1/auth/token/", {"username": "bob", "password": "guess"}, REMOTE_ADDR="10.9.1.1"
    )
    assert other.status_code == 400


def test_token_guesses_are_limited_per_address(api_client, alice):
    # The "auth" rate: 10 a minute from one address, whatever the account.
    for i in range(10):
        api_client.post("/api/v1/auth/token/", {"username": f"user{i}", "password": "x"})
    assert_api_429(api_client.post("/api/v1/auth/token/", {"username": "alice", "password": "x"}))


def test_failed_logins_are_rate_limited(client, alice, password):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "alice", "password": password})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


# -- security headers ------------------------------------------------------------------------------


def csp(response) -> dict[str, list[str]]:
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        policy[name] = values
    return policy


def test_pages_carry_a_strict_content_security_policy(client, alice):
    client.force_login(alice)
    for url in ["/home/", "/in/alice/", "/accounts/login/", "/admin/login/"]:
        policy = csp(client.get(url))
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"]


def test_security_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    permissions = response["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()"]:
        assert feature in permissions
    assert "Content-Security-Policy" in client.get("/api/v1/me/")


def test_api_docs_work_under_the_policy(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content
    # No inline script: the start-up script comes from the docs URL itself...
    assert not re.search(rb"<script(?![^>]*\bsrc=)[^>]*>", html)
    script = re.search(rb'<script src="([^"]*script=[^"]*)"', html)
    assert script is not None
    start = client.get(script.group(1).decode().replace("&amp;", "&"))
    assert start.status_code == 200 and b"SwaggerUIBundle" in start.content
    # ...and its one inline <style> block is allowed by its hash only.
    (block,) = re.findall(rb"<style[^>]*>(.*?)</style>", html, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(block).digest()).decode()
    assert f"'sha256-{digest}'" in csp(response)["style-src"]
    assert "'unsafe-inline'" not in csp(response)["style-src"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\s(on[a-z]+)\s*=", re.I)


def test_templates_have_no_inline_script_or_event_handlers():
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        source = path.read_text()
        if "emails" in path.parts:
            continue  # e-mails are not served as pages
        for pattern in (INLINE_SCRIPT, HANDLER):
            problems.extend(
                f"{path.relative_to(ROOT)}: {m.group(0)[:60]}" for m in pattern.finditer(source)
            )
    assert not problems, "\n".join(problems)


def test_deploy_check_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="linkup.settings.production",
        DJANGO_ALLOWED_HOSTS="linkup.example",
        DJANGO_SECRET_KEY="x" * 20 + "-deploy-check-key-" + "y" * 30,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # The API schema's own warnings (drf_spectacular.W001) are `make checks`' business
    # (spectacular --fail-on-warn); every other issue, security and CSP first, fails here.
    issues = re.findall(r"\((\w+\.[A-Z]\d+)\)", result.stdout + result.stderr)
    assert [i for i in issues if not i.startswith("drf_spectacular.")] == [], result.stderr
    assert result.returncode == 0 or issues, result.stderr
