"""Settings → Apps: what each app may do, since when, last used; revocation is immediate."""

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from developers.models import AppAuthorization
from tests.developers.conftest import (
    bearer,
    consent,
    exchange,
    pkce_pair,
    redirect_params,
    refresh,
)

pytestmark = pytest.mark.django_db

PAGE = "/settings/apps/"


@pytest.fixture
def alice_browser(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def test_page_lists_each_app_with_its_scopes_grant_time_and_last_use(
    alice_browser, oauth_tokens, alice
):
    bearer(oauth_tokens(alice, "profile:read network:read")["access_token"]).get("/api/v1/me/")

    body = alice_browser.get(PAGE).content.decode()

    assert "Route Planner" in body
    assert "by @dev" in body
    assert "See your profile and the profiles you can see" in body
    assert "See your network" in body
    assert "Manage your connections" not in body
    assert "Allowed " in body
    assert "last used 0\xa0minutes ago" in body


def test_an_app_not_used_yet_says_so(alice_browser, oauth_tokens, alice):
    oauth_tokens(alice, "profile:read")

    assert "not used yet" in alice_browser.get(PAGE).content.decode()


def test_page_shows_only_my_apps(alice_browser, oauth_tokens, bob):
    oauth_tokens(bob, "profile:read")

    body = alice_browser.get(PAGE).content.decode()

    assert "Route Planner" not in body
    assert "No app has access to your account." in body


def test_page_queries_do_not_grow_with_the_number_of_apps(
    alice_browser, oauth_tokens, make_app, alice, django_assert_num_queries
):
    oauth_tokens(alice, "profile:read")
    # session, member, the list, and the top bar's two counts
    with django_assert_num_queries(5):
        alice_browser.get(PAGE)
    oauth_tokens(alice, "network:read", app=make_app(name="Second"))
    oauth_tokens(alice, "asks:read", app=make_app(name="Third"))

    with django_assert_num_queries(5):
        body = alice_browser.get(PAGE).content.decode()
    assert "Second" in body and "Third" in body


def test_revoking_ends_access_on_the_very_next_request(
    alice_browser, oauth_tokens, oauth_app, alice
):
    tokens = oauth_tokens(alice, "profile:read")
    client = bearer(tokens["access_token"])
    assert client.get("/api/v1/me/").status_code == 200
    authorization = AppAuthorization.objects.get(member=alice)

    response = alice_browser.post(f"/settings/apps/{authorization.pk}/revoke/", follow=True)

    assert "Access revoked" in response.content.decode()
    assert "Route Planner" not in response.content.decode().split("Access revoked")[1]
    after = client.get("/api/v1/me/")
    assert after.status_code == 401
    assert after.json()["error"]["code"] == "authentication_failed"
    assert not AccessToken.objects.filter(user=alice).exists()
    assert not RefreshToken.objects.filter(user=alice).exists()
    refreshed = refresh(oauth_app, tokens["refresh_token"])
    assert refreshed.status_code == 400


def test_revoking_voids_a_code_not_yet_exchanged(alice_browser, oauth_app, alice):
    verifier, challenge = pkce_pair()
    code = redirect_params(
        consent(alice_browser, oauth_app, scope="profile:read", challenge=challenge)
    )["code"]
    authorization = AppAuthorization.objects.get(member=alice)

    alice_browser.post(f"/settings/apps/{authorization.pk}/revoke/")

    assert not Grant.objects.exists()
    assert exchange(oauth_app, code=code, verifier=verifier).status_code == 400


def test_a_token_whose_authorization_is_gone_is_refused(oauth_tokens, alice):
    # A code exchange racing the revocation can still write a token row after it;
    # without the member's authorization that token buys nothing.
    client = bearer(oauth_tokens(alice, "profile:read")["access_token"])
    AppAuthorization.objects.filter(member=alice).delete()

    assert AccessToken.objects.filter(user=alice).exists()
    assert client.get("/api/v1/me/").status_code == 401


def test_revoking_leaves_other_members_and_apps_alone(
    alice_browser, oauth_tokens, make_app, alice, bob
):
    other_app = make_app(name="Other")
    alice_other = bearer(oauth_tokens(alice, "profile:read", app=other_app)["access_token"])
    bob_client = bearer(oauth_tokens(bob, "profile:read")["access_token"])
    oauth_tokens(alice, "profile:read")
    target = AppAuthorization.objects.get(member=alice, application__name="Route Planner")

    alice_browser.post(f"/settings/apps/{target.pk}/revoke/")

    assert alice_other.get("/api/v1/me/").status_code == 200
    assert bob_client.get("/api/v1/me/").status_code == 200


def test_cannot_revoke_another_members_authorization(alice_browser, oauth_tokens, bob):
    client = bearer(oauth_tokens(bob, "profile:read")["access_token"])
    bobs = AppAuthorization.objects.get(member=bob)

    alice_browser.post(f"/settings/apps/{bobs.pk}/revoke/")

    assert AppAuthorization.objects.filter(pk=bobs.pk).exists()
    assert client.get("/api/v1/me/").status_code == 200


def test_revoke_only_by_post(alice_browser, oauth_tokens, alice):
    oauth_tokens(alice, "profile:read")
    authorization = AppAuthorization.objects.get(member=alice)

    assert alice_browser.get(f"/settings/apps/{authorization.pk}/revoke/").status_code == 405
    assert AppAuthorization.objects.filter(pk=authorization.pk).exists()


def test_member_can_authorize_again_after_revoking(alice_browser, oauth_tokens, alice):
    oauth_tokens(alice, "profile:read")
    authorization = AppAuthorization.objects.get(member=alice)
    alice_browser.post(f"/settings/apps/{authorization.pk}/revoke/")

    client = bearer(oauth_tokens(alice, "profile:read")["access_token"])

    assert client.get("/api/v1/me/").status_code == 200


def test_admin_revoke_action_ends_access(admin_client, oauth_tokens, alice):
    client = bearer(oauth_tokens(alice, "profile:read")["access_token"])
    authorization = AppAuthorization.objects.get(member=alice)

    changelist = admin_client.get("/admin/developers/appauthorization/", {"q": "alice"})
    assert changelist.status_code == 200
    assert "Route Planner" in changelist.content.decode()
    admin_client.post(
        "/admin/developers/appauthorization/",
        {"action": "revoke", "_selected_action": [authorization.pk]},
    )

    assert client.get("/api/v1/me/").status_code == 401
