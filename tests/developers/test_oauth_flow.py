"""The authorization-code flow with PKCE, end to end through django-oauth-toolkit's endpoints."""

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from connections.models import Notification
from developers.models import AppAuthorization
from tests.developers.conftest import (
    REDIRECT_URI,
    authorize_query,
    bearer,
    consent,
    exchange,
    pkce_pair,
    redirect_params,
    refresh,
)

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/me/"


@pytest.fixture
def alice_browser(alice) -> Client:
    client = Client()
    client.force_login(alice)
    return client


def test_full_flow_consent_code_exchange_and_api_call(alice_browser, oauth_app, alice):
    verifier, challenge = pkce_pair()

    page = alice_browser.get(
        authorize_query(oauth_app, scope="profile:read network:read", challenge=challenge)
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Allow Route Planner to use your LinkUp account?" in body
    assert "See your profile and the profiles you can see" in body
    assert "See your network" in body
    assert "Registered by @dev" in body
    assert "client.example" in body

    params = redirect_params(
        consent(alice_browser, oauth_app, scope="profile:read network:read", challenge=challenge)
    )
    assert params["state"] == "xyz-state"
    assert params["iss"] == "http://testserver"  # RFC 9207: the client can check the issuer

    response = exchange(oauth_app, code=params["code"], verifier=verifier)
    assert response.status_code == 200
    tokens = response.json()
    assert tokens["token_type"] == "Bearer"
    assert set(tokens["scope"].split()) == {"profile:read", "network:read"}
    assert tokens["refresh_token"]

    me = bearer(tokens["access_token"]).get(ME_URL)
    assert me.status_code == 200
    assert me.json()["handle"] == "alice"


def test_tokens_are_stored_hashed(oauth_tokens, alice):
    tokens = oauth_tokens(alice, "profile:read")

    stored = AccessToken.objects.get(user=alice)
    assert stored.token == ""
    assert tokens["access_token"] not in (stored.token_checksum, stored.token)
    assert RefreshToken.objects.get(user=alice).token == ""


def test_authorization_request_without_pkce_is_refused(alice_browser, oauth_app):
    response = alice_browser.get(authorize_query(oauth_app, scope="profile:read", challenge=None))

    params = redirect_params(response)
    assert params["error"] == "invalid_request"
    assert "code challenge" in params["error_description"].lower()
    assert not Grant.objects.exists()
    assert not AppAuthorization.objects.exists()


def test_plain_pkce_method_is_refused(alice_browser, oauth_app):
    plain = "p" * 50
    response = consent(
        alice_browser,
        oauth_app,
        scope="profile:read",
        challenge=plain,
        code_challenge_method="plain",
    )

    params = redirect_params(response)
    assert params["error"] == "invalid_request"
    assert "S256" in params["error_description"]
    assert not Grant.objects.exists()
    assert not AppAuthorization.objects.exists()


@pytest.mark.parametrize("verifier", [None, "the-wrong-verifier-" + "x" * 40])
def test_code_exchange_with_missing_or_wrong_verifier_is_refused(
    alice_browser, oauth_app, alice, verifier
):
    _, challenge = pkce_pair()
    code = redirect_params(
        consent(alice_browser, oauth_app, scope="profile:read", challenge=challenge)
    )["code"]

    response = exchange(oauth_app, code=code, verifier=verifier)

    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_grant", "invalid_request"}
    assert not AccessToken.objects.exists()


def test_a_code_works_once(alice_browser, oauth_app):
    verifier, challenge = pkce_pair()
    code = redirect_params(
        consent(alice_browser, oauth_app, scope="profile:read", challenge=challenge)
    )["code"]
    assert exchange(oauth_app, code=code, verifier=verifier).status_code == 200

    again = exchange(oauth_app, code=code, verifier=verifier)

    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_confidential_app_must_send_its_secret(alice_browser, oauth_app):
    verifier, challenge = pkce_pair()
    code = redirect_params(
        consent(alice_browser, oauth_app, scope="profile:read", challenge=challenge)
    )["code"]

    response = exchange(oauth_app, code=code, verifier=verifier, secret="not-the-secret")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert not AccessToken.objects.exists()


def test_public_app_uses_pkce_without_secret(alice_browser, make_app):
    app = make_app(client_type="public", name="Phone app")
    assert app.secret == ""
    verifier, challenge = pkce_pair()
    code = redirect_params(consent(alice_browser, app, scope="profile:read", challenge=challenge))[
        "code"
    ]

    response = exchange(app, code=code, verifier=verifier)

    assert response.status_code == 200
    assert bearer(response.json()["access_token"]).get(ME_URL).status_code == 200


def test_refusing_consent_sends_access_denied_and_grants_nothing(alice_browser, oauth_app):
    _, challenge = pkce_pair()

    response = consent(
        alice_browser, oauth_app, scope="profile:read", challenge=challenge, allow=False
    )

    params = redirect_params(response)
    assert params["error"] == "access_denied"
    assert params["state"] == "xyz-state"
    assert "code" not in params
    assert not Grant.objects.exists()
    assert not AppAuthorization.objects.exists()
    assert not Notification.objects.exists()


def test_unknown_scope_is_refused(alice_browser, oauth_app):
    _, challenge = pkce_pair()

    response = alice_browser.get(
        authorize_query(oauth_app, scope="profile:read admin:everything", challenge=challenge)
    )

    assert redirect_params(response)["error"] == "invalid_scope"


def test_no_scope_asked_means_profile_read_only(alice_browser, oauth_app):
    _, challenge = pkce_pair()
    page = alice_browser.get(authorize_query(oauth_app, scope=None, challenge=challenge))
    assert page.status_code == 200
    assert "See your profile" in page.content.decode()
    assert "See your network" not in page.content.decode()


def test_unregistered_redirect_uri_shows_an_error_page_and_redirects_nowhere(
    alice_browser, oauth_app
):
    _, challenge = pkce_pair()
    url = authorize_query(oauth_app, scope="profile:read", challenge=challenge)
    url = url.replace("client.example", "evil.example")

    response = alice_browser.get(url)

    assert response.status_code == 400
    assert "This app cannot connect to LinkUp" in response.content.decode()
    assert "evil.example" not in response.get("Location", "")


def test_authorize_asks_a_logged_out_visitor_to_log_in_first(oauth_app):
    _, challenge = pkce_pair()
    url = authorize_query(oauth_app, scope="profile:read", challenge=challenge)

    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/oauth/authorize/")


def test_consent_records_the_authorization_and_notifies_the_member(oauth_tokens, alice):
    oauth_tokens(alice, "profile:read")

    authorization = AppAuthorization.objects.get(member=alice)
    assert authorization.scopes == ["profile:read"]
    notification = Notification.objects.get(recipient=alice)
    assert notification.kind == Notification.Kind.APP_AUTHORIZED
    assert notification.subject_id == authorization.application_id


def test_consenting_again_to_more_scopes_widens_and_notifies_again(oauth_tokens, alice):
    oauth_tokens(alice, "profile:read")
    oauth_tokens(alice, "profile:read")
    assert Notification.objects.filter(recipient=alice).count() == 1

    oauth_tokens(alice, "network:read")

    assert AppAuthorization.objects.get(member=alice).scopes == ["profile:read", "network:read"]
    assert Notification.objects.filter(recipient=alice).count() == 2


def test_notification_reads_in_words(oauth_tokens, alice):
    from connections.notification_text import describe

    oauth_tokens(alice, "profile:read")

    described = describe(Notification.objects.get(recipient=alice))
    assert described.subject == "You allowed Route Planner to use your account"
    assert described.url == "/settings/apps/"


def test_refresh_token_rotates_and_the_old_one_is_dead(oauth_tokens, oauth_app, alice):
    tokens = oauth_tokens(alice, "profile:read")

    def refresh(token: str):
        return Client().post(
            "/oauth/token/",
            {
                "grant_type": "refresh_token",
                "refresh_token": token,
                "client_id": oauth_app.client_id,
                "client_secret": oauth_app.secret,
            },
        )

    renewed = refresh(tokens["refresh_token"])
    assert renewed.status_code == 200
    assert renewed.json()["refresh_token"] != tokens["refresh_token"]
    assert bearer(renewed.json()["access_token"]).get(ME_URL).status_code == 200

    assert refresh(tokens["refresh_token"]).status_code == 400


def test_suspended_member_gets_no_token_for_a_code(alice_browser, oauth_app, alice):
    from profiles.services import member_suspend

    verifier, challenge = pkce_pair()
    code = redirect_params(
        consent(alice_browser, oauth_app, scope="profile:read", challenge=challenge)
    )["code"]
    member_suspend(member=alice)

    response = exchange(oauth_app, code=code, verifier=verifier)

    assert response.status_code == 400
    assert not AccessToken.objects.exists()


def test_server_metadata_advertises_only_the_code_flow_with_s256():
    data = Client().get("/.well-known/oauth-authorization-server").json()

    assert data["authorization_endpoint"] == "http://testserver/oauth/authorize/"
    assert data["token_endpoint"] == "http://testserver/oauth/token/"
    assert data["response_types_supported"] == ["code"]
    assert data["code_challenge_methods_supported"] == ["S256"]
    assert "network:read" in data["scopes_supported"]


def test_redirect_uri_in_token_request_must_match(alice_browser, oauth_app):
    verifier, challenge = pkce_pair()
    code = redirect_params(
        consent(alice_browser, oauth_app, scope="profile:read", challenge=challenge)
    )["code"]

    response = Client().post(
        "/oauth/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI + "/other",
            "client_id": oauth_app.client_id,
            "client_secret": oauth_app.secret,
            "code_verifier": verifier,
        },
    )

    assert response.status_code == 400
    assert not AccessToken.objects.exists()


def test_an_app_of_a_suspended_developer_stops_working_at_once_and_comes_back(
    alice_browser, oauth_app, oauth_tokens, alice, developer
):
    from profiles.services import member_suspend, member_unsuspend

    tokens = oauth_tokens(alice, "profile:read")
    verifier, challenge = pkce_pair()
    code = redirect_params(
        consent(alice_browser, oauth_app, scope="profile:read", challenge=challenge)
    )["code"]
    assert bearer(tokens["access_token"]).get(ME_URL).status_code == 200

    member_suspend(member=developer, reason="spam app")

    # Issued tokens, a code, a refresh token and a new authorization all fail.
    assert bearer(tokens["access_token"]).get(ME_URL).status_code == 401
    assert exchange(oauth_app, code=code, verifier=verifier).status_code in (400, 401)
    refreshed = refresh(oauth_app, tokens["refresh_token"])
    assert refreshed.status_code in (400, 401)
    page = alice_browser.get(authorize_query(oauth_app, scope="profile:read", challenge=challenge))
    assert page.status_code == 400
    assert "This app cannot connect to LinkUp" in page.content.decode()

    member_unsuspend(member=developer)

    assert bearer(tokens["access_token"]).get(ME_URL).status_code == 200
