"""REST API for recommendations: read them (on a profile, or your own), write, ask, and
move them along (approve, hide, show, revise, decline, withdraw, edit).

Reads go through `recommendations.selectors`, which decide what a caller may see. A
recommendation or request you may not see gives the same 404 as a missing id — never a
403 or 409 that would tell it exists. Once found, you get 403 when your role does not
allow the action (a reader, or the other participant) and 409 when its state does not,
and nothing changes. Hidden members (suspended, deactivated, blocked either way) and
members who never existed give the same 404 whichever handle names them.
"""

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import (
    PaginatedApi,
    error_responses,
    paginate,
    request_member,
    service_404s_as_one,
    visible_member_or_404,
)
from common.throttling import UserRateThrottle
from connections.serializers import EmptyInputSerializer
from profiles.models import User
from recommendations import selectors, services
from recommendations.selectors import Shown
from recommendations.serializers import (
    RecommendationCreateInputSerializer,
    RecommendationListQuerySerializer,
    RecommendationOutputSerializer,
    RecommendationRequestCreateInputSerializer,
    RecommendationRequestListQuerySerializer,
    RecommendationRequestOutputSerializer,
    RecommendationSuggestionQuerySerializer,
    RecommendationSuggestionsOutputSerializer,
    RecommendationUpdateInputSerializer,
    ReviseInputSerializer,
)

_ERRORS = {
    403: "You may see it, but your role does not allow the action.",
}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return error_responses(*codes, descriptions=_ERRORS)


_ID = OpenApiParameter(
    "recommendation_id", int, OpenApiParameter.PATH, description="The recommendation's id."
)
_REQUEST_ID = OpenApiParameter("request_id", int, OpenApiParameter.PATH, description="The id.")

_member = request_member


class RecommendThrottle(UserRateThrottle):
    """Writing and asking: 30 a minute per member (reading is not limited here)."""

    scope = "recommend"
    rate = "30/minute"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method != "POST":
            return True
        return super().allow_request(request, view)


_THROTTLES = [*APIView.throttle_classes, RecommendThrottle]


def _shown(viewer: User, recommendation_id: int) -> Shown:
    recommendation = selectors.recommendation_for(recommendation_id, viewer=viewer)
    if recommendation is None:
        raise exceptions.NotFound()
    return selectors.present(recommendation, viewer.pk)


def _render(request: Request, shown: Shown) -> dict[str, Any]:
    data: dict[str, Any] = RecommendationOutputSerializer(shown, context={"request": request}).data
    return data


# --- recommendations ------------------------------------------------------------


