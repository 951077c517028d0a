"""REST API for tokens, the caller's own profile and other members' profiles.

Views parse input with an input serializer, call one selector or service and
render with an output serializer. Errors leave through common.api's handler
in the one error format.
"""

from datetime import timedelta
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.utils import has_verified_email
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authentication import BaseAuthentication
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import PaginatedApi, Pagination, error_responses, request_member
from common.exceptions import ApplicationError
from connections import graph
from profiles import selectors, services
from profiles.api_auth import TokenAuthentication
from profiles.models import ApiToken, Profile, User
from profiles.search import MemberSearch
from profiles.serializers import (
    MemberSearchOutputSerializer,
    MemberSearchQuerySerializer,
    MeOutputSerializer,
    MeUpdateInputSerializer,
    PhotoInputSerializer,
    PhotoOutputSerializer,
    ProfileOutputSerializer,
    TokenCreateInputSerializer,
    TokenOutputSerializer,
)

_ERROR_DESCRIPTIONS = {
    400: "Invalid input; `fields` names each invalid or unknown field.",
    401: "No token, or an invalid, expired or revoked one.",
    404: "No such member, or one you may not see (the two look the same).",
    415: "Unsupported content type.",
    429: "Too many requests; `retry_after` says in how many seconds to retry.",
}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return error_responses(*codes, descriptions=_ERROR_DESCRIPTIONS)


_member = request_member


def _own_profile(member: User) -> Profile:
    try:
        return selectors.own_profile(user=member)
    except Profile.DoesNotExist:
        # Accounts made outside sign-up (createsuperuser) have no profile yet.
        services.profile_create(user=member)
        return selectors.own_profile(user=member)


# --- tokens -----------------------------------------------------------------

INVALID_CREDENTIALS = "Unable to log in with that handle or e-mail address and password."


class AuthTokenApi(APIView):
    """POST: exchange a handle or e-mail address and password for a token.
    DELETE: revoke the token that authenticates the request."""

    throttle_scope = "auth"

    def _is_revoke(self) -> bool:
        # `request` is None while drf-spectacular builds its mock request.
        request = getattr(self, "request", None)
        return request is not None and request.method == "DELETE"

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Logging in takes no credentials but the body: a stale or bad
        # Authorization header must not turn it into a 401, and no session
        # means no CSRF check for API clients.
        if self._is_revoke():
            return [TokenAuthentication()]
        return []

    def get_permissions(self) -> list[BasePermission]:
        if self._is_revoke():
            return [IsAuthenticated()]
        return [AllowAny()]

    @extend_schema(
        operation_id="auth_token_create",
        tags=["auth"],
        request=TokenCreateInputSerializer,
        responses={201: TokenOutputSerializer, **_errors(400, 415, 429)},
        description=(
            "Exchange a handle or e-mail address and password for a personal API token, "
            'named (`name`, default "API token") and valid `expires_in_days` (30, 90 or '
            "365; null: never expires; default 90). The key is shown once and stored hashed. "
            "A wrong password, an unknown member and a suspended member all give the same "
            "400. Limited to 10 attempts a minute."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = TokenCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=serializer.validated_data["username"].strip(),
            password=serializer.validated_data["password"],
        )
        # allauth stashes a member whose password matched but who may not log
        # in (suspended, inactive) for its own login flow; drop it here.
        AuthenticationBackend.unstash_authenticated_user()
        if not isinstance(user, User):
            raise ApplicationError(INVALID_CREDENTIALS, code="invalid_credentials", status=400)
        if not has_verified_email(user):
            raise ApplicationError(
                "Verify your e-mail address before requesting an API token.",
                code="email_unverified",
                status=400,
            )
        days = serializer.validated_data["expires_in_days"]
        token, key = services.api_token_create(
            user=user,
            name=serializer.validated_data["name"],
            ttl=timedelta(days=days) if days else None,
        )
        data = TokenOutputSerializer({"token": key, "expires_at": token.expires_at}).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="auth_token_revoke",
        tags=["auth"],
        request=None,
        responses={204: None, **_errors(401, 429)},
        description="Revoke the token sent with this request; the next request with it is a 401.",
    )
    def delete(self, request: Request) -> Response:
        assert isinstance(request.auth, ApiToken)  # only TokenAuthentication is used here
        services.api_token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- own profile --------------------------------------------------------------


