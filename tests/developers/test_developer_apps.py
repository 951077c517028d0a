"""/developers/apps/: register an OAuth app, see its client id, its secret once; manage it."""

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from oauth2_provider.models import AccessToken, Application

from developers import services
from developers.models import AppAuthorization
from tests.developers.conftest import REDIRECT_URI, bearer

pytestmark = pytest.mark.django_db

PAGE = "/developers/apps/"


@pytest.fixture
def dev_browser(developer) -> Client:
    client = Client()
    client.force_login(developer)
    return client


def register(client: Client, **data: str):
    form = {"name": "Route Planner", "redirect_uris": REDIRECT_URI, "client_type": "confidential"}
    return client.post(PAGE, form | data)


def test_registering_shows_client_id_and_secret_once(dev_browser, developer):
    response = register(dev_browser)

    assert response.status_code == 201
    app = Application.objects.get(user=developer)
    secret = response.context["secret"]
    body = response.content.decode()
    assert app.client_id in body
    assert secret and secret in body
    assert "cannot show it again" in body
    # Stored hashed, never in clear; later pages do not show it.
    assert app.client_secret != secret
    assert check_password(secret, app.client_secret)
    later = dev_browser.get(f"{PAGE}{app.pk}/").content.decode()
    assert app.client_id in later
    assert secret not in later
    assert secret not in dev_browser.get(PAGE).content.decode()


def test_registered_app_uses_the_code_flow_and_never_skips_consent(dev_browser, developer):
    register(dev_browser, skip_authorization="on", authorization_grant_type="password")

    app = Application.objects.get(user=developer)
    assert app.authorization_grant_type == Application.GRANT_AUTHORIZATION_CODE
    assert app.skip_authorization is False
    assert app.redirect_uris == REDIRECT_URI


def test_public_client_gets_no_secret(dev_browser, developer):
    response = register(dev_browser, client_type="public", name="Phone app")

    assert response.status_code == 201
    assert response.context["secret"] == ""
    assert "Copy the client secret" not in response.content.decode()
    assert Application.objects.get(user=developer).client_type == "public"


@pytest.mark.parametrize(
    ("uris", "message"),
    [
        ("http://client.example/callback", "must start with https://"),
        ("https://client.example/cb#frag", "must not have a #fragment"),
        ("https://*.example/cb", "must not contain wildcards"),
        ("https://user:pw@client.example/cb", "user name or password"),
        ("", "This field is required."),
    ],
)
def test_bad_redirect_uris_are_form_errors(dev_browser, developer, uris, message):
    response = register(dev_browser, redirect_uris=uris)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists()


def test_several_redirect_uris_one_per_line(dev_browser, developer):
    register(dev_browser, redirect_uris=f"{REDIRECT_URI}\r\nhttps://other.example/cb\n")

    app = Application.objects.get(user=developer)
    assert app.redirect_uris.split() == [REDIRECT_URI, "https://other.example/cb"]


def test_a_developer_has_at_most_twenty_apps(dev_browser, developer):
    for n in range(services.MAX_APPLICATIONS):
        services.application_register(
            owner=developer, name=f"App {n}", redirect_uris=[REDIRECT_URI], client_type="public"
        )

    response = register(dev_browser)

    assert response.status_code == 400
    assert "delete one before registering another" in response.content.decode()
    assert Application.objects.filter(user=developer).count() == services.MAX_APPLICATIONS


def test_list_shows_my_apps_with_member_counts_in_constant_queries(
    dev_browser, developer, make_app, oauth_tokens, alice, bob, django_assert_num_queries
):
    app = make_app()
    oauth_tokens(alice, "profile:read", app=app)
    oauth_tokens(bob, "profile:read", app=app)
    for n in range(3):
        make_app(name=f"Extra {n}")

    # session, member, the list with its counts, and the top bar's two counts
    with django_assert_num_queries(5):
        body = dev_browser.get(PAGE).content.decode()
    assert "2 members authorized it" in body
    assert "Extra 2" in body


def test_another_developers_app_is_a_404(oauth_app, bob):
    client = Client()
    client.force_login(bob)
    pk = oauth_app.application.pk

    assert client.get(f"{PAGE}{pk}/").status_code == 404
    assert client.post(f"{PAGE}{pk}/delete/").status_code == 404
    assert client.post(f"{PAGE}{pk}/secret/").status_code == 404
    assert Application.objects.filter(pk=pk).exists()


def test_editing_name_and_redirect_uris(dev_browser, oauth_app):
    pk = oauth_app.application.pk

    response = dev_browser.post(
        f"{PAGE}{pk}/", {"name": "Route Planner Pro", "redirect_uris": "https://new.example/cb"}
    )

    assert response.status_code == 302
    oauth_app.application.refresh_from_db()
    assert oauth_app.application.name == "Route Planner Pro"
    assert oauth_app.application.redirect_uris == "https://new.example/cb"
    bad = dev_browser.post(f"{PAGE}{pk}/", {"name": "X", "redirect_uris": "ftp://x.example/"})
    assert bad.status_code == 400


def test_a_new_secret_replaces_the_old_one(dev_browser, oauth_app):
    pk = oauth_app.application.pk

    response = dev_browser.post(f"{PAGE}{pk}/secret/")

    new = response.context["secret"]
    assert new and new != oauth_app.secret and new in response.content.decode()
    oauth_app.application.refresh_from_db()
    assert check_password(new, oauth_app.application.client_secret)
    assert not check_password(oauth_app.secret, oauth_app.application.client_secret)


def test_deleting_an_app_ends_every_members_access(dev_browser, oauth_app, oauth_tokens, alice):
    client = bearer(oauth_tokens(alice, "profile:read")["access_token"])

    response = dev_browser.post(f"{PAGE}{oauth_app.application.pk}/delete/")

    assert response.status_code == 302
    assert not Application.objects.exists()
    assert not AccessToken.objects.exists()
    assert not AppAuthorization.objects.exists()
    assert client.get("/api/v1/me/").status_code == 401


def test_pages_need_a_login(oauth_app):
    for url in (PAGE, "/settings/apps/", "/settings/tokens/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
