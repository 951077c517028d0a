from django.contrib import admin

from connections import graph
from connections.models import Block, ConnectionRequest, EmailPreference, Invitation, Notification
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
    }
