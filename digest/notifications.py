"""How a keep-in-touch reminder reads, in the app and in its e-mail."""

from django.urls import reverse
from django.utils import dateformat, timezone

from connections.models import Notification
from connections.notification_text import Described, describer
from digest.models import KeepInTouch


@describer(Notification.Kind.KEEP_IN_TOUCH_DUE)
def describe_keep_in_touch_due(notification: Notification, who: str) -> Described:
    url = reverse("keep-in-touch")
    entry = (
        KeepInTouch.objects.filter(pk=notification.subject_id, member_id=notification.recipient_id)
        .only("last_touched_at")
        .first()
        if notification.subject_id
        else None
    )
    if entry is not None and entry.last_touched_at is not None:
        when = dateformat.format(timezone.localtime(entry.last_touched_at), "j F Y")
        text = f"Time to get in touch with {who}: you were last in touch on {when}."
    else:
        text = f"Time to get in touch with {who}, as you planned."
    return Described(f"Time to get in touch with {who}", text, url, "See your keep-in-touch list")
