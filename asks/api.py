"""REST API for asks: the feed and your own asks, posting, and the four actions.

Every read goes through `asks.selectors`, which decides who may see an ask (the asker,
their 1st-degree connections, members a connection passed it to) and what each sees.
Action endpoints find the ask that way first, so someone who may not see it gets the
same 404 as for a missing id — before any role check. Then the services answer 403
for the wrong role, 409 for the wrong state and 429 past a weekly limit; in each case
nothing changes. Hidden members (suspended, deactivated, blocked either way) and
members who never existed give the same 404 body, whichever handle names them.
"""

from typing import Any, ClassVar

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from asks import selectors, services
from asks.selectors import AskDetail
from asks.serializers import (
    AskAnswerInputSerializer,
    AskCloseInputSerializer,
    AskCreateInputSerializer,
    AskListQuerySerializer,
    AskOutputSerializer,
    AskPassInputSerializer,
    AskReferInputSerializer,
)
from common.api import (
    PaginatedApi,
    Pagination,
    error_responses,
    request_member,
    service_404s_as_one,
    visible_members_or_404,
)
from profiles.models import User

_ERRORS = {
    403: "You see this ask, but your role does not allow the action.",
    429: (
        "A weekly limit is reached (asks posted, people passed to): `retry_after` says in "
        "how many seconds and `resets_at` when a slot frees up. Nothing was created."
    ),
}

_ASK_ID = OpenApiParameter("ask_id", int, OpenApiParameter.PATH, description="The ask's id.")


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return error_responses(*codes, descriptions=_ERRORS)


def _detail(member: User, ask_id: int) -> AskDetail:
    detail = selectors.ask_detail(member, ask_id)
    if detail is None:
        raise exceptions.NotFound()
    return detail


def _render(request: Request, detail: AskDetail) -> dict[str, Any]:
    data: dict[str, Any] = AskOutputSerializer(
        detail, context={"request": request, "detail": True}
    ).data
    return data


class AskListApi(PaginatedApi):
    @extend_schema(
        operation_id="asks_list",
        tags=["asks"],
        parameters=[AskListQuerySerializer],
        responses={200: AskOutputSerializer(many=True), **_errors(400, 401, 404, 429)},
        description=(
            "Your feed, newest first: open asks of your 1st-degree connections and asks a "
            "connection passed to you (with `passed_by`). Expired and closed asks leave it. "
            "With `mine=1`: your own asks in every state, each with its `reach`. Asks in "
            "your feed count as seen by you (once)."
        ),
    )
    def get(self, request: Request) -> Response:
        member = request_member(request)
        query = AskListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        paginator = Pagination()
        if query.validated_data["mine"]:
            page = list(paginator.paginate_queryset(selectors.my_asks(member), request, self) or [])
            rows = selectors.my_rows(page)
        else:
            page = list(paginator.paginate_queryset(selectors.feed(member), request, self) or [])
            rows = selectors.feed_rows(page)
            services.ask_views_record(viewer=member, asks=page)
        data = AskOutputSerializer(rows, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="asks_create",
        tags=["asks"],
        request=AskCreateInputSerializer,
        responses={
            201: OpenApiResponse(AskOutputSerializer, description="Your connections see it now."),
            **_errors(400, 401, 415, 429),
        },
        description=(
            "Post a need to your network. Your 1st-degree connections see it in their feed "
            "and can answer, refer someone they know, or pass it on to their own "
            f"connections. {services.ASKS_PER_WEEK} asks a week (429 past that)."
        ),
    )
    def post(self, request: Request) -> Response:
        member = request_member(request)
        serializer = AskCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ask = services.ask_create(author=member, **serializer.validated_data)
        return Response(_render(request, _detail(member, ask.pk)), status=status.HTTP_201_CREATED)


class AskDetailApi(APIView):
    @extend_schema(
        operation_id="asks_retrieve",
        tags=["asks"],
        parameters=[_ASK_ID],
        responses={200: AskOutputSerializer, **_errors(401, 404, 429)},
        description=(
            "One ask as you may see it. Your own: every answer and referral, who passed it "
            "on, and `reach` (seen by, passes, referrals, answers). Otherwise: your own "
            "answer, referrals and passes. 404, the same as for a missing id, when you may "
            "not see it. Opening it counts you as having seen it (once)."
        ),
    )
    def get(self, request: Request, ask_id: int) -> Response:
        member = request_member(request)
        detail = _detail(member, ask_id)
        services.ask_views_record(viewer=member, asks=[detail.ask])
        return Response(_render(request, detail))


