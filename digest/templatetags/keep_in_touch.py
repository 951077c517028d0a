"""The "Keep in touch" button on a connection's profile page."""

from typing import Any

from django import template

from connections import graph
from digest import selectors
from digest.models import INTERVAL_CHOICES

register = template.Library()


@register.inclusion_tag("digest/_profile_button.html", takes_context=True)
def keep_in_touch_button(context: template.Context, profile: Any) -> dict[str, Any]:
    """For a logged-in viewer on a connection's profile: the entry if the connection is on
    their list, else the form to add them. Nothing for anyone else. One or two queries."""
    request = context.get("request")
    viewer = getattr(request, "user", None)
    shown: dict[str, Any] = {"show": False}
    if viewer is None or not viewer.is_authenticated or profile is None:
        return shown
    if profile.user_id == viewer.pk:
        return shown
    entry = selectors.keep_in_touch_entry(viewer, profile.user_id)
    if entry is None and not graph.are_connected(viewer.pk, profile.user_id):
        return shown
    return {
        "show": True,
        "profile": profile,
        "entry": entry,
        "intervals": INTERVAL_CHOICES,
        "csrf_token": context.get("csrf_token"),
    }
