"""The digest e-mail: plain text and HTML, with a one-click unsubscribe (RFC 8058)."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from connections.emails import site_url
from digest.models import DigestPreference
from digest.sections import Digest
from profiles.models import User

# Its own salt: a digest link cannot be replayed as a notification unsubscribe, nor back.
UNSUBSCRIBE_SALT = "linkup.digest-unsubscribe"


def unsubscribe_token(member_id: int) -> str:
    return signing.dumps(member_id, salt=UNSUBSCRIBE_SALT, compress=True)


def member_from_unsubscribe_token(token: str) -> int | None:
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def unsubscribe_url(member_id: int) -> str:
    return site_url(reverse("digest-unsubscribe", args=[unsubscribe_token(member_id)]))


def subject_for(digest: Digest, frequency: str) -> str:
    period = "monthly" if frequency == DigestPreference.Frequency.MONTHLY else "weekly"
    first = digest.sections[0].title if digest.sections else "what happened"
    return f"Your {period} digest: {first}"


def send_digest(*, member: User, digest: Digest, frequency: str) -> None:
    """Render emails/digest.txt and .html and send them as one message."""
    url = unsubscribe_url(member.pk)
    context = {
        "digest": digest,
        "name": member.get_full_name(),
        "period": "month" if frequency == DigestPreference.Frequency.MONTHLY else "week",
        "site_url": settings.SITE_URL.rstrip("/"),
        "digest_url": site_url(reverse("digest")),
        "settings_url": site_url(reverse("settings-digest")),
        "unsubscribe_url": url,
    }
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject_for(digest, frequency)}",
        body=render_to_string("emails/digest.txt", context),
        to=[member.email],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("emails/digest.html", context), "text/html")
    message.send()