class _AskActionApi(APIView):
    input_serializer: ClassVar[type[serializers.Serializer]]

    def act(self, member: User, detail: AskDetail, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, ask_id: int) -> Response:
        member = request_member(request)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Someone who may not see it learns nothing: the one 404, before any role check.
        detail = _detail(member, ask_id)
        with service_404s_as_one():
            self.act(member, detail, dict(serializer.validated_data))
        return Response(_render(request, _detail(member, ask_id)))


def _action_schema(name: str, request: Any, description: str) -> Any:
    return extend_schema(
        operation_id=f"asks_{name}",
        tags=["asks"],
        parameters=[_ASK_ID],
        request=request,
        responses={200: AskOutputSerializer, **_errors(400, 401, 403, 404, 409, 415, 429)},
        description=(
            f"{description} Answers with the ask as you now see it. 404 when you may not see "
            "it (or a handle is nobody you may see); 403 when your role does not allow this; "
            "409 when its state does not (closed, expired); in each case nothing changes."
        ),
    )


class AskAnswerApi(_AskActionApi):
    input_serializer = AskAnswerInputSerializer

    def act(self, member: User, detail: AskDetail, data: dict[str, Any]) -> None:
        services.ask_answer(ask_id=detail.ask.pk, member=member, body=data["body"])

    @_action_schema(
        "answer",
        AskAnswerInputSerializer,
        "Reply to an ask you see (once). Only the asker reads it; they are notified.",
    )
    def post(self, request: Request, ask_id: int) -> Response:
        return super().post(request, ask_id)


class AskReferApi(_AskActionApi):
    input_serializer = AskReferInputSerializer

    def act(self, member: User, detail: AskDetail, data: dict[str, Any]) -> None:
        handle = data["member"].strip().lower()
        referred = visible_members_or_404(member, [handle])[handle]
        services.ask_refer(
            ask_id=detail.ask.pk, referrer=member, referred=referred, note=data["note"]
        )

    @_action_schema(
        "refer",
        AskReferInputSerializer,
        "Refer one of your connections to the asker. This is an introduction you broker "
        "between two people you know (`/introductions/`, double opt-in: both accept, then "
        "they are connected), so only the asker's own connections can refer; a member the "
        "ask was passed to gets 403 and can answer instead. 400 for someone who is not your "
        "connection; 409 when they are already connected, already referred for this ask, "
        "or have an open introduction.",
    )
    def post(self, request: Request, ask_id: int) -> Response:
        return super().post(request, ask_id)


class AskPassApi(_AskActionApi):
    input_serializer = AskPassInputSerializer

    def act(self, member: User, detail: AskDetail, data: dict[str, Any]) -> None:
        found = visible_members_or_404(member, data["to"])
        recipients = [found[handle.strip().lower()] for handle in data["to"]]
        services.ask_pass(ask_id=detail.ask.pk, member=member, recipients=recipients)

    @_action_schema(
        "pass",
        AskPassInputSerializer,
        "Pass the ask on to some of your own connections: they see it and can answer. Only "
        "the asker's 1st-degree connections pass an ask on (so it reaches at most the "
        "asker's 2nd degree). Passing again to the same person changes nothing. "
        f"{services.PASSES_PER_WEEK} people a week.",
    )
    def post(self, request: Request, ask_id: int) -> Response:
        return super().post(request, ask_id)


class AskCloseApi(_AskActionApi):
    input_serializer = AskCloseInputSerializer

    def act(self, member: User, detail: AskDetail, data: dict[str, Any]) -> None:
        found = visible_members_or_404(member, data["helpers"])
        helpers = [found[handle.strip().lower()] for handle in data["helpers"]]
        services.ask_close(
            ask_id=detail.ask.pk, member=member, solved=data["solved"], helpers=helpers
        )

    @_action_schema(
        "close",
        AskCloseInputSerializer,
        "The asker closes their ask, solved or not, and thanks those who helped (from "
        "those who answered or referred; 400 for anyone else). Each is notified.",
    )
    def post(self, request: Request, ask_id: int) -> Response:
        return super().post(request, ask_id)
