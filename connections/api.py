"""REST API for the member graph and its workflows: paths, mutual connections, your
connections, connection requests, invitations, blocks and notifications.

Views parse input with an input serializer, call one service (writes) or build one
queryset (reads), and render with an output serializer. Per-row facts (degree,
mutual connections) are fetched for a whole page in one query.

Hidden members — suspended, deactivated, or blocked in either direction — and
members who never existed give the same 404 (the body of DRF's NotFound, the one
the profile endpoint and unknown paths give), so no response tells them apart.
"""

from collections.abc import Callable
from typing import Any, ClassVar, cast

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import (
    PaginatedApi,
    StrictInputSerializer,
    error_responses,
    paginate,
    request_member,
    service_404s_as_one,
    visible_member_or_404,
)
from common.exceptions import ApplicationError
from connections import graph, selectors, services
from connections.models import Block, ConnectionRequest, Invitation
from connections.serializers import (
    BlockCreateInputSerializer,
    BlockOutputSerializer,
    ConnectionListQuerySerializer,
    ConnectionOutputSerializer,
    ConnectionRequestConnectedOutputSerializer,
    ConnectionRequestCreateInputSerializer,
    ConnectionRequestOutputSerializer,
    ConnectionUpdateInputSerializer,
    EmptyInputSerializer,
    InvitationCreateInputSerializer,
    InvitationOutputSerializer,
    MemberSummaryOutputSerializer,
    NotificationOutputSerializer,
    NotificationsReadInputSerializer,
    NotificationsReadOutputSerializer,
    PathsOutputSerializer,
    RequestListQuerySerializer,
    UnreadCountOutputSerializer,
)
from profiles.models import User

PATHS_LIMIT = 10

_ERROR_DESCRIPTIONS = {
    400: "Invalid input; `fields` names each invalid or unknown field.",
    401: "No token, or an invalid, expired or revoked one.",
    403: "You take part in this, but your role does not allow the action.",
    404: "Nothing there, or nothing you may see (the two look the same).",
    409: "The action conflicts with the current state; nothing changed.",
    415: "Unsupported content type.",
    429: "Too many requests; `retry_after` says in how many seconds to retry.",
}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return error_responses(*codes, descriptions=_ERROR_DESCRIPTIONS)


def _handle(description: str = "The member's LinkUp handle.") -> OpenApiParameter:
    return OpenApiParameter("handle", str, OpenApiParameter.PATH, description=description)


def _id(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, int, OpenApiParameter.PATH, description=description)


_member = request_member


_service_not_found_as_404 = service_404s_as_one


# --- reads ----------------------------------------------------------------------
# Lists come from connections.selectors, shared with the web pages.

_PaginatedApi = PaginatedApi


# --- how you're connected ---------------------------------------------------------


class ProfilePathsApi(APIView):
    @extend_schema(
        operation_id="profiles_paths",
        tags=["profiles"],
        parameters=[_handle()],
        responses={200: PathsOutputSerializer, **_errors(401, 404, 429)},
        description=(
            f"How you are connected to a member: your degree and up to {PATHS_LIMIT} shortest "
            "paths (at most 3 hops), strongest ties first. Only members you may see appear "
            "on a path. Hidden and non-existent members give the same 404."
        ),
    )
    def get(self, request: Request, handle: str) -> Response:
        viewer = _member(request)
        member = visible_member_or_404(viewer, handle)
        degree: int | None = None
        if member.pk != viewer.pk:
            degree = graph.closeness(viewer.pk, [member.pk])[member.pk].degree
        paths = []
        if degree in (2, 3):
            paths = selectors.paths_between(viewer.pk, member.pk, limit=PATHS_LIMIT)
        data = {"degree": degree or None, "paths": paths}
        return Response(PathsOutputSerializer(data, context={"request": request}).data)


