"""REST API: your keep-in-touch list, your digest preference, and your digest.

Hidden members (suspended, deactivated, blocked either way) and members who never
existed give the same 404 (DRF's NotFound body), so no response tells them apart.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
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
from digest import sections, selectors, services
from digest.models import KeepInTouch
from digest.serializers import (
    DigestOutputSerializer,
    DigestPreferenceOutputSerializer,
    DigestPreferenceUpdateInputSerializer,
    KeepInTouchCreateInputSerializer,
    KeepInTouchOutputSerializer,
    KeepInTouchTouchInputSerializer,
    KeepInTouchUpdateInputSerializer,
)
from profiles.models import User

_DESCRIPTIONS = {
    404: "No such member on your list, or a member you may not see (the two look the same).",
    409: "Not one of your connections, or already on your list; nothing changed.",
}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return error_responses(*codes, descriptions=_DESCRIPTIONS)


def _handle() -> OpenApiParameter:
    return OpenApiParameter(
        "handle", str, OpenApiParameter.PATH, description="The handle of a member on your list."
    )


def _entry(member: User, other: User) -> KeepInTouch:
    entry = selectors.keep_in_touch_entry(member, other.pk)
    if entry is None:
        raise exceptions.NotFound()
    return entry


def _render(request: Request, entry: KeepInTouch) -> Response:
    return Response(KeepInTouchOutputSerializer(entry, context={"request": request}).data)


class KeepInTouchListApi(PaginatedApi):
    @extend_schema(
        operation_id="keep_in_touch_list",
        tags=["keep in touch"],
        responses={200: KeepInTouchOutputSerializer(many=True), **_errors(401, 429)},
        description=(
            "Your private keep-in-touch list, soonest due first (overdue ones at the top). "
            "Members hidden from you are left out. Never any contact details."
        ),
    )
    def get(self, request: Request) -> Response:
        rows = selectors.keep_in_touch_for(request_member(request))
        paginator, page = paginate(self, request, rows)
        data = KeepInTouchOutputSerializer(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="keep_in_touch_add",
        tags=["keep in touch"],
        request=KeepInTouchCreateInputSerializer,
        responses={201: KeepInTouchOutputSerializer, **_errors(400, 401, 404, 409, 415, 429)},
        description=(
            "Put one of your connections on your list with a reminder interval (1, 3, 6 or 12 "
            "months; 3 by default). The first due date counts from your last touch LinkUp "
            "knows of, else from now. 404 for a member you may not see; 409 when not "
            "connected or already on the list."
        ),
    )
    def post(self, request: Request) -> Response:
        member = request_member(request)
        serializer = KeepInTouchCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other = visible_member_or_404(member, serializer.validated_data["handle"])
        with service_404s_as_one():
            services.keep_in_touch_add(
                member=member,
                other=other,
                interval_months=serializer.validated_data["interval_months"],
            )
        response = _render(request, _entry(member, other))
        response.status_code = status.HTTP_201_CREATED
        return response


class KeepInTouchDetailApi(APIView):
    @extend_schema(
        operation_id="keep_in_touch_update",
        tags=["keep in touch"],
        parameters=[_handle()],
        request=KeepInTouchUpdateInputSerializer,
        responses={200: KeepInTouchOutputSerializer, **_errors(400, 401, 404, 415, 429)},
        description=(
            "Change the reminder interval. The due date is recomputed from the last touch; "
            "when it moves into the future you can be reminded again."
        ),
    )
    def patch(self, request: Request, handle: str) -> Response:
        member = request_member(request)
        serializer = KeepInTouchUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other = visible_member_or_404(member, handle)
        with service_404s_as_one():
            services.keep_in_touch_update(
                member=member,
                other=other,
                interval_months=serializer.validated_data["interval_months"],
            )
        return _render(request, _entry(member, other))

    @extend_schema(
        operation_id="keep_in_touch_remove",
        tags=["keep in touch"],
        parameters=[_handle()],
        request=None,
        responses={204: None, **_errors(401, 404, 429)},
        description="Take a member off your list. You stay connected; nobody is told.",
    )
    def delete(self, request: Request, handle: str) -> Response:
        member = request_member(request)
        other = visible_member_or_404(member, handle)
        with service_404s_as_one():
            services.keep_in_touch_remove(member=member, other=other)
        return Response(status=status.HTTP_204_NO_CONTENT)


class KeepInTouchTouchApi(APIView):
    @extend_schema(
        operation_id="keep_in_touch_touch",
        tags=["keep in touch"],
        parameters=[_handle()],
        request=KeepInTouchTouchInputSerializer,
        responses={200: KeepInTouchOutputSerializer, **_errors(400, 401, 404, 415, 429)},
        description=(
            "Record that you were in touch, with an optional private note (at most 300 "
            'characters: "had coffee"). The next due date counts from now. Introducing or '
            "recommending the member records a touch by itself."
        ),
    )
    def post(self, request: Request, handle: str) -> Response:
        member = request_member(request)
        serializer = KeepInTouchTouchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        other = visible_member_or_404(member, handle)
        with service_404s_as_one():
            services.keep_in_touch_touch(
                member=member, other=other, note=serializer.validated_data["note"]
            )
        return _render(request, _entry(member, other))


class DigestPreferenceApi(APIView):
    @extend_schema(
        operation_id="me_digest_retrieve",
        tags=["digest"],
        responses={200: DigestPreferenceOutputSerializer, **_errors(401, 429)},
        description="How often you get the digest e-mail: weekly (the default), monthly or never.",
    )
    def get(self, request: Request) -> Response:
        preference = selectors.digest_preference(request_member(request))
        return Response(DigestPreferenceOutputSerializer(preference).data)

    @extend_schema(
        operation_id="me_digest_update",
        tags=["digest"],
        request=DigestPreferenceUpdateInputSerializer,
        responses={200: DigestPreferenceOutputSerializer, **_errors(400, 401, 415, 429)},
        description="Choose weekly, monthly or never.",
    )
    def patch(self, request: Request) -> Response:
        serializer = DigestPreferenceUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = services.digest_preference_set(
            member=request_member(request), frequency=serializer.validated_data["frequency"]
        )
        return Response(DigestPreferenceOutputSerializer(preference).data)


class DigestApi(APIView):
    @extend_schema(
        operation_id="digest_retrieve",
        tags=["digest"],
        responses={200: DigestOutputSerializer, **_errors(401, 429)},
        description=(
            "Your digest, live: the sections that have something, giving first "
            "(introductions waiting on you, then people you have not been in touch with, "
            "then the rest). Each item has a title, lines and a link. No contact details."
        ),
    )
    def get(self, request: Request) -> Response:
        digest = sections.build(request_member(request))
        return Response(DigestOutputSerializer(digest, context={"request": request}).data)
