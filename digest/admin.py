from django.contrib import admin
from django.http import HttpRequest

from digest.models import DigestLog, DigestPreference, KeepInTouch


class _ReadOnly(admin.ModelAdmin):
    """Members' own data, shown to moderators but never edited by them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(KeepInTouch)
class KeepInTouchAdmin(_ReadOnly):
    list_display = [
        "id",
        "member",
        "other",
        "interval_months",
        "next_due_at",
        "last_touched_at",
        "last_touch_how",
        "reminded_at",
        "created_at",
    ]
    list_filter = ["interval_months", "last_touch_how", "created_at"]
    search_fields = ["member__username", "other__username"]
    list_select_related = ["member", "other"]
    date_hierarchy = "next_due_at"
    # The member's private note stays private, even from moderators.
    exclude = ["last_touch_note"]


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    list_display = ["member", "frequency", "last_sent_at", "updated_at"]
    list_filter = ["frequency"]
    search_fields = ["member__username"]
    raw_id_fields = ["member"]
    readonly_fields = ["last_sent_at", "updated_at"]
    list_select_related = ["member"]


@admin.register(DigestLog)
class DigestLogAdmin(_ReadOnly):
    list_display = ["id", "member", "frequency", "status", "items", "sections", "created_at"]
    list_filter = ["status", "frequency", "created_at"]
    search_fields = ["member__username"]
    list_select_related = ["member"]
    date_hierarchy = "created_at"
