"""What a notification says to its recipient, in the app and in its e-mail.

Introductions are described through introductions.selectors.introduction_view,
so a notification never says more than the recipient may see (no note meant
for a broker, no name of who declined).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from connections.models import Notification

K = Notification.Kind


@dataclass(frozen=True)
class Described:
    subject: str
    text: str
    url: str
    button: str
    quote: str = ""  # a message or note the recipient may read


def name_of(user: object) -> str:
    profile = getattr(user, "profile", None)
    return profile.full_name if profile is not None else "A member"


Describer = Callable[[Notification, str], Described]
_describers: dict[str, Describer] = {}


def describer(*kinds: str) -> Callable[[Describer], Describer]:
    """Register how another app's notification kinds read (called as fn(notification, who)).

    Apps register theirs in a `notifications` module imported by AppConfig.ready().
    """

    def register(fn: Describer) -> Describer:
        for kind in kinds:
            _describers[kind] = fn
        return fn

    return register


def describe(notification: Notification) -> Described:
    actor = notification.actor
    who = name_of(actor) if actor is not None else "Someone"
    if notification.kind in _describers:
        return _describers[notification.kind](notification, who)
    if notification.kind == K.REQUEST_RECEIVED:
        note = notification.request.note if notification.request else ""
        return Described(
            f"{who} wants to connect",
            f"{who} wants to connect with you.",
            reverse("network-requests"),
            "Accept or ignore",
            note,
        )
    if notification.kind == K.REQUEST_ACCEPTED:
        url = reverse("profile-detail", args=[actor.username]) if actor else reverse("network")
        return Described(
            f"{who} accepted your request",
            f"{who} accepted your request: you are now connected.",
            url,
            "See their profile",
        )
    if notification.kind == K.INVITATION_JOINED:
        url = reverse("profile-detail", args=[actor.username]) if actor else reverse("network")
        return Described(
            f"{who} joined LinkUp",
            f"{who} joined LinkUp after your invitation; your connection request is waiting.",
            url,
            "See their profile",
        )
    return _describe_introduction(notification, who)


def _describe_introduction(notification: Notification, who: str) -> Described:
    from introductions.selectors import introduction_view

    introduction = notification.introduction
    view = introduction_view(introduction, notification.recipient) if introduction else None
    if view is None:
        return Described(
            "An introduction", "An introduction you took part in changed.", "/", "Open"
        )
    url = reverse("introduction-detail", args=[view.introduction.pk])
    requester = name_of(view.requester)
    target = name_of(view.target) if view.target is not None else (view.target_email or "them")
    kind = notification.kind
    if kind == K.INTRO_TO_FORWARD:
        note = next((h.note for h in view.hops if h.note), "")
        return Described(
            f"{requester} asks you for an introduction",
            f"{requester} asks you to introduce them to {target}.",
            url,
            "Forward or decline",
            note,
        )
    if kind == K.INTRO_FOR_YOU:
        if view.introduction.kind == "offer":
            other = target if view.role == "requester" else requester
            return Described(
                f"{who} introduced you to {other}",
                f"{who} introduced you to {other}. If you both accept, you are connected.",
                url,
                "Accept or decline",
                view.message,
            )
        return Described(
            f"{requester} would like to meet you",
            f"{requester} would like to be introduced to you.",
            url,
            "Read and answer",
            view.message,
        )
    if kind == K.INTRO_ACCEPTED:
        if view.role == "broker":
            text = f"Your introduction of {requester} and {target} was accepted."
        else:
            text = f"You and {who} are now connected through an introduction."
        return Described("Introduction accepted", text, url, "See the introduction")
    if kind == K.INTRO_NOT_FORWARDED:
        return Described(
            "Your introduction request was not forwarded",
            f"Your request to be introduced to {target} was not forwarded.",
            url,
            "See the details",
        )
    if kind == K.INTRO_NOT_ACCEPTED:
        return Described(
            "Your introduction was not accepted",
            f"Your introduction to {target} was not accepted.",
            url,
            "See the details",
        )
    if kind == K.INTRO_EXPIRED:
        return Described(
            "An introduction expired",
            f"The introduction of {requester} to {target} expired after 30 days.",
            url,
            "See the details",
        )
    return Described(
        "An introduction is waiting for you",
        f"The introduction of {requester} to {target} is waiting for you.",
        url,
        "Open it",
    )
