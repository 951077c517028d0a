"""How the recommendation notifications read, in the app and in their e-mails.

Each text is built from the actor's name and a link alone: no query per notification
on the notifications page, and nothing the recipient may not see (the link leads to a
page that shows the recommendation or request only as they may see it now).
"""

from django.urls import reverse

from connections.models import Notification
from connections.notification_text import Described, describer

K = Notification.Kind


def _url(name: str, subject_id: int | None) -> str:
    if subject_id is None:
        return reverse("recommendations")
    return reverse(name, args=[subject_id])


@describer(K.RECOMMENDATION_REQUESTED)
def requested(notification: Notification, who: str) -> Described:
    return Described(
        f"{who} asks you for a recommendation",
        f"{who} asks you to write them a recommendation.",
        _url("recommendation-request-write", notification.subject_id),
        "Write or decline",
    )


@describer(K.RECOMMENDATION_RECEIVED)
def received(notification: Notification, who: str) -> Described:
    return Described(
        f"{who} wrote you a recommendation",
        f"{who} wrote you a recommendation. It appears on your profile once you approve it.",
        _url("recommendation-detail", notification.subject_id),
        "Read and approve",
    )


@describer(K.RECOMMENDATION_REVISION)
def revision(notification: Notification, who: str) -> Described:
    return Described(
        f"{who} asks you to revise your recommendation",
        f"{who} asks you to make changes to your recommendation before it goes on their profile.",
        _url("recommendation-edit", notification.subject_id),
        "Revise it",
    )


@describer(K.RECOMMENDATION_PUBLISHED)
def published(notification: Notification, who: str) -> Described:
    actor = notification.actor
    url = (
        reverse("profile-detail", args=[actor.username]) + "#recommendations"
        if actor is not None
        else reverse("recommendations")
    )
    return Described(
        f"{who} added your recommendation to their profile",
        f"{who} approved your recommendation: it is on their profile now.",
        url,
        "See it",
    )
