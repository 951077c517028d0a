"""Personal API tokens: named, expiring, listed without their keys, revoked at once."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from profiles.models import ApiToken
from profiles.services import api_token_create, api_token_revoke
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/settings/tokens/"
TOKEN_URL = "/api/v1/auth/token/"
TOKENS_URL = "/api/v1/auth/tokens/"
ME_URL = "/api/v1/me/"


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def alice_browser(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


# --- the settings page --------------------------------------------------------------


@pytest.mark.parametrize(("choice", "days"), [("30", 30), ("90", 90), ("365", 365)])
def test_page_creates_a_named_token_with_the_chosen_lifetime(alice_browser, alice, choice, days):
    response = alice_browser.post(PAGE, {"name": "CRM sync", "expires_in_days": choice})

    assert response.status_code == 201
    token = ApiToken.objects.get(user=alice)
    assert token.name == "CRM sync"
    assert timedelta(days=days - 1) < token.expires_at - timezone.now() <= timedelta(days=days)
    key = response.context["key"]
    assert key in response.content.decode()
    assert token_client(key).get(ME_URL).json()["handle"] == "alice"


def test_page_creates_a_token_that_never_expires(alice_browser, alice):
    response = alice_browser.post(PAGE, {"name": "Forever", "expires_in_days": "never"})

    assert response.status_code == 201
    assert ApiToken.objects.get(user=alice).expires_at is None
    assert "never expires" in response.content.decode()


def test_the_key_is_shown_once_and_stored_hashed(alice_browser, alice):
    key = alice_browser.post(PAGE, {"name": "CRM sync", "expires_in_days": "90"}).context["key"]

    token = ApiToken.objects.get(user=alice)
    assert token.key_hash == ApiToken.hash_key(key) != key
    later = alice_browser.get(PAGE).content.decode()
    assert "CRM sync" in later
    assert token.prefix in later
    assert key not in later
    assert token.key_hash not in later


@pytest.mark.parametrize(
    "data",
    [{"name": "", "expires_in_days": "90"}, {"name": "x", "expires_in_days": "7"}, {"name": "x"}],
)
def test_page_refuses_a_token_without_name_or_with_another_lifetime(alice_browser, alice, data):
    response = alice_browser.post(PAGE, data)

    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_page_lists_my_tokens_with_created_last_used_and_expiry(alice_browser, alice, bob):
    _, key = api_token_create(user=alice, name="Used one")
    token_client(key).get(ME_URL)
    expired, _ = api_token_create(user=alice, name="Old one", ttl=timedelta(days=30))
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    revoked, _ = api_token_create(user=alice, name="Gone one")
    api_token_revoke(token=revoked)
    api_token_create(user=bob, name="Bob's")

    body = alice_browser.get(PAGE).content.decode()

    assert "Used one" in body and "used in the last 15 minutes" in body
    assert "Old one" in body and "Expired" in body
    assert "Gone one" not in body
    assert "Bob's" not in body


def test_page_queries_do_not_grow_with_the_number_of_tokens(
    alice_browser, alice, django_assert_num_queries
):
    for n in range(5):
        api_token_create(user=alice, name=f"Token {n}")

    # session, member, the list, and the top bar's two counts
    with django_assert_num_queries(5):
        alice_browser.get(PAGE)


def test_revoking_on_the_page_fails_the_next_request(alice_browser, alice):
    token, key = api_token_create(user=alice, name="CRM sync")
    client = token_client(key)
    assert client.get(ME_URL).status_code == 200

    response = alice_browser.post(f"/settings/tokens/{token.pk}/revoke/", follow=True)

    assert "CRM sync is revoked" in response.content.decode()
    after = client.get(ME_URL)
    assert after.status_code == 401
    assert "revoked" in after.json()["error"]["message"]


def test_cannot_revoke_another_members_token_from_the_page(alice_browser, bob):
    token, key = api_token_create(user=bob, name="Bob's")

    alice_browser.post(f"/settings/tokens/{token.pk}/revoke/")

    assert token_client(key).get(ME_URL).status_code == 200


# --- expiry ------------------------------------------------------------------------------


def test_expired_token_is_401_saying_it_expired(alice):
    token, key = api_token_create(user=alice, name="test", ttl=timedelta(days=30))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = token_client(key).get(ME_URL)

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "authentication_failed"
    assert error["message"].startswith("This token expired on ")
    assert "/settings/tokens/" in error["message"]


# --- POST /api/v1/auth/token/ ------------------------------------------------------


def test_api_token_still_works_with_just_username_and_password(api_client, alice):
    response = api_client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 201
    token = ApiToken.objects.get(user=alice)
    assert token.name == "API token"
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)


@pytest.mark.parametrize(("days", "expected"), [(30, 30), (365, 365), (None, None)])
def test_api_token_with_name_and_lifetime(api_client, alice, days, expected):
    response = api_client.post(
        TOKEN_URL,
        {"username": "alice", "password": PASSWORD, "name": "CLI", "expires_in_days": days},
        format="json",
    )

    assert response.status_code == 201
    token = ApiToken.objects.get(user=alice)
    assert token.name == "CLI"
    if expected is None:
        assert token.expires_at is None
        assert response.json()["expires_at"] is None
    else:
        assert token.expires_at - timezone.now() > timedelta(days=expected - 1)


def test_api_token_with_another_lifetime_is_a_400_naming_the_field(api_client, alice):
    response = api_client.post(
        TOKEN_URL,
        {"username": "alice", "password": PASSWORD, "expires_in_days": 7},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"expires_in_days"}
    assert not ApiToken.objects.exists()


# --- GET /api/v1/auth/tokens/ and DELETE /api/v1/auth/tokens/{id}/ --------------------


def test_list_shows_my_live_tokens_without_keys(api_as, alice, bob, django_assert_num_queries):
    client = api_as(alice)  # the token named "test" used for this request
    other, other_key = api_token_create(user=alice, name="CRM sync", ttl=None)
    revoked, _ = api_token_create(user=alice, name="Gone")
    api_token_revoke(token=revoked)
    api_token_create(user=bob, name="Bob's")

    # auth + its last-used touch, then count and page
    with django_assert_num_queries(4):
        response = client.get(TOKENS_URL)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [t["name"] for t in results] == ["CRM sync", "test"]
    assert set(results[0]) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "expired",
        "current",
    }
    assert results[0]["expires_at"] is None
    assert [t["current"] for t in results] == [False, True]
    assert other_key not in response.content.decode()
    assert other.key_hash not in response.content.decode()


def test_delete_revokes_that_token_and_its_next_request_is_401(api_as, alice):
    client = api_as(alice)
    other, other_key = api_token_create(user=alice, name="CRM sync")

    response = client.delete(f"{TOKENS_URL}{other.pk}/")

    assert response.status_code == 204
    assert token_client(other_key).get(ME_URL).status_code == 401
    assert client.get(ME_URL).status_code == 200
    assert client.delete(f"{TOKENS_URL}{other.pk}/").status_code == 404


def test_delete_another_members_token_is_the_same_404_as_none(api_as, alice, bob):
    bobs, bob_key = api_token_create(user=bob, name="Bob's")
    client = api_as(alice)

    theirs = client.delete(f"{TOKENS_URL}{bobs.pk}/")
    missing = client.delete(f"{TOKENS_URL}999999/")

    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert token_client(bob_key).get(ME_URL).status_code == 200


def test_an_app_cannot_list_or_revoke_personal_tokens(app_as, alice):
    token, key = api_token_create(user=alice, name="CRM sync")
    client = app_as(alice, "profile:read profile:write")

    assert client.get(TOKENS_URL).status_code == 403
    assert client.delete(f"{TOKENS_URL}{token.pk}/").status_code == 403
    assert token_client(key).get(ME_URL).status_code == 200


# --- admin ---------------------------------------------------------------------------


def test_admin_shows_tokens_but_never_their_hashes(admin_client, alice):
    token, _ = api_token_create(user=alice, name="CRM sync")

    listing = admin_client.get("/admin/profiles/apitoken/", {"q": "alice"}).content.decode()
    detail = admin_client.get(f"/admin/profiles/apitoken/{token.pk}/change/").content.decode()

    assert "CRM sync" in listing and "CRM sync" in detail
    assert token.prefix in detail
    assert token.key_hash not in listing
    assert token.key_hash not in detail


def test_a_token_is_stamped_at_most_once_a_quarter_hour(alice):
    _, key = api_token_create(user=alice, name="Busy")
    client = token_client(key)
    client.get(ME_URL)
    first = ApiToken.objects.get(name="Busy").last_used_at
    assert first is not None
    client.get(ME_URL)
    assert ApiToken.objects.get(name="Busy").last_used_at == first  # no write
    ApiToken.objects.filter(name="Busy").update(last_used_at=first - ApiToken.TOUCH_EVERY * 2)
    client.get(ME_URL)
    assert ApiToken.objects.get(name="Busy").last_used_at > first
