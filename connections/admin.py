from django.contrib import admin
from django.http import HttpRequest

from connections import graph
from connections.models import (
    Block,
    ConnectionRequest,
    CountRun,
    EmailPreference,
    Invitation,
    NetworkCounts,
    Notification,
)
from profiles.models import User

# Connection rows (the graph) have a composite primary key, which Django's admin
# does not edit; a member's connections show on their user page instead
# (profiles.admin.UserAdmin.neighbourhood).


@admin.register(ConnectionRequest)
class ConnectionRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "from_member", "to_member", "status", "created_at", "responded_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["from_member__username", "to_member__username", "note"]
    raw_id_fields = ["from_member", "to_member"]
    readonly_fields = ["created_at", "responded_at"]
    date_hierarchy = "created_at"
    list_select_related = ["from_member", "to_member"]


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    list_display = ["blocker", "blocked", "created_at"]
    search_fields = ["blocker__username", "blocked__username"]
    raw_id_fields = ["blocker", "blocked"]
    list_select_related = ["blocker", "blocked"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["id", "inviter", "email", "status", "created_at", "sent_at", "reminded_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["inviter__username", "email"]
    raw_id_fields = ["inviter", "joined_member"]
    readonly_fields = ["nonce", "created_at", "sent_at", "reminded_at", "joined_at"]
    date_hierarchy = "created_at"
    list_select_related = ["inviter"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["id", "recipient", "kind", "actor", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["recipient__username", "actor__username"]
    raw_id_fields = ["recipient", "actor", "request"]
    list_select_related = ["recipient", "actor"]


@admin.register(EmailPreference)
class EmailPreferenceAdmin(admin.ModelAdmin):
    list_display = ["member", "notifications", "updated_at"]
    raw_id_fields = ["member"]


NEIGHBOURHOOD_LIMIT = 50


def member_neighbourhood(member: User) -> dict[str, object]:
    """What a moderator sees of a member's place in the graph (a few queries, capped lists)."""
    connection_rows = (
        graph.connections_of(member.pk)
        .select_related("other__profile")
        .order_by("-created_at")[:NEIGHBOURHOOD_LIMIT]
    )
    pending = ConnectionRequest.objects.filter(status=ConnectionRequest.Status.PENDING)
    return {
        "connection_count": graph.connections_of(member.pk).count(),
        "connections": [(row.other, row.created_at) for row in connection_rows],
        "received": pending.filter(to_member=member).select_related("from_member")[
            :NEIGHBOURHOOD_LIMIT
        ],
        "sent": pending.filter(from_member=member).select_related("to_member")[
            :NEIGHBOURHOOD_LIMIT
        ],
        "blocks_made": Block.objects.filter(blocker=member).select_related("blocked"),
        "blocked_by": Block.objects.filter(blocked=member).select_related("blocker"),
        "limit": NEIGHBOURHOOD_LIMIT,
        "counts": NetworkCounts.objects.filter(member=member).first(),
    }


@admin.register(NetworkCounts)
class NetworkCountsAdmin(admin.ModelAdmin):
    list_display = ["member", "first", "second", "third", "computed_at", "exact", "stale_since"]
    list_filter = ["exact", ("stale_since", admin.EmptyFieldListFilter)]
    search_fields = ["member__username"]
    raw_id_fields = ["member"]
    readonly_fields = ["first", "second", "third", "computed_at", "exact", "stale_since"]


@admin.register(CountRun)
class CountRunAdmin(admin.ModelAdmin):
    """The state of the whole-graph job, run by run."""

    list_display = [
        "id",
        "status",
        "started_at",
        "finished_at",
        "progress",
        "members",
        "edges",
        "seconds",
    ]
    list_filter = ["status"]
    readonly_fields = [f.name for f in CountRun._meta.fields]

    @admin.display(description="Partitions done")
    def progress(self, obj: CountRun) -> str:
        return f"{obj.partitions_done} / {obj.partitions}"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
