from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.base_user import AbstractBaseUser


class MemberAuthenticationBackend(AuthenticationBackend):
    """allauth's backend (handle or e-mail), refusing suspended members."""

    def user_can_authenticate(self, user: AbstractBaseUser | None) -> bool:
        if getattr(user, "is_suspended", False):
            return False
        return super().user_can_authenticate(user)

    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        user = super().get_user(user_id)
        if user is not None and getattr(user, "is_suspended", False):
            return None
        return user