class RecommendationListApi(PaginatedApi):
    throttle_classes = _THROTTLES

    @extend_schema(
        operation_id="recommendations_list",
        tags=["recommendations"],
        parameters=[RecommendationListQuerySerializer],
        responses={200: RecommendationOutputSerializer(many=True), **_errors(400, 401, 404, 429)},
        description=(
            "`?about=<handle>`: the recommendations on that member's profile, newest first, as "
            "you may see them — published ones, without those by members hidden from you, "
            "suspended authors, or between two members who block each other (404 for a member "
            "you may not see). `?role=received` (the default): yours, in every live state, to "
            "manage; `?role=written`: those you wrote, in every state but withdrawn."
        ),
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        query = RecommendationListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if "about" in query.validated_data:
            subject = visible_member_or_404(member, query.validated_data["about"])
            rows = selectors.published_about(subject.pk, viewer=member)
        elif query.validated_data.get("role") == "written":
            rows = selectors.written(member)
        else:
            rows = selectors.received(member)
        paginator, page = paginate(self, request, rows)
        shown = selectors.present_all(page, member.pk)
        data = RecommendationOutputSerializer(shown, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="recommendations_create",
        tags=["recommendations"],
        request=RecommendationCreateInputSerializer,
        responses={
            201: OpenApiResponse(
                RecommendationOutputSerializer, description="Written: waiting for approval."
            ),
            **_errors(400, 401, 403, 404, 409, 415, 429),
        },
        description=(
            "Write a recommendation of a 1st-degree connection: for a `request` made to you, "
            "or unprompted for a `subject` about one of their positions (`position`) or "
            "schools (`education`) — which also answers their open request for the same "
            "thing. It appears on their profile once they approve it; they are notified. "
            "400 for a position or school that is not theirs; 403 for a request you made; "
            "404 for a member or request you may not see; 409 when you are not connected, the "
            "request is no longer open, or you already have a live recommendation of them for "
            "the same thing; 429 past 30 writes and asks a minute."
        ),
    )
    def post(self, request: Request) -> Response:
        member = _member(request)
        serializer = RecommendationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if "request" in data:
            if selectors.request_for(data["request"], viewer=member) is None:
                raise exceptions.NotFound()
            kwargs: dict[str, Any] = {"request_id": data["request"]}
        else:
            kwargs = {
                "subject": visible_member_or_404(member, data["subject"]),
                "position_id": data.get("position"),
                "education_id": data.get("education"),
            }
        with service_404s_as_one():
            recommendation = services.recommendation_write(
                author=member, relationship=data["relationship"], body=data["body"], **kwargs
            )
        return Response(
            _render(request, _shown(member, recommendation.pk)), status=status.HTTP_201_CREATED
        )


class RecommendationDetailApi(APIView):
    @extend_schema(
        operation_id="recommendations_retrieve",
        tags=["recommendations"],
        parameters=[_ID],
        responses={200: RecommendationOutputSerializer, **_errors(401, 404, 429)},
        description=(
            "One recommendation as you may see it: its author and subject see it in every "
            "live state; anyone else only while it is on the subject's profile."
        ),
    )
    def get(self, request: Request, recommendation_id: int) -> Response:
        return Response(_render(request, _shown(_member(request), recommendation_id)))

    @extend_schema(
        operation_id="recommendations_update",
        tags=["recommendations"],
        parameters=[_ID],
        request=RecommendationUpdateInputSerializer,
        responses={
            200: RecommendationOutputSerializer,
            **_errors(400, 401, 403, 404, 409, 415, 429),
        },
        description=(
            "The author edits `body` and/or `relationship` while it waits for approval or "
            "after the subject asked for a revision; it goes back to them for approval (they "
            "are notified after a revision). 403 for anyone but the author; 409 once it is "
            "published, hidden, closed or taken down by the moderators."
        ),
    )
    def patch(self, request: Request, recommendation_id: int) -> Response:
        member = _member(request)
        serializer = RecommendationUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shown = _shown(member, recommendation_id)
        if shown.role != "author":
            raise exceptions.PermissionDenied("Only its author can edit a recommendation.")
        with service_404s_as_one():
            services.recommendation_edit(
                recommendation_id=recommendation_id, author=member, **serializer.validated_data
            )
        return Response(_render(request, _shown(member, recommendation_id)))


class _RecommendationActionApi(APIView):
    input_serializer: ClassVar[type[serializers.Serializer]] = EmptyInputSerializer

    def act(self, member: User, recommendation_id: int, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, recommendation_id: int) -> Response:
        member = _member(request)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Someone who may not see it learns nothing: the one 404, before any role check.
        shown = _shown(member, recommendation_id)
        if shown.role == "reader":
            raise exceptions.PermissionDenied(
                "Only the person recommended or its author can do that."
            )
        with service_404s_as_one():
            self.act(member, recommendation_id, dict(serializer.validated_data))
        recommendation = selectors.recommendation_for(recommendation_id, viewer=member)
        if recommendation is None:  # withdrawn: gone
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(_render(request, selectors.present(recommendation, member.pk)))


def _action_schema(name: str, description: str, request: Any = None, gone: bool = False) -> Any:
    responses: dict[int, Any] = {
        200: RecommendationOutputSerializer,
        **_errors(400, 401, 403, 404, 409, 429),
    }
    if gone:
        responses = {
            204: OpenApiResponse(description="Withdrawn: it is gone."),
            **_errors(400, 401, 403, 404, 409, 429),
        }
    return extend_schema(
        operation_id=f"recommendations_{name}",
        tags=["recommendations"],
        parameters=[_ID],
        request=request,
        responses=responses,
        description=(
            f"{description} 404 when you may not see it; 403 when your role does not allow "
            "this; 409 when its state does not (any more); in each case nothing changes."
            + ("" if request is not None else " Takes no body.")
        ),
    )


class RecommendationApproveApi(_RecommendationActionApi):
    def act(self, member: User, recommendation_id: int, data: dict[str, Any]) -> None:
        services.recommendation_approve(recommendation_id=recommendation_id, member=member)

    @_action_schema(
        "approve",
        "The subject approves a recommendation waiting for approval: it appears on their "
        "profile and the author is told. A second approve is a 409.",
    )
    def post(self, request: Request, recommendation_id: int) -> Response:
        return super().post(request, recommendation_id)


class RecommendationAcceptApi(_RecommendationActionApi):
    def act(self, member: User, recommendation_id: int, data: dict[str, Any]) -> None:
        services.recommendation_approve(recommendation_id=recommendation_id, member=member)

    @_action_schema("accept", "The same as `approve/`.")
    def post(self, request: Request, recommendation_id: int) -> Response:
        return super().post(request, recommendation_id)


class RecommendationHideApi(_RecommendationActionApi):
    def act(self, member: User, recommendation_id: int, data: dict[str, Any]) -> None:
        services.recommendation_hide(recommendation_id=recommendation_id, member=member)

    @_action_schema(
        "hide", "The subject takes a published recommendation off their profile (not deleted)."
    )
    def post(self, request: Request, recommendation_id: int) -> Response:
        return super().post(request, recommendation_id)


class RecommendationShowApi(_RecommendationActionApi):
    def act(self, member: User, recommendation_id: int, data: dict[str, Any]) -> None:
        services.recommendation_show(recommendation_id=recommendation_id, member=member)

    @_action_schema("show", "The subject shows a hidden recommendation on their profile again.")
    def post(self, request: Request, recommendation_id: int) -> Response:
        return super().post(request, recommendation_id)


class RecommendationReviseApi(_RecommendationActionApi):
    input_serializer = ReviseInputSerializer

    def act(self, member: User, recommendation_id: int, data: dict[str, Any]) -> None:
        services.recommendation_request_revision(
            recommendation_id=recommendation_id, member=member, message=data["message"]
        )

    @_action_schema(
        "revise",
        "The subject asks the author for a revision, saying what to change. It leaves the "
        "profile until the author edits it (`PATCH`) and the subject approves it again.",
        ReviseInputSerializer,
    )
    def post(self, request: Request, recommendation_id: int) -> Response:
        return super().post(request, recommendation_id)


class RecommendationDeclineApi(_RecommendationActionApi):
    def act(self, member: User, recommendation_id: int, data: dict[str, Any]) -> None:
        services.recommendation_decline(recommendation_id=recommendation_id, member=member)

    @_action_schema(
        "decline",
        "The subject does not accept a recommendation waiting for approval (or a revision): "
        "it never appears on their profile. The author sees `declined`.",
    )
    def post(self, request: Request, recommendation_id: int) -> Response:
        return super().post(request, recommendation_id)


class RecommendationWithdrawApi(_RecommendationActionApi):
    def act(self, member: User, recommendation_id: int, data: dict[str, Any]) -> None:
        services.recommendation_withdraw(recommendation_id=recommendation_id, member=member)

    @_action_schema(
        "withdraw",
        "The author withdraws (deletes) their recommendation, in any live state: it "
        "disappears everywhere. Answers 204.",
        gone=True,
    )
    def post(self, request: Request, recommendation_id: int) -> Response:
        return super().post(request, recommendation_id)


# --- requests -------------------------------------------------------------------


class RecommendationRequestListApi(PaginatedApi):
    throttle_classes = _THROTTLES

    @extend_schema(
        operation_id="recommendation_requests_list",
        tags=["recommendations"],
        parameters=[RecommendationRequestListQuerySerializer],
        responses={
            200: RecommendationRequestOutputSerializer(many=True),
            **_errors(400, 401, 429),
        },
        description=(
            "`received` (default): open requests asking you to write a recommendation. "
            "`sent`: the requests you made, in every state. Newest first; requests with "
            "members hidden from you are left out."
        ),
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        query = RecommendationRequestListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["direction"] == "sent":
            rows = selectors.requests_sent(member)
        else:
            rows = selectors.requests_received(member)
        paginator, page = paginate(self, request, rows)
        shown = [selectors.present_request(r, member.pk) for r in page]
        data = RecommendationRequestOutputSerializer(
            shown, many=True, context={"request": request}
        ).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="recommendation_requests_create",
        tags=["recommendations"],
        request=RecommendationRequestCreateInputSerializer,
        responses={
            201: OpenApiResponse(RecommendationRequestOutputSerializer, description="Asked."),
            **_errors(400, 401, 404, 409, 415, 429),
        },
        description=(
            "Ask a 1st-degree connection (`author`) for a recommendation about one of your "
            "positions (`position`) or schools (`education`), with a `message`. They are "
            "notified. 400 for a position or school that is not yours; 404 for a member you "
            "may not see; 409 when you are not connected, already asked them for it, or "
            "they already recommended you for it; 429 past 30 writes and asks a minute."
        ),
    )
    def post(self, request: Request) -> Response:
        member = _member(request)
        serializer = RecommendationRequestCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        author = visible_member_or_404(member, data["author"])
        with service_404s_as_one():
            created = services.recommendation_request_create(
                asker=member,
                author=author,
                position_id=data.get("position"),
                education_id=data.get("education"),
                message=data["message"],
            )
        row = selectors.request_for(created.pk, viewer=member)
        assert row is not None
        data_out = RecommendationRequestOutputSerializer(
            selectors.present_request(row, member.pk), context={"request": request}
        ).data
        return Response(data_out, status=status.HTTP_201_CREATED)


class _RequestActionApi(APIView):
    def act(self, member: User, request_id: int) -> None:
        raise NotImplementedError

    def post(self, request: Request, request_id: int) -> Response:
        member = _member(request)
        EmptyInputSerializer(data=request.data).is_valid(raise_exception=True)
        if selectors.request_for(request_id, viewer=member) is None:
            raise exceptions.NotFound()
        with service_404s_as_one():
            self.act(member, request_id)
        row = selectors.request_for(request_id, viewer=member)
        assert row is not None
        data = RecommendationRequestOutputSerializer(
            selectors.present_request(row, member.pk), context={"request": request}
        ).data
        return Response(data)


def _request_action_schema(name: str, description: str) -> Any:
    return extend_schema(
        operation_id=f"recommendation_requests_{name}",
        tags=["recommendations"],
        parameters=[_REQUEST_ID],
        request=None,
        responses={
            200: RecommendationRequestOutputSerializer,
            **_errors(400, 401, 403, 404, 409, 429),
        },
        description=(
            f"{description} Takes no body. 404 when you take no part in it (or the other "
            "member is hidden from you); 403 when you take part in the other role; 409 when "
            "it is no longer open; in each case nothing changes."
        ),
    )


class RecommendationRequestDeclineApi(_RequestActionApi):
    def act(self, member: User, request_id: int) -> None:
        services.recommendation_request_decline(request_id=request_id, member=member)

    @_request_action_schema("decline", "The person asked declines to write it.")
    def post(self, request: Request, request_id: int) -> Response:
        return super().post(request, request_id)


class RecommendationRequestWithdrawApi(_RequestActionApi):
    def act(self, member: User, request_id: int) -> None:
        services.recommendation_request_withdraw(request_id=request_id, member=member)

    @_request_action_schema("withdraw", "The asker withdraws their request.")
    def post(self, request: Request, request_id: int) -> Response:
        return super().post(request, request_id)


# --- suggestions ----------------------------------------------------------------


class RecommendationSuggestionsApi(APIView):
    @extend_schema(
        operation_id="recommendations_suggestions",
        tags=["recommendations"],
        parameters=[RecommendationSuggestionQuerySerializer],
        responses={200: RecommendationSuggestionsOutputSerializer, **_errors(400, 401, 429)},
        description=(
            "Suggestions from shared history: your connections who worked at the same "
            "company (names compared without case, punctuation or legal forms) with "
            "overlapping dates, or studied at the same school in overlapping years. `ask`: "
            "whom to ask for a recommendation about your position or school; `write`: whom "
            "to recommend for theirs. One row per connection (the longest overlap), leaving "
            "out what is already asked or recommended."
        ),
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        query = RecommendationSuggestionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit = query.validated_data["limit"]
        ask = selectors.suggestions(member, direction="ask", limit=limit)
        write = selectors.suggestions(member, direction="write", limit=limit)
        if ask or write:
            selectors.with_members(ask, write)
        data = RecommendationSuggestionsOutputSerializer(
            {"ask": ask, "write": write}, context={"request": request}
        ).data
        return Response(data)
