import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from reach.models import ReachHistory, ReachSummary


class _ReadOnly(admin.ModelAdmin):
    """Computed by workers: admins look, never edit (a recomputation would overwrite it)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ReachSummary)
class ReachSummaryAdmin(_ReadOnly):
    list_display = [
        "member",
        "first",
        "second",
        "second_reachable",
        "third",
        "third_reachable",
        "active_brokers",
        "computed_at",
        "requested_at",
        "seconds",
    ]
    list_filter = [("computed_at", admin.EmptyFieldListFilter), "computed_at"]
    search_fields = ["member__username", "member__profile__full_name"]
    list_select_related = ["member"]
    raw_id_fields = ["member"]
    date_hierarchy = "computed_at"
    fields = [
        "member",
        "computed_at",
        "requested_at",
        "seconds",
        ("first", "second", "third"),
        ("second_reachable", "third_reachable", "active_brokers"),
        "data_pretty",
    ]
    readonly_fields = [
        "member",
        "computed_at",
        "requested_at",
        "seconds",
        "first",
        "second",
        "third",
        "second_reachable",
        "third_reachable",
        "active_brokers",
        "data_pretty",
    ]

    @admin.display(description="data")
    def data_pretty(self, obj: ReachSummary) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.data, indent=1, ensure_ascii=False))


@admin.register(ReachHistory)
class ReachHistoryAdmin(_ReadOnly):
    list_display = ["member", "day", "first", "second", "third"]
    list_filter = ["day"]
    search_fields = ["member__username"]
    list_select_related = ["member"]
    raw_id_fields = ["member"]
    date_hierarchy = "day"
