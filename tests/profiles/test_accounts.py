import re

import pytest
from django.core import mail
from django.urls import reverse


@pytest.mark.django_db
class TestAccounts:
    def test_failed_logins_are_rate_limited(self, client, alice):
        for _ in range(5):
            client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
        response = client.post(reverse("account_login"), {"login": "alice", "password": "wrong"})
        assert response.status_code == 200
        assert "Too many failed login attempts" in response.content.decode()

    def test_password_reset_by_email(self, client, alice):
        response = client.post(reverse("account_reset_password"), {"email": alice.email})
        assert response.status_code == 302
        assert len(mail.outbox) == 1
        link = re.search(r"http://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body)
        assert link is not None
        path = link.group(0).split("testserver", 1)[-1]
        form = client.get(path, follow=True)
        action = form.redirect_chain[-1][0] if form.redirect_chain else path
        response = client.post(
            action, {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"}
        )
        assert response.status_code == 302
        assert client.login(username="alice", password="a-new-long-passphrase")

    def test_password_change(self, client, alice, password):
        client.force_login(alice)
        response = client.post(
            reverse("account_change_password"),
            {
                "oldpassword": password,
                "password1": "another-long-passphrase",
                "password2": "another-long-passphrase",
            },
        )
        assert response.status_code == 302
        alice.refresh_from_db()
        assert alice.check_password("another-long-passphrase")

    def test_signup_needs_a_valid_handle(self, client, db):
        response = client.post(
            reverse("account_signup"),
            {
                "full_name": "Zed",
                "email": "zed@example.org",
                "username": "Not A Handle!",
                "password1": "a-long-passphrase-1",
                "password2": "a-long-passphrase-1",
            },
        )
        assert response.status_code == 200
        assert "lowercase letters, digits or hyphens" in response.content.decode()

    def test_unverified_member_must_verify_before_logging_in(self, client, db):
        client.post(
            reverse("account_signup"),
            {
                "full_name": "Zed Zulu",
                "email": "zed@example.org",
                "username": "zed",
                "password1": "a-long-passphrase-1",
                "password2": "a-long-passphrase-1",
            },
        )
        assert "Confirm" in mail.outbox[-1].subject or "confirm" in mail.outbox[-1].body.lower()
        client.logout()
        response = client.post(
            reverse("account_login"), {"login": "zed", "password": "a-long-passphrase-1"}
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("account_email_verification_sent")
