from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.html import format_html

from profiles import services
from profiles.models import ApiToken, Education, Position, Profile, Skill, User


class ProfileAdminForm(forms.ModelForm):
    website = forms.URLField(required=False, max_length=300, assume_scheme="https")

    class Meta:
        model = Profile
        exclude: list[str] = []  # admin edits every field; the inline narrows it


class ProfileInline(admin.StackedInline):
    model = Profile
    form = ProfileAdminForm
    can_delete = False
    fields = ["full_name", "headline", "industry", "location", "contact_email", "phone", "website"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = [
        "username",
        "email",
        "full_name",
        "industry",
        "location",
        "date_joined",
        "is_suspended",
        "is_staff",
    ]
    list_filter = ["is_suspended", "is_staff", "is_active", "profile__industry", "date_joined"]
    search_fields = [
        "username",
        "email",
        "profile__full_name",
        "profile__headline",
        "profile__location",
    ]
    list_select_related = ["profile"]
    ordering = ["-date_joined"]
    readonly_fields = [
        "is_suspended",
        "suspended_at",
        "suspension_reason",
        "last_login",
        "date_joined",
        "public_profile",
        "neighbourhood",
    ]
    inlines = [ProfileInline]
    actions = ["suspend_members", "unsuspend_members"]
    fieldsets = (
        (None, {"fields": ("username", "email", "password", "public_profile")}),
        ("Moderation", {"fields": ("is_suspended", "suspended_at", "suspension_reason")}),
        ("Neighbourhood", {"fields": ("neighbourhood",)}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "password1", "password2")}),
    )

    @admin.display(description="Name", ordering="profile__full_name")
    def full_name(self, obj: User) -> str:
        return obj.profile.full_name if hasattr(obj, "profile") else ""

    @admin.display(description="Industry", ordering="profile__industry")
    def industry(self, obj: User) -> str:
        return obj.profile.get_industry_display() if hasattr(obj, "profile") else ""

    @admin.display(description="Location", ordering="profile__location")
    def location(self, obj: User) -> str:
        return obj.profile.location if hasattr(obj, "profile") else ""

    @admin.display(description="Public profile")
    def public_profile(self, obj: User) -> str:
        return format_html('<a href="/in/{}/">/in/{}/</a>', obj.username, obj.username)

    @admin.display(description="Connections, pending requests and blocks")
    def neighbourhood(self, obj: User) -> str:
        if obj.pk is None:
            return "—"
        from connections.admin import member_neighbourhood

        return render_to_string("admin/profiles/neighbourhood.html", member_neighbourhood(obj))

    @admin.action(description="Suspend selected members")
    def suspend_members(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = sum(
            services.member_suspend(member=m, reason=f"Suspended by {request.user}")
            for m in queryset
        )
        self.message_user(request, f"Suspended {done} member(s).", messages.SUCCESS)

    @admin.action(description="Unsuspend selected members")
    def unsuspend_members(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = sum(services.member_unsuspend(member=m) for m in queryset)
        self.message_user(request, f"Unsuspended {done} member(s).", messages.SUCCESS)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0


class EducationInline(admin.TabularInline):
    model = Education
    extra = 0


class SkillInline(admin.TabularInline):
    model = Skill
    extra = 0


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    form = ProfileAdminForm
    list_display = ["full_name", "handle", "headline", "industry", "location", "created_at"]
    list_filter = ["industry", "user__is_suspended", "created_at"]
    search_fields = [
        "full_name",
        "user__username",
        "user__email",
        "headline",
        "location",
        "positions__organization",
    ]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    inlines = [PositionInline, EducationInline, SkillInline]

    @admin.display(description="Handle", ordering="user__username")
    def handle(self, obj: Profile) -> str:
        return obj.user.username


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at", "expires_at", "created_at"]
    list_select_related = ["user"]
    search_fields = ["user__username", "name", "prefix"]
    # Never the hash: admins see which token it is (prefix), not material to attack.
    fields = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token made here would have no key anyone could use: members make their own.
        return False

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        done = sum(services.api_token_revoke(token=t) for t in queryset)
        self.message_user(request, f"Revoked {done} token(s).", messages.SUCCESS)
