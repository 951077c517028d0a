from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest, HttpResponse

from profiles.validators import handle_validator


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username: str, shallow: bool = False) -> str:
        username = username.strip().lower()
        handle_validator(username)
        return super().clean_username(username, shallow=shallow)

    def pre_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse | None:
        # The password was right but the member is suspended: show the inactive page
        # (the member proved who they are, so saying so reveals nothing to others).
        if getattr(user, "is_suspended", False):
            from allauth.account.internal.stagekit import clear_login

            clear_login(request)
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        from connections.services import invitations_on_signup
        from connections.views import pop_invitation_token
        from profiles.services import profile_create

        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_create(user=user, full_name=form.cleaned_data.get("full_name", ""))
            # Invitations to this address turn into connection requests waiting for the member.
            invitations_on_signup(member=user, token=pop_invitation_token(request))
        return user
