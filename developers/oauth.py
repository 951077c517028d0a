"""django-oauth-toolkit's validator, with LinkUp's rules added (OAUTH2_VALIDATOR_CLASS).

The protocol (PKCE, codes, token rotation) stays django-oauth-toolkit's; this adds:
* the consent is recorded (developers.models.AppAuthorization) when the code is saved;
* a suspended or deactivated member's code or refresh token buys nothing;
* an app whose developer is suspended or deactivated is unknown to every endpoint
  (authorize, token): it stops working at once, and works again if they are restored.
"""

from typing import Any

from django.db import transaction
from oauth2_provider.oauth2_validators import OAuth2Validator

from developers import services
from profiles.models import User


def _may_use_apps(user: Any) -> bool:
    return isinstance(user, User) and user.is_active and not user.is_suspended


def app_is_usable(application: Any) -> bool:
    """An app works while the member who registered it may use LinkUp (an app an admin
    registered without an owner works too)."""
    return application.user_id is None or _may_use_apps(application.user)


class LinkUpOAuth2Validator(OAuth2Validator):
    def _load_application(self, client_id: str, request: Any) -> Any:
        application = super()._load_application(client_id, request)
        if application is not None and not app_is_usable(application):
            request.client = None
            return None
        return application

    def _create_authorization_code(self, request: Any, code: Any, expires: Any = None) -> Any:
        # One transaction: a grant never exists without the consent it came from.
        with transaction.atomic():
            grant = super()._create_authorization_code(request, code, expires)
            services.app_authorization_record(
                member=request.user, application=request.client, scopes=list(request.scopes)
            )
        return grant

    def validate_code(
        self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        return bool(valid) and _may_use_apps(request.user)

    def validate_refresh_token(
        self, refresh_token: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return bool(valid) and _may_use_apps(request.user)
