from collections.abc import Callable
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseBase


class SuspendedMemberLogoutMiddleware:
    """End the session of a member suspended while logged in, on their very next request.

    The auth backend already refuses to load a suspended user; this also
    clears the session cookie so the browser starts afresh.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Pages only: the API authenticates each request itself (a suspended member's
        # token or session gets a 401 there), and reading the session's member on every
        # API request, tokens and all, cost more than the rest of this middleware stack.
        if not request.path_info.startswith("/api/"):
            user = getattr(request, "user", None)
            if user is not None and getattr(user, "is_suspended", False):
                logout(request)
        return self.get_response(request)


class LoginRequiredMiddleware(BaseLoginRequiredMiddleware):
    """Django's login-required default for pages, leaving the API to DRF.

    API views authenticate with tokens as well as sessions and must answer
    401 in the API's JSON error format, never a redirect to the login page.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
