from django.contrib import admin

from privacy.models import AccountDeletion, DataExport


@admin.register(DataExport)
class DataExportAdmin(admin.ModelAdmin):
    list_display = ["id", "member", "status", "progress", "created_at", "finished_at", "expires_at"]
    list_filter = ["status"]
    search_fields = ["member__username"]
    list_select_related = ["member"]
    readonly_fields = [f.name for f in DataExport._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(AccountDeletion)
class AccountDeletionAdmin(admin.ModelAdmin):
    list_display = ["member_id", "deleted_at", "connections_removed"]
    readonly_fields = ["member", "deleted_at", "connections_removed"]
    date_hierarchy = "deleted_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
