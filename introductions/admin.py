from datetime import timedelta
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from introductions.models import BrokerSettings, Hop, Introduction, MessageReport, Outcome
from profiles.services import member_suspend


class HopInline(admin.TabularInline):
    model = Hop
    extra = 0
    raw_id_fields = ["broker"]
    readonly_fields = ["reached_at", "decided_at"]


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0
    raw_id_fields = ["member"]


def weekly_funnel(weeks: int = 12) -> list[dict[str, Any]]:
    """Requested → forwarded to the target → accepted, per week of request (one query)."""
    since = timezone.now() - timedelta(weeks=weeks)
    rows = (
        Introduction.objects.filter(created_at__gte=since, kind=Introduction.Kind.REQUEST)
        .annotate(week=TruncWeek("created_at"))
        .values("week")
        .annotate(
            requested=Count("id"),
            forwarded=Count("id", filter=Q(forwarded_at__isnull=False)),
            accepted=Count("id", filter=Q(status=Introduction.Status.ACCEPTED)),
        )
        .order_by("-week")
    )
    funnel = []
    for row in rows:
        requested = row["requested"] or 1
        funnel.append(
            {
                **row,
                "forwarded_pct": round(100 * row["forwarded"] / requested),
                "accepted_pct": round(100 * row["accepted"] / requested),
            }
        )
    return funnel


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    change_list_template = "admin/introductions/introduction/change_list.html"
    list_display = ["id", "kind", "requester", "target", "status", "created_at", "expires_at"]
    list_filter = ["status", "kind", "created_at"]
    search_fields = ["requester__username", "target__username", "target_email", "message"]
    raw_id_fields = ["requester", "target", "invitation"]
    readonly_fields = ["created_at", "forwarded_at", "closed_at", "reminded_at"]
    list_select_related = ["requester", "target"]
    date_hierarchy = "created_at"
    inlines = [HopInline, OutcomeInline]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "funnel": weekly_funnel()}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(MessageReport)
class MessageReportAdmin(admin.ModelAdmin):
    """Reported introduction messages, seen in context, with moderation actions."""

    list_display = ["id", "introduction", "reporter", "reason", "created_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["reason", "introduction__message", "reporter__username"]
    raw_id_fields = ["introduction", "reporter"]
    readonly_fields = ["reported_message", "reporter", "introduction", "created_at"]
    actions = ["dismiss", "suspend_author"]

    @admin.display(description="Message in context")
    def reported_message(self, obj: MessageReport) -> str:
        intro = obj.introduction
        return f"From {intro.requester} to {intro.target or intro.target_email}: {intro.message}"

    @admin.action(description="Dismiss: nothing wrong")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[MessageReport]) -> None:
        done = queryset.filter(resolved_at__isnull=True).update(
            resolved_at=timezone.now(), resolution=f"dismissed by {request.user}"
        )
        self.message_user(request, f"Dismissed {done} report(s).", messages.SUCCESS)

    @admin.action(description="Suspend the message's author")
    def suspend_author(self, request: HttpRequest, queryset: QuerySet[MessageReport]) -> None:
        suspended = 0
        for report in queryset.select_related("introduction__requester"):
            intro = report.introduction
            # A request's message is the requester's; an offer's is its broker's.
            author = (
                intro.requester
                if intro.kind == Introduction.Kind.REQUEST
                else intro.hops.get(position=0).broker
            )
            suspended += member_suspend(member=author, reason=f"report {report.pk}")
            MessageReport.objects.filter(pk=report.pk).update(
                resolved_at=timezone.now(), resolution=f"author suspended by {request.user}"
            )
        self.message_user(request, f"Suspended {suspended} member(s).", messages.SUCCESS)


@admin.register(BrokerSettings)
class BrokerSettingsAdmin(admin.ModelAdmin):
    list_display = ["member", "capacity_per_month", "paused", "topics", "updated_at"]
    list_filter = ["paused"]
    search_fields = ["member__username", "topics"]
    raw_id_fields = ["member"]
