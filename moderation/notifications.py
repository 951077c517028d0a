"""How a moderators' warning reads, in the app and in its e-mail.

It quotes the moderator's message and nothing else: never who reported the member,
nor what about.
"""

from django.urls import reverse

from connections.models import Notification
from connections.notification_text import Described, describer
from moderation.models import ModerationAction


@describer(Notification.Kind.MODERATION_WARNING)
def describe_warning(notification: Notification, who: str) -> Described:
    action = (
        ModerationAction.objects.filter(
            pk=notification.subject_id, action=ModerationAction.Action.WARN
        ).first()
        if notification.subject_id is not None
        else None
    )
    return Described(
        "A warning from the LinkUp moderators",
        "The LinkUp moderators reviewed something you posted and sent you this warning."
        " Repeated problems can lead to your account being suspended.",
        reverse("profile-edit"),
        "Review your profile",
        action.note if action is not None else "",
    )
