from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse


class SuspendedMemberLogoutMiddleware:
    """End the session of a member suspended while logged in, on their very next request.

    The auth backend already refuses to load a suspended user; this also
    clears the session cookie so the browser starts afresh.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_suspended", False):
            logout(request)
        return self.get_response(request)
