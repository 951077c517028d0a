"""The moderators' queue: reports in context, actions with a note, the log, and limits."""

from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.timesince import timesince

from moderation import services, targets
from moderation.models import DontKnowAnswer, MemberRestriction, ModerationAction, Report
from profiles.models import User


class NoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        label="Note for the log",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why: other moderators read this. The member does not.",
    )


class WarnForm(forms.Form):
    message = forms.CharField(
        label="Message to the member",
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=(
            "The member reads this in a notification and an e-mail. Say what was wrong and "
            "what to change; never name or hint at who reported them."
        ),
    )


class AgeFilter(admin.SimpleListFilter):
    title = "age"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("day", "Less than a day"),
            ("week", "1 to 7 days"),
            ("month", "7 to 30 days"),
            ("older", "More than 30 days"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        now = timezone.now()
        bounds = {
            "day": (now - timedelta(days=1), None),
            "week": (now - timedelta(days=7), now - timedelta(days=1)),
            "month": (now - timedelta(days=30), now - timedelta(days=7)),
            "older": (None, now - timedelta(days=30)),
        }
        if self.value() not in bounds:
            return queryset
        after, before = bounds[str(self.value())]
        if after is not None:
            queryset = queryset.filter(created_at__gt=after)
        if before is not None:
            queryset = queryset.filter(created_at__lte=before)
        return queryset


def _member_link(member: User) -> str:
    profile = getattr(member, "profile", None)
    name = profile.full_name if profile is not None else member.username
    return format_html(
        '<a href="{}">{} (@{})</a>',
        reverse("admin:profiles_user_change", args=[member.pk]),
        name,
        member.username,
    )


class ModerationActionInline(admin.TabularInline):
    model = ModerationAction
    extra = 0
    can_delete = False
    fields = ["created_at", "action", "moderator", "member", "note"]
    readonly_fields = ["created_at", "action", "moderator", "member", "note"]
    verbose_name_plural = "actions taken (the log)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The report queue. Open reports by default; select reports and act on them: each
    action asks for a note and is logged."""

    list_display = [
        "id",
        "target_type",
        "reported",
        "reason",
        "status",
        "age",
        "reporter",
    ]
    list_filter = ["status", "target_type", AgeFilter, "reason"]
    search_fields = [
        "reported_member__username",
        "reported_member__profile__full_name",
        "reporter__username",
        "details",
    ]
    list_select_related = ["reported_member__profile", "reporter"]
    date_hierarchy = "created_at"
    actions = ["dismiss", "warn", "remove_content", "suspend", "lift_limit"]
    inlines = [ModerationActionInline]
    fieldsets = (
        (None, {"fields": ("content_in_context", "reason", "details", "reporter", "created_at")}),
        ("The member", {"fields": ("member_history",)}),
        ("Status", {"fields": ("status", "resolved_at", "resolved_by")}),
    )
    readonly_fields = [
        "content_in_context",
        "member_history",
        "reason",
        "details",
        "reporter",
        "created_at",
        "status",
        "resolved_at",
        "resolved_by",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # members report; moderators act

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the queue and its log are kept

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        # The queue opens on what still needs a decision.
        if request.method == "GET" and not request.GET:
            return HttpResponseRedirect(f"{request.path}?status__exact=open")
        return super().changelist_view(request, extra_context=extra_context)

    @admin.display(description="Reported member", ordering="reported_member__username")
    def reported(self, obj: Report) -> str:
        return _member_link(obj.reported_member)

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj: Report) -> str:
        return timesince(obj.created_at)

    @admin.display(description="Reported content")
    def content_in_context(self, obj: Report) -> str:
        target = targets.for_admin(obj.target_type, obj.target_id)
        if target is None:
            return "It no longer exists."
        links = [(target.url, "see it on the site")] if target.url else []
        if target.admin_url:
            links.append((target.admin_url, "open it in admin"))
        return format_html(
            "<p><strong>{}</strong>: {} · by {}{}</p><blockquote>{}</blockquote>",
            obj.get_target_type_display(),
            target.label,
            _member_link(User.objects.select_related("profile").get(pk=target.author_id)),
            format_html_join("", ' · <a href="{}">{}</a>', links),
            mark_safe(linebreaks(target.text, autoescape=True)) if target.text else "(empty)",  # noqa: S308 (escaped by linebreaks)
        )

    @admin.display(description="History")
    def member_history(self, obj: Report) -> str:
        member_id = obj.reported_member_id
        complaints = services.complaints_about(member_id)
        restriction = MemberRestriction.objects.filter(
            member_id=member_id, lifted_at__isnull=True
        ).first()
        recent = ModerationAction.objects.filter(member_id=member_id).select_related("moderator")[
            :5
        ]
        reports = reverse("admin:moderation_report_changelist")
        return format_html(
            '<p>{} · <a href="{}?reported_member__id__exact={}">all reports about them</a>'
            "</p><p>Within {} days: {} reported them, {} did not know them"
            " (limit at {} distinct members).</p>"
            "<p>{}</p><ul>{}</ul>",
            "Suspended" if obj.reported_member.is_suspended else "Active",
            reports,
            member_id,
            services.auto_limit_window().days,
            complaints.reporters,
            complaints.dont_know,
            services.auto_limit_threshold(),
            f"Limited since {restriction.created_at:%d %b %Y}: {restriction.reason}"
            if restriction
            else "Not limited.",
            format_html_join(
                "",
                "<li>{} · {} · {} {}</li>",
                (
                    (
                        f"{a.created_at:%d %b %Y %H:%M}",
                        a.get_action_display(),
                        a.moderator or "automatic",
                        a.note[:120],
                    )
                    for a in recent
                ),
            )
            or format_html("<li>{}</li>", "No actions before."),
        )

    # -- actions: each asks for a note (a message, to warn), then acts and logs ----------

    def _confirm(
        self,
        request: HttpRequest,
        queryset: QuerySet[Report],
        *,
        action: str,
        title: str,
        explanation: str,
        form_class: type[forms.Form],
        perform: Callable[[User, dict[str, Any]], str],
    ) -> TemplateResponse | None:
        moderator = request.user
        assert isinstance(moderator, User)
        if request.POST.get("apply"):
            form = form_class(request.POST)
            if form.is_valid():
                self.message_user(request, perform(moderator, form.cleaned_data), messages.SUCCESS)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "explanation": explanation,
            "reports": queryset.select_related("reported_member__profile"),
            "form": form,
            "action": action,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/moderation/report/action_form.html", context)

    @staticmethod
    def _open(queryset: QuerySet[Report]) -> list[Report]:
        return list(queryset.filter(status=Report.Status.OPEN).select_related("reported_member"))

    @staticmethod
    def _by(reports: Iterable[Report], key: Callable[[Report], Any]) -> dict[Any, list[Report]]:
        groups: dict[Any, list[Report]] = {}
        for report in reports:
            groups.setdefault(key(report), []).append(report)
        return groups

    @admin.action(description="Dismiss: nothing wrong")
    def dismiss(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        def perform(moderator: User, data: dict[str, Any]) -> str:
            reports = self._open(queryset)
            for report in reports:
                services.report_dismiss(report=report, moderator=moderator, note=data["note"])
            return f"Dismissed {len(reports)} report(s)."

        return self._confirm(
            request,
            queryset,
            action="dismiss",
            title="Dismiss these reports",
            explanation="Nothing happens to the members. Dismissed reports stop counting"
            " towards an automatic limit.",
            form_class=NoteForm,
            perform=perform,
        )

    @admin.action(description="Warn the member (a notification with your message)")
    def warn(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        def perform(moderator: User, data: dict[str, Any]) -> str:
            groups = self._by(self._open(queryset), lambda r: r.reported_member)
            for member, reports in groups.items():
                services.member_warn(
                    member=member, moderator=moderator, message=data["message"], reports=reports
                )
            return f"Warned {len(groups)} member(s)."

        return self._confirm(
            request,
            queryset,
            action="warn",
            title="Warn the reported members",
            explanation="Each member gets one notification (and e-mail) with your message."
            " It does not say who reported them.",
            form_class=WarnForm,
            perform=perform,
        )

    @admin.action(description="Remove the content")
    def remove_content(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> TemplateResponse | None:
        def perform(moderator: User, data: dict[str, Any]) -> str:
            groups = self._by(self._open(queryset), lambda r: (r.target_type, r.target_id))
            for reports in groups.values():
                services.content_remove(report=reports[0], moderator=moderator, note=data["note"])
            return f"Removed {len(groups)} piece(s) of content."

        removals = "; ".join(
            f"{label}: {targets.KINDS[value].removal}"
            for value, label in Report._meta.get_field("target_type").choices or []
        )
        return self._confirm(
            request,
            queryset,
            action="remove_content",
            title="Remove the reported content",
            explanation=f"Per kind — {removals}. Every open report about it is closed.",
            form_class=NoteForm,
            perform=perform,
        )

    @admin.action(description="Suspend the member")
    def suspend(self, request: HttpRequest, queryset: QuerySet[Report]) -> TemplateResponse | None:
        def perform(moderator: User, data: dict[str, Any]) -> str:
            groups = self._by(self._open(queryset), lambda r: r.reported_member_id)
            for reports in groups.values():
                services.member_suspend_for_report(
                    report=reports[0], moderator=moderator, note=data["note"]
                )
            return f"Suspended {len(groups)} member(s)."

        return self._confirm(
            request,
            queryset,
            action="suspend",
            title="Suspend the reported members",
            explanation="They vanish from LinkUp at once (everything but admin), their"
            " sessions and tokens stop working, and every open report about them is closed."
            " Unsuspend from the member's page in admin.",
            form_class=NoteForm,
            perform=perform,
        )

    @admin.action(description="Lift the reported member's limit")
    def lift_limit(
        self, request: HttpRequest, queryset: QuerySet[Report]
    ) -> TemplateResponse | None:
        def perform(moderator: User, data: dict[str, Any]) -> str:
            members = {r.reported_member for r in queryset.select_related("reported_member")}
            lifted = sum(
                services.restriction_lift(member=m, moderator=moderator, note=data["note"])
                for m in members
            )
            return f"Lifted the limit on {lifted} member(s)."

        return self._confirm(
            request,
            queryset,
            action="lift_limit",
            title="Lift the limit on the reported members",
            explanation="They may send requests, invitations, introduction requests and asks"
            " again. Complaints before now no longer count towards a new automatic limit.",
            form_class=NoteForm,
            perform=perform,
        )


@admin.register(MemberRestriction)
class MemberRestrictionAdmin(admin.ModelAdmin):
    """Limited members. A limit lasts until a moderator lifts it."""

    list_display = ["member_link", "kind", "reason", "created_at", "active", "lifted_by"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter), "kind", "created_at"]
    search_fields = ["member__username", "member__profile__full_name", "reason"]
    list_select_related = ["member__profile", "lifted_by"]
    readonly_fields = ["member", "kind", "reason", "created_at", "lifted_at", "lifted_by"]
    actions = ["lift"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Member", ordering="member__username")
    def member_link(self, obj: MemberRestriction) -> str:
        reports = reverse("admin:moderation_report_changelist")
        return format_html(
            '{} · <a href="{}?reported_member__id__exact={}">reports</a>',
            _member_link(obj.member),
            reports,
            obj.member_id,
        )

    @admin.display(description="Active", boolean=True)
    def active(self, obj: MemberRestriction) -> bool:
        return obj.lifted_at is None

    @admin.action(description="Lift the limit (after review)")
    def lift(self, request: HttpRequest, queryset: QuerySet[MemberRestriction]) -> None:
        moderator = request.user
        assert isinstance(moderator, User)
        lifted = sum(
            services.restriction_lift(member=r.member, moderator=moderator, note="Reviewed")
            for r in queryset.filter(lifted_at__isnull=True).select_related("member")
        )
        self.message_user(request, f"Lifted {lifted} limit(s).", messages.SUCCESS)


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The log of every moderation action. Read-only."""

    list_display = ["created_at", "action", "member", "by", "report", "short_note"]
    list_filter = ["action", ("moderator", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["member__username", "moderator__username", "note"]
    list_select_related = ["member", "moderator", "report"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="By", ordering="moderator__username")
    def by(self, obj: ModerationAction) -> str:
        return str(obj.moderator) if obj.moderator else "automatic"

    @admin.display(description="Note")
    def short_note(self, obj: ModerationAction) -> str:
        return obj.note[:100]


@admin.register(DontKnowAnswer)
class DontKnowAnswerAdmin(admin.ModelAdmin):
    list_display = ["created_at", "sender", "member"]
    search_fields = ["sender__username", "member__username"]
    list_select_related = ["sender", "member"]
    raw_id_fields = ["request", "member", "sender"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