class ProfileMutualApi(_PaginatedApi):
    @extend_schema(
        operation_id="profiles_mutual",
        tags=["profiles"],
        parameters=[_handle()],
        responses={200: MemberSummaryOutputSerializer(many=True), **_errors(401, 404, 429)},
        description=(
            "Your connections who are also connected to this member, most connected first. "
            "Empty for yourself. Hidden and non-existent members give the same 404."
        ),
    )
    def get(self, request: Request, handle: str) -> Response:
        viewer = _member(request)
        member = visible_member_or_404(viewer, handle)
        ids = [] if member.pk == viewer.pk else graph.mutual_connection_ids(viewer.pk, member.pk)
        paginator, page = paginate(self, request, ids)
        rows = selectors.profiles_in_order(page)
        data = MemberSummaryOutputSerializer(rows, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


# --- your connections ----------------------------------------------------------------


class ConnectionListApi(_PaginatedApi):
    @extend_schema(
        operation_id="connections_list",
        tags=["connections"],
        parameters=[ConnectionListQuerySerializer],
        responses={200: ConnectionOutputSerializer(many=True), **_errors(400, 401, 429)},
        description=(
            "Your 1st-degree connections, with their contact details, when you connected and "
            "your private note. `q` keeps those whose name contains it or whose handle starts "
            "with it; `sort` is `recent` (default) or `name`."
        ),
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        query = ConnectionListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.connections_for_page(
            member,
            q=query.validated_data.get("q", "").strip(),
            sort=query.validated_data["sort"],
        )
        paginator, page = paginate(self, request, rows)
        data = ConnectionOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class ConnectionDetailApi(APIView):
    @extend_schema(
        operation_id="connections_update",
        tags=["connections"],
        parameters=[_handle("The handle of one of your connections.")],
        request=ConnectionUpdateInputSerializer,
        responses={200: ConnectionOutputSerializer, **_errors(400, 401, 404, 415, 429)},
        description=(
            "Set your private note about a connection (how you know each other; at most 300 "
            "characters, empty to clear). Only you ever see it. 404 if you are not connected."
        ),
    )
    def patch(self, request: Request, handle: str) -> Response:
        member = _member(request)
        serializer = ConnectionUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other = visible_member_or_404(member, handle)
        if "note" in serializer.validated_data:
            with _service_not_found_as_404():
                services.connection_note_set(
                    member=member, other=other, note=serializer.validated_data["note"]
                )
        row = selectors.connections_for_page(member).filter(other=other).first()
        if row is None:  # not connected (or no longer)
            raise exceptions.NotFound()
        return Response(ConnectionOutputSerializer(row, context={"request": request}).data)

    @extend_schema(
        operation_id="connections_remove",
        tags=["connections"],
        parameters=[_handle("The handle of one of your connections.")],
        request=None,
        responses={204: None, **_errors(401, 404, 429)},
        description=(
            "Remove a connection. The other member is not told. 404 if you are not connected."
        ),
    )
    def delete(self, request: Request, handle: str) -> Response:
        member = _member(request)
        other = visible_member_or_404(member, handle)
        with _service_not_found_as_404():
            services.connection_remove(member=member, other=other)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- connection requests ---------------------------------------------------------------


def _render_requests(
    request: Request, viewer: User, rows: list[ConnectionRequest]
) -> list[dict[str, Any]]:
    """Rows with both members, the other member's degree and mutual count from one query."""
    others = {r.to_member_id if r.from_member_id == viewer.pk else r.from_member_id for r in rows}
    context = {
        "request": request,
        "viewer_id": viewer.pk,
        "closeness": graph.closeness(viewer.pk, others),
    }
    serializer = ConnectionRequestOutputSerializer(rows, many=True, context=context)
    return cast(list[dict[str, Any]], serializer.data)


class ConnectionRequestListApi(_PaginatedApi):
    post_throttle_scope = "connect"

    @extend_schema(
        operation_id="connection_requests_list",
        tags=["connection requests"],
        parameters=[RequestListQuerySerializer],
        responses={200: ConnectionRequestOutputSerializer(many=True), **_errors(400, 401, 429)},
        description=(
            "Open connection requests, newest first: `received` (default; waiting for your "
            "answer) or `sent` (waiting for theirs). Each shows both members, with the other "
            "member's degree and mutual connections. A request you sent that was ignored "
            "still shows as `pending`. Requests with members hidden from you are left out."
        ),
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        query = RequestListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        if query.validated_data["direction"] == "sent":
            # Ignored ones included: an ignored request still looks pending to its sender.
            rows = selectors.sent_requests(member)
        else:
            rows = selectors.received_requests(member)
        paginator, page = paginate(self, request, rows)
        return paginator.get_paginated_response(_render_requests(request, member, page))

    @extend_schema(
        operation_id="connection_requests_create",
        tags=["connection requests"],
        request=ConnectionRequestCreateInputSerializer,
        responses={
            201: OpenApiResponse(ConnectionRequestOutputSerializer, description="Request sent."),
            200: OpenApiResponse(
                ConnectionRequestConnectedOutputSerializer,
                description="The member had already asked you: you are now connected.",
            ),
            **_errors(400, 401, 404, 409, 415, 429),
        },
        description=(
            "Ask a member to connect, with an optional note (at most 300 characters). If they "
            "had already asked you, their request is accepted instead and you are connected "
            "(200). 404 for a member you may not see; 409 when already connected, already "
            "asked, or within 3 weeks of withdrawing a request to them (`retry_after`); 429 "
            "past 100 requests a week (`retry_after`) or 30 a minute."
        ),
    )
    def post(self, request: Request) -> Response:
        member = _member(request)
        serializer = ConnectionRequestCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recipient = visible_member_or_404(member, serializer.validated_data["to"])
        with _service_not_found_as_404():
            outcome = services.connection_request_create(
                sender=member, recipient=recipient, note=serializer.validated_data["note"]
            )
        # Read again with both members' profiles, as the lists read them.
        row = selectors.requests_by_id([outcome.request.pk])[outcome.request.pk]
        (data,) = _render_requests(request, member, [row])
        if outcome.connected:
            return Response({"connected": True, "request": data}, status=status.HTTP_200_OK)
        return Response(data, status=status.HTTP_201_CREATED)


class IgnoreInputSerializer(StrictInputSerializer):
    dont_know = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "You do not know the sender. They are not told; moderators count such answers "
            "(many of them limit the sender's account until a moderator reviews it)."
        ),
    )


class _ConnectionRequestActionApi(APIView):
    action: ClassVar[Callable[..., ConnectionRequest]]
    input_serializer: ClassVar[type[StrictInputSerializer]] = EmptyInputSerializer

    def post(self, request: Request, request_id: int) -> Response:
        member = _member(request)
        serializer = type(self).input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Strangers, and participants whose other member is now hidden, learn nothing:
        # the service says 404 to both, and the API answers every 404 alike.
        with _service_not_found_as_404():
            type(self).action(request_id=request_id, member=member, **serializer.validated_data)
        row = selectors.requests_by_id([request_id])[request_id]
        return Response(_render_requests(request, member, [row])[0])


def _action_schema(
    name: str, description: str, body: type[StrictInputSerializer] | None = None
) -> Callable[[Any], Any]:
    return extend_schema(
        operation_id=f"connection_requests_{name.replace('-', '_')}",
        tags=["connection requests"],
        parameters=[_id("request_id", "The connection request's id.")],
        request=body,
        responses={
            200: ConnectionRequestOutputSerializer,
            **_errors(400, 401, 403, 404, 409, 429),
        },
        description=(
            f"{description}{'' if body else ' Takes no body.'} 403 when you take part in the"
            " request in the other "
            "role, 404 when you take no part in it (or the other member is hidden from you), "
            "409 when it is no longer pending; in each case nothing changes."
        ),
    )


class ConnectionRequestAcceptApi(_ConnectionRequestActionApi):
    action = staticmethod(services.connection_request_accept)

    @_action_schema("accept", "Accept a request sent to you: you are connected.")
    def post(self, request: Request, request_id: int) -> Response:
        return super().post(request, request_id)


class ConnectionRequestIgnoreApi(_ConnectionRequestActionApi):
    action = staticmethod(services.connection_request_ignore)
    input_serializer = IgnoreInputSerializer

    @_action_schema(
        "ignore",
        "Ignore a request sent to you. The sender is never told: it stays pending. Optional "
        'body: `{"dont_know": true}` when you do not know the sender.',
        IgnoreInputSerializer,
    )
    def post(self, request: Request, request_id: int) -> Response:
        return super().post(request, request_id)


class ConnectionRequestDeclineApi(_ConnectionRequestActionApi):
    action = staticmethod(services.connection_request_ignore)
    input_serializer = IgnoreInputSerializer

    @_action_schema(
        "decline",
        'The same as `ignore/` (with the same optional `{"dont_know": true}`): the sender is'
        " never told.",
        IgnoreInputSerializer,
    )
    def post(self, request: Request, request_id: int) -> Response:
        return super().post(request, request_id)


class ConnectionRequestWithdrawApi(_ConnectionRequestActionApi):
    action = staticmethod(services.connection_request_withdraw)

    @_action_schema(
        "withdraw",
        "Withdraw a request you sent. You cannot ask the same member again for 3 weeks.",
    )
    def post(self, request: Request, request_id: int) -> Response:
        return super().post(request, request_id)


# --- invitations ------------------------------------------------------------------------


class InvitationListApi(_PaginatedApi):
    post_throttle_scope = "invite"

    @extend_schema(
        operation_id="invitations_list",
        tags=["invitations"],
        responses={200: InvitationOutputSerializer(many=True), **_errors(401, 429)},
        description="Your invitations, newest first, with their status and reminder state.",
    )
    def get(self, request: Request) -> Response:
        rows = selectors.invitations_of(_member(request))
        paginator, page = paginate(self, request, rows)
        return paginator.get_paginated_response(InvitationOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="invitations_create",
        tags=["invitations"],
        request=InvitationCreateInputSerializer,
        responses={201: InvitationOutputSerializer, **_errors(400, 401, 409, 415, 429)},
        description=(
            "Invite someone who is not a member by e-mail; the link expires in 30 days and one "
            "reminder follows after a week. Only you see the address. 409 when you already "
            "invited it or it belongs to a member (send them a connection request); 429 past "
            "100 invitations a week (`retry_after`) or 30 a minute."
        ),
    )
    def post(self, request: Request) -> Response:
        serializer = InvitationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            invitation = services.invitation_create(
                inviter=_member(request),
                email=serializer.validated_data["email"],
                message=serializer.validated_data["message"],
            )
        except ApplicationError as exc:
            if exc.code == "already_member":
                # The service names the member's handle: that would turn this endpoint into
                # a lookup from private sign-in addresses to members. Say only that it is one.
                raise ApplicationError(exc.message, code=exc.code, status=exc.status) from None
            raise
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class _InvitationActionApi(APIView):
    action: ClassVar[Callable[..., Invitation]]

    def post(self, request: Request, invitation_id: int) -> Response:
        EmptyInputSerializer(data=request.data).is_valid(raise_exception=True)
        with _service_not_found_as_404():
            invitation = type(self).action(invitation_id=invitation_id, inviter=_member(request))
        return Response(InvitationOutputSerializer(invitation).data)


class InvitationCancelApi(_InvitationActionApi):
    action = staticmethod(services.invitation_cancel)

    @extend_schema(
        operation_id="invitations_cancel",
        tags=["invitations"],
        parameters=[_id("invitation_id", "The invitation's id.")],
        request=None,
        responses={200: InvitationOutputSerializer, **_errors(400, 401, 404, 409, 429)},
        description=(
            "Cancel one of your invitations: its link stops working. 409 unless it is still "
            "open; 404 for invitations that are not yours."
        ),
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        return super().post(request, invitation_id)


class InvitationCancelReminderApi(_InvitationActionApi):
    action = staticmethod(services.invitation_cancel_reminder)

    @extend_schema(
        operation_id="invitations_cancel_reminder",
        tags=["invitations"],
        parameters=[_id("invitation_id", "The invitation's id.")],
        request=None,
        responses={200: InvitationOutputSerializer, **_errors(400, 401, 404, 409, 429)},
        description=(
            "Cancel the one reminder e-mail LinkUp would send. Idempotent; 409 once the "
            "reminder went out; 404 for invitations that are not yours."
        ),
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        return super().post(request, invitation_id)


# --- blocks -------------------------------------------------------------------------------


class BlockListApi(_PaginatedApi):
    @extend_schema(
        operation_id="blocks_list",
        tags=["blocks"],
        responses={200: BlockOutputSerializer(many=True), **_errors(401, 429)},
        description="The members you block, most recent first.",
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        rows = (
            Block.objects.filter(
                blocker=member,
                blocked__is_active=True,
                blocked__is_suspended=False,
                blocked__profile__isnull=False,
            )
            .select_related("blocked__profile")
            .order_by("-created_at", "-id")
        )
        paginator, page = paginate(self, request, rows)
        return paginator.get_paginated_response(BlockOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="blocks_create",
        tags=["blocks"],
        request=BlockCreateInputSerializer,
        responses={
            201: OpenApiResponse(BlockOutputSerializer, description="Blocked."),
            200: OpenApiResponse(BlockOutputSerializer, description="You already blocked them."),
            **_errors(400, 401, 404, 415, 429),
        },
        description=(
            "Block a member: any connection and open request between you end, and each of "
            "you disappears for the other everywhere. Idempotent (200 when already blocked). "
            "404 for a member you may not see."
        ),
    )
    def post(self, request: Request) -> Response:
        member = _member(request)
        serializer = BlockCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        target = (
            User.objects.visible()
            .filter(username=serializer.validated_data["handle"].lower(), profile__isnull=False)
            .select_related("profile")
            .first()
        )
        if target is None:
            raise exceptions.NotFound()
        existing = Block.objects.filter(blocker=member, blocked=target).first()
        if existing is not None:
            return Response(BlockOutputSerializer(existing).data, status=status.HTTP_200_OK)
        if Block.objects.filter(blocker=target, blocked=member).exists():
            # They block you: to you they do not exist.
            raise exceptions.NotFound()
        block = services.block_create(blocker=member, blocked=target)
        return Response(BlockOutputSerializer(block).data, status=status.HTTP_201_CREATED)


class BlockDetailApi(APIView):
    @extend_schema(
        operation_id="blocks_remove",
        tags=["blocks"],
        parameters=[_handle("The handle of a member you block.")],
        request=None,
        responses={204: None, **_errors(401, 404, 429)},
        description=(
            "Lift a block. You are not reconnected. 404 when you do not block that member."
        ),
    )
    def delete(self, request: Request, handle: str) -> Response:
        member = _member(request)
        block = Block.objects.filter(
            blocker=member,
            blocked__username=handle.lower(),
            blocked__is_active=True,
            blocked__is_suspended=False,
        ).first()
        if block is None:
            raise exceptions.NotFound()
        services.block_remove(blocker=member, blocked_id=block.blocked_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- notifications ------------------------------------------------------------------------


class NotificationListApi(_PaginatedApi):
    @extend_schema(
        operation_id="notifications_list",
        tags=["notifications"],
        responses={200: NotificationOutputSerializer(many=True), **_errors(401, 429)},
        description=(
            "Your notifications, newest first. Those about a member now hidden from you "
            "(suspended, or blocked either way) are left out."
        ),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.notifications_for(_member(request))
        paginator, page = paginate(self, request, rows)
        data = NotificationOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class NotificationUnreadCountApi(APIView):
    @extend_schema(
        operation_id="notifications_unread_count",
        tags=["notifications"],
        responses={200: UnreadCountOutputSerializer, **_errors(401, 429)},
        description="How many of the notifications you can list are unread.",
    )
    def get(self, request: Request) -> Response:
        count = selectors.unread_notification_count(_member(request))
        return Response(UnreadCountOutputSerializer({"unread_count": count}).data)


class NotificationReadApi(APIView):
    @extend_schema(
        operation_id="notifications_read",
        tags=["notifications"],
        request=NotificationsReadInputSerializer,
        responses={200: NotificationsReadOutputSerializer, **_errors(400, 401, 415, 429)},
        description=(
            'Mark notifications read: `{"ids": [...]}` for some, `{}` for all. Ids that are '
            "not yours or already read are skipped."
        ),
    )
    def post(self, request: Request) -> Response:
        member = _member(request)
        serializer = NotificationsReadInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            member=member, ids=serializer.validated_data.get("ids")
        )
        unread = selectors.unread_notification_count(member)
        data = {"marked": marked, "unread_count": unread}
        return Response(NotificationsReadOutputSerializer(data).data)
