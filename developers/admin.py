from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from developers import services
from developers.models import AppAuthorization

# django-oauth-toolkit registers its own models (applications, grants, access and
# refresh tokens); with hashed token storage none of them shows a usable secret.


@admin.register(AppAuthorization)
class AppAuthorizationAdmin(admin.ModelAdmin):
    list_display = ["member", "application", "scope", "granted_at", "last_used_at"]
    list_filter = ["granted_at", "last_used_at"]
    list_select_related = ["member", "application"]
    search_fields = ["member__username", "application__name", "application__client_id"]
    fields = ["member", "application", "scope", "granted_at", "last_used_at"]
    readonly_fields = ["member", "application", "scope", "granted_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # only a member's consent creates one

    @admin.action(description="Revoke the selected authorizations (delete their tokens)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[AppAuthorization]) -> None:
        done = sum(
            services.app_authorization_revoke(member=a.member, authorization_id=a.pk)
            for a in queryset
        )
        self.message_user(request, f"Revoked {done} authorization(s).", messages.SUCCESS)
