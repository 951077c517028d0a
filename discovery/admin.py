from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from discovery.models import DirectoryName, PymkDismissal, Suggestion, SuggestionState


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["member", "candidate", "score", "mutual_count", "computed_at"]
    list_filter = ["computed_at"]
    search_fields = ["member__username", "candidate__username"]
    raw_id_fields = ["member", "candidate"]
    readonly_fields = ["computed_at"]
    list_select_related = ["member", "candidate"]
    ordering = ["member_id", "-score"]


@admin.register(SuggestionState)
class SuggestionStateAdmin(admin.ModelAdmin):
    list_display = [
        "member",
        "computed_at",
        "requested_at",
        "visited_at",
        "candidates",
        "seconds",
    ]
    list_filter = ["computed_at", "visited_at"]
    search_fields = ["member__username"]
    raw_id_fields = ["member"]
    list_select_related = ["member"]
    actions = ["recompute"]

    @admin.action(description="Recompute their suggestions now (in the background)")
    def recompute(self, request: HttpRequest, queryset: QuerySet[SuggestionState]) -> None:
        from connections.services import enqueue
        from discovery.tasks import compute_suggestions

        ids = list(queryset.values_list("member_id", flat=True))
        enqueue(compute_suggestions, ids)
        self.message_user(request, f"Asked for {len(ids)} recomputation(s).")


class DismissedOftenFilter(admin.SimpleListFilter):
    """Moderation: members many people say they do not know (requests to strangers?)."""

    title = "dismissed by"
    parameter_name = "dismissed_by"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("5", "5 or more members"), ("20", "20 or more members")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[PymkDismissal]
    ) -> QuerySet[PymkDismissal]:
        if not self.value():
            return queryset
        often = (
            PymkDismissal.objects.values("dismissed_id")
            .annotate(n=Count("id"))
            .filter(n__gte=int(self.value() or 0))
            .values("dismissed_id")
        )
        return queryset.filter(dismissed_id__in=often)


@admin.register(PymkDismissal)
class PymkDismissalAdmin(admin.ModelAdmin):
    list_display = ["member", "dismissed", "created_at"]
    list_filter = [DismissedOftenFilter, "created_at"]
    search_fields = ["member__username", "dismissed__username"]
    raw_id_fields = ["member", "dismissed"]
    list_select_related = ["member", "dismissed"]
    date_hierarchy = "created_at"


@admin.register(DirectoryName)
class DirectoryNameAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "members", "refreshed_at"]
    list_filter = ["kind"]
    search_fields = ["name"]
    ordering = ["kind", "-members"]
