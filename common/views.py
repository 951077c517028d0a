"""Small helpers shared by every app's page views."""

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from profiles.models import User


def page_member(request: HttpRequest) -> "User":
    """The logged-in member (LoginRequiredMiddleware guarantees one on member pages)."""
    from profiles.models import User

    user = request.user
    assert isinstance(user, User)
    return user


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))
