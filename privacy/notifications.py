from django.urls import reverse

from connections.models import Notification
from connections.notification_text import Described, describer


@describer(Notification.Kind.EXPORT_READY)
def export_ready(notification: Notification, who: str) -> Described:
    return Described(
        "Your LinkUp data is ready",
        "The archive of your LinkUp data is ready to download for the next 72 hours.",
        reverse("settings-data"),
        "Download it",
    )