class MeApi(APIView):
    # Nested lists do not survive form encoding: JSON only.
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="me_retrieve",
        tags=["me"],
        responses={200: MeOutputSerializer, **_errors(401, 429)},
        description="Your own profile, contact details and completeness prompts included.",
    )
    def get(self, request: Request) -> Response:
        profile = _own_profile(_member(request))
        return Response(MeOutputSerializer(profile, context={"request": request}).data)

    @extend_schema(
        operation_id="me_update",
        tags=["me"],
        request=MeUpdateInputSerializer,
        responses={200: MeOutputSerializer, **_errors(400, 401, 415, 429)},
        description=(
            "Change some of your profile. Only the documented keys are accepted; any other "
            "key (such as `username` or `is_staff`) is a 400 and nothing changes. "
            "`positions`, `education` and `skills`, when present, replace the whole list."
        ),
    )
    def patch(self, request: Request) -> Response:
        member = _member(request)
        serializer = MeUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data: dict[str, Any] = dict(serializer.validated_data)
        profile = _own_profile(member)
        # One transaction: a refused nested list must not leave the
        # profile's own fields half-updated.
        with transaction.atomic():
            services.profile_update(profile=profile, data=data)
            services.profile_replace_nested(
                profile=profile,
                positions=data.get("positions"),
                education=data.get("education"),
                skills=data.get("skills"),
            )
        # Re-read: the prefetched lists are stale after a replacement.
        profile = selectors.own_profile(user=member)
        return Response(MeOutputSerializer(profile, context={"request": request}).data)


class MePhotoApi(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="me_photo_set",
        tags=["me"],
        request={"multipart/form-data": PhotoInputSerializer},
        responses={200: PhotoOutputSerializer, **_errors(400, 401, 415, 429)},
        description="Upload a profile photo (multipart field `photo`), cropped square.",
    )
    def put(self, request: Request) -> Response:
        serializer = PhotoInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = _own_profile(_member(request))
        profile = services.profile_set_photo(
            profile=profile, upload=serializer.validated_data["photo"]
        )
        photo_url = request.build_absolute_uri(profile.photo.url)
        return Response(PhotoOutputSerializer({"photo_url": photo_url}).data)

    @extend_schema(
        operation_id="me_photo_remove",
        tags=["me"],
        request=None,
        responses={204: None, **_errors(401, 429)},
        description="Remove your profile photo. Removing none is not an error.",
    )
    def delete(self, request: Request) -> Response:
        services.profile_remove_photo(profile=_own_profile(_member(request)))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- other members ------------------------------------------------------------


class ProfileSearchApi(PaginatedApi):
    @extend_schema(
        operation_id="profiles_search",
        tags=["profiles"],
        parameters=[MemberSearchQuerySerializer],
        responses={200: MemberSearchOutputSerializer(many=True), **_errors(400, 401, 429)},
        description=(
            "Search people: `q` looks in names (typos forgiven), headlines and summaries; "
            "the other parameters filter. An exact name match comes first, then the best "
            "matches, closest to you first among equal matches. Every match in your 1st and "
            "2nd degree counts (the 10,000 closest 2nd-degree members, for the best-connected), "
            "and at most 500 beyond. You, hidden members and members blocked either way never "
            "appear; results never carry contact details."
        ),
    )
    def get(self, request: Request) -> Response:
        query = MemberSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        results = MemberSearch(viewer=_member(request), **query.validated_data)
        paginator = Pagination()
        # MemberSearch is a lazy sliceable list, all a paginator needs.
        page: list[Any] | None = paginator.paginate_queryset(results, request, view=self)
        data = MemberSearchOutputSerializer(page or [], many=True).data
        return paginator.get_paginated_response(data)


class ProfileDetailApi(APIView):
    @extend_schema(
        operation_id="profiles_retrieve",
        tags=["profiles"],
        parameters=[
            OpenApiParameter(
                "handle", str, OpenApiParameter.PATH, description="The member's LinkUp handle."
            )
        ],
        responses={200: ProfileOutputSerializer, **_errors(401, 404, 429)},
        description=(
            "A member's profile as you may see it. `contact_email`, `phone` and `website` "
            "are present only for yourself and your 1st-degree connections, absent otherwise. "
            "Hidden and non-existent members give the same 404."
        ),
    )
    def get(self, request: Request, handle: str) -> Response:
        viewer = _member(request)
        profile = selectors.profile_for_viewer(handle=handle, viewer=viewer)
        is_self = profile.user_id == viewer.pk
        # Degree, mutual count and a block either way in one query; closeness says 0 for
        # yourself, the API null. The profile is visible, so hidden means blocked: the
        # same 404 as a member who never existed.
        closeness = graph.closeness(viewer.pk, [profile.user_id])[profile.user_id]
        if not is_self and closeness.hidden:
            raise Http404("No such member.")
        degree = closeness.degree or None
        context = {
            "request": request,
            "is_self": is_self,
            # Same rule as selectors.can_see_contact (self or 1st degree), without a
            # second query: the member is visible, so degree 1 means connected now.
            "show_contact": is_self or degree == 1,
            "degree": degree,
            "mutual_connections_count": closeness.mutual_count,
        }
        return Response(ProfileOutputSerializer(profile, context=context).data)
