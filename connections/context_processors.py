"""Template context for every page: the unread-notification badge in the top bar."""

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from connections import selectors


def network(request: HttpRequest) -> dict[str, object]:
    """`unread_notification_count` for a logged-in member.

    Lazy: the one COUNT query runs only when a template shows the badge, so
    htmx partials and JSON responses never pay for it.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notification_count": SimpleLazyObject(
            lambda: selectors.unread_notification_count(user)
        )
    }
