from django.contrib import admin
from django.db import models
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from asks.models import Ask, AskAnswer, AskHelper, AskPass, AskReferral, AskView


def _count(model: type[models.Model]) -> Coalesce:
    rows = (
        model._default_manager.filter(ask=OuterRef("pk"))
        .order_by()
        .values("ask")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


class AnswerInline(admin.TabularInline):
    model = AskAnswer
    extra = 0
    raw_id_fields = ["author"]
    readonly_fields = ["created_at"]


class PassInline(admin.TabularInline):
    model = AskPass
    extra = 0
    raw_id_fields = ["from_member", "to_member"]
    readonly_fields = ["created_at"]


class ReferralInline(admin.TabularInline):
    model = AskReferral
    extra = 0
    raw_id_fields = ["referrer", "referred", "introduction"]
    readonly_fields = ["created_at"]


class HelperInline(admin.TabularInline):
    model = AskHelper
    extra = 0
    raw_id_fields = ["member"]


@admin.register(Ask)
class AskAdmin(admin.ModelAdmin):
    """Asks with their reach. Admins see everything, hidden members included."""

    list_display = [
        "id",
        "title",
        "author",
        "status",
        "industry",
        "created_at",
        "expires_at",
        "seen_by",
        "passed_on",
        "referrals_made",
        "answers_given",
    ]
    list_filter = ["status", "industry", "created_at"]
    search_fields = ["title", "body", "topic", "author__username", "author__profile__full_name"]
    raw_id_fields = ["author"]
    readonly_fields = ["created_at", "closed_at"]
    list_select_related = ["author"]
    date_hierarchy = "created_at"
    inlines = [AnswerInline, ReferralInline, PassInline, HelperInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ask]:
        # One correlated count each (joining all four would multiply the rows).
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_seen=_count(AskView),
                n_passes=_count(AskPass),
                n_referrals=_count(AskReferral),
                n_answers=_count(AskAnswer),
            )
        )

    @admin.display(description="seen by", ordering="n_seen")
    def seen_by(self, obj: Ask) -> int:
        return obj.n_seen  # type: ignore[attr-defined]

    @admin.display(description="passed on", ordering="n_passes")
    def passed_on(self, obj: Ask) -> int:
        return obj.n_passes  # type: ignore[attr-defined]

    @admin.display(description="referrals", ordering="n_referrals")
    def referrals_made(self, obj: Ask) -> int:
        return obj.n_referrals  # type: ignore[attr-defined]

    @admin.display(description="answers", ordering="n_answers")
    def answers_given(self, obj: Ask) -> int:
        return obj.n_answers  # type: ignore[attr-defined]


@admin.register(AskAnswer)
class AskAnswerAdmin(admin.ModelAdmin):
    list_display = ["id", "ask", "author", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["body", "author__username", "ask__title"]
    raw_id_fields = ["ask", "author"]
    list_select_related = ["ask", "author"]


@admin.register(AskPass)
class AskPassAdmin(admin.ModelAdmin):
    list_display = ["id", "ask", "from_member", "to_member", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["ask__title", "from_member__username", "to_member__username"]
    raw_id_fields = ["ask", "from_member", "to_member"]
    list_select_related = ["ask", "from_member", "to_member"]


@admin.register(AskReferral)
class AskReferralAdmin(admin.ModelAdmin):
    list_display = ["id", "ask", "referrer", "referred", "introduction_status", "created_at"]
    list_filter = ["introduction__status", "created_at"]
    search_fields = ["ask__title", "referrer__username", "referred__username", "note"]
    raw_id_fields = ["ask", "referrer", "referred", "introduction"]
    list_select_related = ["ask", "referrer", "referred", "introduction"]

    @admin.display(description="introduction", ordering="introduction__status")
    def introduction_status(self, obj: AskReferral) -> str:
        return obj.introduction.get_status_display()
