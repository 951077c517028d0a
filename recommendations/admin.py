"""Admin for recommendations: moderators see every recommendation and request in any
state, and can take a recommendation down (shown nowhere) or restore it."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from recommendations.models import Recommendation, RecommendationRequest
from recommendations.services import recommendations_restore, recommendations_take_down


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "author",
        "subject",
        "relationship",
        "status",
        "moderated_at",
        "written_at",
        "published_at",
    ]
    list_filter = [
        "status",
        "relationship",
        ("moderated_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    search_fields = [
        "author__username",
        "author__profile__full_name",
        "subject__username",
        "subject__profile__full_name",
        "body",
    ]
    raw_id_fields = ["author", "subject", "position", "education", "request"]
    readonly_fields = [
        "created_at",
        "written_at",
        "published_at",
        "hidden_at",
        "closed_at",
        "moderated_at",
    ]
    list_select_related = ["author", "subject"]
    date_hierarchy = "created_at"
    actions = ["take_down", "restore"]

    @admin.action(description="Take down (shown nowhere)")
    def take_down(self, request: HttpRequest, queryset: QuerySet[Recommendation]) -> None:
        count = recommendations_take_down(
            ids=list(queryset.values_list("pk", flat=True)), reason="Taken down by a moderator."
        )
        self.message_user(request, f"{count} recommendation(s) taken down.", messages.SUCCESS)

    @admin.action(description="Restore (undo a take-down)")
    def restore(self, request: HttpRequest, queryset: QuerySet[Recommendation]) -> None:
        count = recommendations_restore(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} recommendation(s) restored.", messages.SUCCESS)


@admin.register(RecommendationRequest)
class RecommendationRequestAdmin(admin.ModelAdmin):
    list_display = ["id", "asker", "author", "status", "created_at", "responded_at"]
    list_filter = ["status", "created_at"]
    search_fields = ["asker__username", "author__username", "message"]
    raw_id_fields = ["asker", "author", "position", "education"]
    readonly_fields = ["created_at", "responded_at"]
    list_select_related = ["asker", "author"]
    date_hierarchy = "created_at"
