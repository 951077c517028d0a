"""How ask notifications read, in the app and in their e-mail.

An ask is described only as its recipient may see it now (asks.selectors): if they
lost sight of it (a connection removed, a block, the asker suspended), the text names
no title and the link goes to the feed.
"""

from django.urls import reverse

from asks import selectors
from asks.models import Ask, AskAnswer
from connections.models import Notification
from connections.notification_text import Described, describer

K = Notification.Kind


def _ask_for(notification: Notification) -> Ask | None:
    if notification.subject_id is None:
        return None
    return (
        selectors.asks_visible_to(notification.recipient)
        .filter(pk=notification.subject_id)
        .select_related("author__profile")
        .first()
    )


@describer(K.ASK_PASSED, K.ASK_ANSWERED, K.ASK_REFERRAL, K.ASK_CLOSED)
def describe_ask(notification: Notification, who: str) -> Described:
    ask = _ask_for(notification)
    kind = notification.kind
    if ask is None:
        if kind == K.ASK_CLOSED:
            return Described(
                f"{who} thanks you", f"{who} thanks you for your help.", reverse("asks"), "Asks"
            )
        return Described("An ask", "An ask is no longer available.", reverse("asks"), "Asks")
    url = reverse("ask-detail", args=[ask.pk])
    title = f"“{ask.title}”"
    if kind == K.ASK_PASSED:
        asker = ask.author.get_full_name()
        return Described(
            f"{who} thinks you can help {asker}",
            f"{who} passed you {asker}’s ask {title}.",
            url,
            "See the ask",
        )
    if kind == K.ASK_ANSWERED:
        answer = AskAnswer.objects.filter(ask=ask, author_id=notification.actor_id).first()
        return Described(
            f"{who} answered your ask",
            f"{who} answered your ask {title}.",
            url,
            "Read the answer",
            answer.body if answer is not None else "",
        )
    if kind == K.ASK_REFERRAL:
        return Described(
            f"{who} referred someone for your ask",
            f"{who} referred someone for your ask {title}: accept the introduction to meet them.",
            url,
            "See the referral",
        )
    outcome = "as solved" if ask.status == Ask.Status.SOLVED else "as not solved"
    return Described(
        f"{who} thanks you",
        f"{who} closed the ask {title} {outcome} and thanks you for your help.",
        url,
        "See the ask",
    )
