"""Writes for OAuth apps (registration by developers, consent and revocation by members).

django-oauth-toolkit owns the OAuth protocol and its tables (applications, grants,
access and refresh tokens); these services are the only code that changes them
outside the protocol endpoints.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_refresh_token_model,
)

from common.exceptions import ApplicationError
from connections.models import Notification
from connections.services import notify
from developers.models import AppAuthorization
from developers.scopes import SCOPES_BY_NAME
from profiles.models import User

Application = get_application_model()

MAX_APPLICATIONS = 20
MAX_REDIRECT_URIS = 10
MAX_REDIRECT_URI_LENGTH = 500
CLIENT_TYPES = (AbstractApplication.CLIENT_CONFIDENTIAL, AbstractApplication.CLIENT_PUBLIC)
# An app's use is recorded at most this often: a busy app must not write on every call.
TOUCH_EVERY = timedelta(seconds=60)


def redirect_uris_parse(text: str) -> list[str]:
    """The redirect URIs in `text` (one per line or space-separated), each checked.

    Raises ApplicationError (400) naming the first bad URI. Only https URIs are
    accepted: a code sent to plain http can be read on the way.
    """
    uris = list(dict.fromkeys(text.split()))
    if not uris:
        raise ApplicationError("Give at least one redirect URI.", code="invalid", status=400)
    if len(uris) > MAX_REDIRECT_URIS:
        raise ApplicationError(
            f"At most {MAX_REDIRECT_URIS} redirect URIs.", code="invalid", status=400
        )
    for uri in uris:
        parts = urlsplit(uri)
        if len(uri) > MAX_REDIRECT_URI_LENGTH:
            problem = f"is longer than {MAX_REDIRECT_URI_LENGTH} characters"
        elif parts.scheme != "https":
            problem = "must start with https://"
        elif not parts.hostname:
            problem = "has no host"
        elif parts.username or parts.password:
            problem = "must not carry a user name or password"
        elif parts.fragment or uri.endswith("#"):
            problem = "must not have a #fragment"
        elif "*" in uri:
            problem = "must not contain wildcards"
        else:
            continue
        raise ApplicationError(f"{uri} {problem}.", code="invalid", status=400)
    return uris


def _full_clean(application: AbstractApplication) -> None:
    # django-oauth-toolkit's own checks too (allowed schemes, grant type).
    try:
        application.full_clean(exclude=["client_secret", "user"])
    except ValidationError as exc:
        message = " ".join(" ".join(messages) for messages in exc.message_dict.values())
        raise ApplicationError(message, code="invalid", status=400) from exc


@transaction.atomic
def application_register(
    *, owner: User, name: str, redirect_uris: list[str], client_type: str
) -> tuple[AbstractApplication, str]:
    """Register an OAuth app (authorization code with PKCE, never skipping consent).

    Returns the app and its client secret in clear, which is shown once and stored
    hashed; public clients (apps in a browser or on a phone) get none ("").
    Raises ApplicationError when the owner already has MAX_APPLICATIONS apps.
    """
    if client_type not in CLIENT_TYPES:
        raise ApplicationError("Choose confidential or public.", code="invalid", status=400)
    # Lock the owner: two registrations at once must not both pass the count.
    User.objects.select_for_update().filter(pk=owner.pk).first()
    if Application.objects.filter(user=owner).count() >= MAX_APPLICATIONS:
        raise ApplicationError(
            f"You have {MAX_APPLICATIONS} apps already; delete one before registering another.",
            code="limit_reached",
        )
    secret = generate_client_secret() if client_type == Application.CLIENT_CONFIDENTIAL else ""
    application = Application(
        user=owner,
        name=name.strip(),
        redirect_uris=" ".join(redirect_uris),
        client_type=client_type,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        client_secret=secret,
        hash_client_secret=True,
        skip_authorization=False,
        algorithm=Application.NO_ALGORITHM,
    )
    _full_clean(application)
    application.save()
    return application, secret


@transaction.atomic
def application_update(
    *, application: AbstractApplication, name: str, redirect_uris: list[str]
) -> AbstractApplication:
    """Rename an app or change its redirect URIs. Tokens already issued stay valid."""
    application.name = name.strip()
    application.redirect_uris = " ".join(redirect_uris)
    _full_clean(application)
    application.save(update_fields=["name", "redirect_uris", "updated"])
    return application


@transaction.atomic
def application_new_secret(*, application: AbstractApplication) -> str:
    """Replace a confidential app's client secret; the old one stops working at once.

    Returns the new secret in clear (shown once). Raises ApplicationError for a
    public client, which has no secret.
    """
    if application.client_type != Application.CLIENT_CONFIDENTIAL:
        raise ApplicationError("A public client has no secret.", code="invalid", status=400)
    secret = generate_client_secret()
    application.client_secret = secret
    application.save(update_fields=["client_secret", "updated"])
    return secret


@transaction.atomic
def application_delete(*, application: AbstractApplication) -> None:
    """Delete an app; its grants, tokens and members' authorizations go with it."""
    application.delete()


@transaction.atomic
def app_authorization_record(
    *, member: User, application: AbstractApplication, scopes: list[str]
) -> AppAuthorization:
    """Record that `member` allowed `application` these scopes (the consent page's Allow).

    Called by the OAuth validator when it saves the authorization code. The member
    is notified when the app is new to them or gets a scope it did not have, so
    they can revoke an authorization they did not mean to give.
    """
    now = timezone.now()
    granted = [scope for scope in scopes if scope in SCOPES_BY_NAME]
    authorization, created = AppAuthorization.objects.select_for_update().get_or_create(
        member=member,
        application=application,
        defaults={"scope": " ".join(granted), "granted_at": now},
    )
    widened = [scope for scope in granted if scope not in authorization.scopes]
    if not created:
        authorization.scope = " ".join(authorization.scopes + widened)
        authorization.granted_at = now
        authorization.save(update_fields=["scope", "granted_at"])
    if created or widened:
        notify(
            recipient_id=member.pk,
            kind=Notification.Kind.APP_AUTHORIZED,
            actor_id=None,
            subject_id=application.pk,
        )
    return authorization


@transaction.atomic
def app_authorization_revoke(*, member: User, authorization_id: int) -> bool:
    """Take back an app's access: its grants and tokens for `member` are deleted.

    The very next API call with any of its tokens is a 401; an authorization code
    not yet exchanged can no longer be. Returns False when there was nothing to
    revoke (already revoked, or not the member's): idempotent.
    """
    authorization = (
        AppAuthorization.objects.select_for_update()
        .filter(pk=authorization_id, member=member)
        .first()
    )
    if authorization is None:
        return False
    pair = {"user": member, "application_id": authorization.application_id}
    get_refresh_token_model().objects.filter(**pair).delete()
    get_access_token_model().objects.filter(**pair).delete()
    get_grant_model().objects.filter(**pair).delete()
    authorization.delete()
    return True


def app_authorization_touch(*, member_id: int, application_id: int) -> bool:
    """Note that the app used its access now. False: the member revoked it (refuse)."""
    row = (
        AppAuthorization.objects.filter(member_id=member_id, application_id=application_id)
        .values_list("pk", "last_used_at")
        .first()
    )
    if row is None:
        return False
    pk, last_used_at = row
    now = timezone.now()
    if last_used_at is None or now - last_used_at > TOUCH_EVERY:
        AppAuthorization.objects.filter(pk=pk).update(last_used_at=now)
    return True
