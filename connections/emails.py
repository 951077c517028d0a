"""Notification and invitation e-mails: plain text and HTML, with an unsubscribe link."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

UNSUBSCRIBE_SALT = "linkup.unsubscribe"


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(member_id: int) -> str:
    return signing.dumps(member_id, salt=UNSUBSCRIBE_SALT, compress=True)


def member_from_unsubscribe_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def send(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict[str, object],
    unsubscribe_member_id: int | None = None,
) -> None:
    """Render emails/<template>.txt and .html and send them as one message."""
    context = {**context, "site_url": settings.SITE_URL.rstrip("/")}
    headers: dict[str, str] = {}
    if unsubscribe_member_id is not None:
        url = site_url(
            reverse("notifications-unsubscribe", args=[unsubscribe_token(unsubscribe_member_id)])
        )
        context["unsubscribe_url"] = url
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    message.send()
