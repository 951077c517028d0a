"""REST API for the caller's personal API tokens: list them, revoke one.

Tokens are made with POST /api/v1/auth/token/ (profiles.api.AuthTokenApi) or on
/settings/tokens/. OAuth apps cannot reach these endpoints: the auth/ area has
no scope (developers.scopes).
"""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import OutputSerializer, PaginatedApi, error_responses, request_member
from developers import selectors
from profiles import services as profile_services
from profiles.models import ApiToken

_NOT_FOR_APPS = {403: "OAuth apps cannot see or manage personal tokens (`app_not_allowed`)."}


class ApiTokenOutputSerializer(OutputSerializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The key's first characters, to recognise it.")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True, help_text="Null: never expires.")
    expired = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField(
        help_text="True for the token that authenticates this request."
    )

    def get_expired(self, token: ApiToken) -> bool:
        return token.expires_at is not None and token.expires_at <= self.context["now"]

    def get_current(self, token: ApiToken) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, ApiToken) and auth.pk == token.pk


class ApiTokenListApi(PaginatedApi):
    @extend_schema(
        operation_id="auth_tokens_list",
        tags=["auth"],
        responses={
            200: ApiTokenOutputSerializer(many=True),
            **error_responses(401, 403, 429, descriptions=_NOT_FOR_APPS),
        },
        description=(
            "Your personal API tokens that are not revoked, newest first, expired ones "
            "included: name, when created, last used and when they expire. Never the key."
        ),
    )
    def get(self, request: Request) -> Response:
        tokens = selectors.api_tokens(member=request_member(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(tokens, request, view=self)
        context = {"request": request, "now": timezone.now()}
        data = ApiTokenOutputSerializer(page, many=True, context=context).data
        return paginator.get_paginated_response(data)


class ApiTokenDetailApi(APIView):
    @extend_schema(
        operation_id="auth_tokens_revoke",
        tags=["auth"],
        request=None,
        responses={
            204: OpenApiResponse(description="Revoked: its next request is a 401."),
            **error_responses(401, 403, 404, 429, descriptions=_NOT_FOR_APPS),
        },
        description=(
            "Revoke one of your personal tokens. The very next request made with it is a "
            "401. Another member's token, an unknown one and one already revoked are the "
            "same 404."
        ),
    )
    def delete(self, request: Request, token_id: int) -> Response:
        token = selectors.api_token(member=request_member(request), pk=token_id)
        if token is None or not profile_services.api_token_revoke(token=token):
            raise NotFound()
        return Response(status=status.HTTP_204_NO_CONTENT)
