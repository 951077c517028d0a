"""REST API: report a profile, a connection request's note, an introduction or a
recommendation."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from common.api import (
    OutputSerializer,
    PaginatedApi,
    StrictInputSerializer,
    error_responses,
    paginate,
    request_member,
    service_404s_as_one,
)
from moderation import services
from moderation.models import Report, TargetType


class ReportCreateInputSerializer(StrictInputSerializer):
    type = serializers.ChoiceField(choices=TargetType.choices, help_text="What you report.")
    id = serializers.CharField(
        max_length=64,
        help_text=(
            "Which one: the member's handle for a profile; the id of the connection request, "
            "introduction or recommendation otherwise."
        ),
    )
    reason = serializers.ChoiceField(choices=Report.Reason.choices)
    details = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.DETAILS_MAX,
        trim_whitespace=True,
        help_text="Anything the moderators should know. Required when `reason` is `other`.",
    )


class ReportOutputSerializer(OutputSerializer):
    id = serializers.IntegerField()
    type = serializers.CharField(source="target_type")
    reason = serializers.CharField()
    details = serializers.CharField()
    status = serializers.ChoiceField(choices=Report.Status.choices)
    created_at = serializers.DateTimeField()


class ReportListApi(PaginatedApi):
    @extend_schema(
        operation_id="reports_list",
        tags=["moderation"],
        responses={200: ReportOutputSerializer(many=True), **error_responses(401, 429)},
        description="The reports you filed, newest first, with where each one stands.",
    )
    def get(self, request: Request) -> Response:
        reports = Report.objects.filter(reporter=request_member(request)).order_by(
            "-created_at", "-id"
        )
        paginator, page = paginate(self, request, reports)
        return paginator.get_paginated_response(ReportOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="reports_create",
        tags=["moderation"],
        request=ReportCreateInputSerializer,
        responses={
            201: ReportOutputSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                409,
                415,
                429,
                descriptions={
                    400: (
                        "Invalid input (`fields` names each invalid or unknown field), or "
                        "nothing to report (a request without a note)."
                    ),
                    403: "It is your own content.",
                    404: (
                        "No such thing, or nothing you may see: a hidden or blocked member's "
                        "content looks exactly like content that never existed."
                    ),
                    409: "You already have an open report about it.",
                },
            ),
        },
        description=(
            "Report something you can see: a profile, the note in a connection request sent "
            "to you, the message in an introduction you take part in, or a recommendation. "
            "The reported member is never told who reported them. One open report per thing; "
            "at most 10 reports an hour."
        ),
    )
    def post(self, request: Request) -> Response:
        member = request_member(request)
        serializer = ReportCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        with service_404s_as_one():
            report = services.report_create(
                reporter=member,
                target_type=data["type"],
                target_id=data["id"],
                reason=data["reason"],
                details=data["details"],
            )
        return Response(ReportOutputSerializer(report).data, status=status.HTTP_201_CREATED)
