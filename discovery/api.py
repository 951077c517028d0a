"""REST API of the discovery app: people you may know, and who you know at a place."""

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import (
    PaginatedApi,
    Pagination,
    error_responses,
    request_member,
    service_404s_as_one,
)
from connections.serializers import EmptyInputSerializer
from discovery import selectors, services
from discovery.selectors import Group
from discovery.serializers import (
    IntroducerGroupSerializer,
    ReachedMemberSerializer,
    SuggestionOutputSerializer,
    SuggestionsPendingSerializer,
    WhoAtGroupsQuerySerializer,
    WhoAtQuerySerializer,
)

RETRY_AFTER = 5  # seconds: a first computation usually takes well under that

_HANDLE = OpenApiParameter(
    "handle", str, OpenApiParameter.PATH, description="The member's LinkUp handle."
)


class SuggestionListApi(PaginatedApi):
    @extend_schema(
        operation_id="suggestions_list",
        tags=["discovery"],
        responses={
            200: SuggestionOutputSerializer(many=True),
            202: OpenApiResponse(
                SuggestionsPendingSerializer,
                description="Your first suggestions are being computed: ask again later.",
            ),
            **error_responses(401),
        },
        description=(
            "People you may know, best first: members with the most connections in common, "
            "and members who worked or studied where you did (at the same time counts more). "
            "Computed in the background; the first call starts the computation and answers "
            "202. Never lists your connections, members with an open request either way, "
            "members blocked either way, hidden members or members you dismissed, even when "
            "that changed after the computation. Never carries contact details."
        ),
    )
    def get(self, request: Request) -> Response:
        member = request_member(request)
        state = services.suggestions_visit(member=member, state=selectors.suggestion_state(member))
        if not state.ready:
            body = SuggestionsPendingSerializer(
                {"status": "computing", "retry_after": RETRY_AFTER}
            ).data
            return Response(body, status=status.HTTP_202_ACCEPTED)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.suggestions_for(member), request, view=self)
        data = SuggestionOutputSerializer(page or [], many=True).data
        return paginator.get_paginated_response(data)


class SuggestionDismissApi(APIView):
    @extend_schema(
        operation_id="suggestions_dismiss",
        tags=["discovery"],
        request=None,
        parameters=[_HANDLE],
        responses={204: None, **error_responses(400, 401, 404)},
        description=(
            "“Don't know them”: this member is never suggested to you again. Idempotent. "
            "Hidden, blocked and unknown members give the same 404."
        ),
    )
    def post(self, request: Request, handle: str) -> Response:
        EmptyInputSerializer(data=request.data).is_valid(raise_exception=True)
        with service_404s_as_one():
            services.pymk_dismiss(member=request_member(request), handle=handle)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WhoAtApi(PaginatedApi):
    @extend_schema(
        operation_id="network_at",
        tags=["discovery"],
        parameters=[WhoAtGroupsQuerySerializer],
        responses={200: IntroducerGroupSerializer(many=True), **error_responses(400, 401)},
        description=(
            "Who do I know at a company (current positions), a school or in an industry: "
            "the members there at your 2nd and 3rd degree, in groups by the connection of "
            "yours who can introduce you (for the 3rd degree, the first person along a "
            "path). A member reachable through several connections is in each group. "
            "Groups with the most members come first; each lists `per_group` members, "
            "closest first, with the `via` to give POST /api/v1/introductions/. Give exactly "
            "one of `company`, `school`, `industry`. Hidden members are never listed and "
            "never introduce; no contact details."
        ),
    )
    def get(self, request: Request) -> Response:
        query = WhoAtGroupsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind, value = query.place()
        result = selectors.who_you_know(request_member(request), kind=kind, value=value)
        paginator = Pagination()
        groups: Any = paginator.paginate_queryset(result.groups, request, view=self)
        shown, _ = selectors.shown_groups(groups or [], per_group=query.validated_data["per_group"])
        data = IntroducerGroupSerializer(shown, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class WhoAtViaApi(PaginatedApi):
    @extend_schema(
        operation_id="network_at_via",
        tags=["discovery"],
        parameters=[_HANDLE, WhoAtQuerySerializer],
        responses={
            200: ReachedMemberSerializer(many=True),
            **error_responses(
                400, 401, 404, descriptions={404: "Not one of your connections (or hidden)."}
            ),
        },
        description=(
            "Every member at the place that one of your connections (`handle`) can "
            "introduce you to, closest first: one group of GET /api/v1/network/at/ in full."
        ),
    )
    def get(self, request: Request, handle: str) -> Response:
        query = WhoAtQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        member = request_member(request)
        via = selectors.introducer_for(member, handle)
        if via is None:
            raise Http404("No such connection.")
        kind, value = query.place()
        result = selectors.who_you_know(member, kind=kind, value=value)
        group = result.group_of(via.pk) or Group(via.pk)
        paginator = Pagination()
        members: Any = paginator.paginate_queryset(group.members, request, view=self)
        shown, _ = selectors.shown_groups(
            [Group(via.pk, list(members or []))], per_group=len(members or [])
        )
        rows = shown[0].rows if shown else []
        data = ReachedMemberSerializer(rows, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)
