"""The top bar's count of introductions waiting for the viewer."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def introductions_waiting(context: template.Context) -> int:
    """One query per request (remembered on it); none for a logged-out visitor."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return 0
    count = getattr(request, "_introductions_waiting", None)
    if count is None:
        from introductions.selectors import waiting_count

        count = waiting_count(user)
        request._introductions_waiting = count
    return int(count)
