"""The scope check every API view runs (REST_FRAMEWORK["DEFAULT_PERMISSION_CLASSES"]).

Kept free of imports of DRF views and of LinkUp's apps: DRF imports this module
while it defines APIView itself.
"""

from typing import Any

from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request


class IsAuthenticatedWithScope(IsAuthenticated):
    """IsAuthenticated; and an OAuth app's token must hold the scope the request needs.

    The scope comes from the method and the API path's area (developers.scopes.AREAS):
    an area missing there is closed to apps, so a new endpoint is safe by default.
    Sessions and personal API tokens are the member and are not scoped. Refusals are
    403s naming the missing scope, in the API's one error format.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        from oauth2_provider.models import AbstractAccessToken

        token = request.auth
        if not isinstance(token, AbstractAccessToken):
            return True
        from developers.scopes import READ_METHODS, required_scope

        method = (request.method or "GET").upper()
        requirement = required_scope(method, request.path_info)
        if requirement.scope is None:
            verb = "read" if method in READ_METHODS else "change"
            self.code = "app_not_allowed"
            self.message = (
                f"OAuth apps cannot {verb} {requirement.area}: no scope opens it to apps."
            )
            return False
        if not token.allow_scopes([requirement.scope]):
            self.code = "insufficient_scope"
            self.message = (
                f"This token lacks the {requirement.scope} scope, which {method} "
                f"{requirement.area} needs. The member must authorize the app again "
                f"with {requirement.scope}."
            )
            return False
        return True
