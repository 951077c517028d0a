"""How the developers app's notification kinds read (connections.notification_text)."""

from django.urls import reverse
from oauth2_provider.models import get_application_model

from connections.models import Notification
from connections.notification_text import Described, describer


@describer(Notification.Kind.APP_AUTHORIZED)
def app_authorized(notification: Notification, who: str) -> Described:
    name = (
        get_application_model()
        .objects.filter(pk=notification.subject_id)
        .values_list("name", flat=True)
        .first()
    ) or "An app"
    return Described(
        f"You allowed {name} to use your account",
        f"You allowed {name} to use your LinkUp account. If that was not you, revoke its "
        "access now.",
        reverse("settings-apps"),
        "Review your apps",
    )
