"""Reads for the developer, app-authorization and personal-token pages and endpoints."""

from django.db.models import Count, QuerySet
from oauth2_provider.models import AbstractApplication, get_application_model

from developers.models import AppAuthorization
from profiles.models import ApiToken, User

Application = get_application_model()


def developer_applications(*, owner: User) -> QuerySet[AbstractApplication]:
    """The apps `owner` registered, newest first, each with how many members authorized it."""
    return (
        Application.objects.filter(user=owner)
        .annotate(member_count=Count("member_authorizations"))
        .order_by("-created", "-id")
    )


def developer_application(*, owner: User, pk: int) -> AbstractApplication | None:
    """One of `owner`'s apps; None for another developer's app or no app (the same 404)."""
    return developer_applications(owner=owner).filter(pk=pk).first()


def authorized_apps(*, member: User) -> QuerySet[AppAuthorization]:
    """The apps `member` allowed and has not revoked, with each app and its developer."""
    return (
        AppAuthorization.objects.filter(member=member)
        .select_related("application__user__profile")
        .order_by("-granted_at", "-id")
    )


def api_tokens(*, member: User) -> QuerySet[ApiToken]:
    """`member`'s personal tokens that are not revoked (expired ones included), newest first."""
    return ApiToken.objects.filter(user=member, revoked_at__isnull=True).order_by(
        "-created_at", "-id"
    )


def api_token(*, member: User, pk: int) -> ApiToken | None:
    """One of `member`'s tokens not yet revoked; None otherwise (another's: the same 404)."""
    return api_tokens(member=member).filter(pk=pk).first()
