from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import (
    PaginatedApi,
    StrictInputSerializer,
    error_responses,
    paginate,
    request_member,
)
from common.exceptions import ApplicationError
from connections.serializers import EmptyInputSerializer
from privacy import services
from privacy.models import DataExport


class DataExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DataExport
        fields = [
            "id",
            "status",
            "progress",
            "step",
            "created_at",
            "finished_at",
            "expires_at",
            "size",
            "error",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, export: DataExport) -> str | None:
        if export.status != DataExport.Status.READY:
            return None
        return f"/api/v1/me/exports/{export.pk}/download/"


class ExportListApi(PaginatedApi):
    """Your data archives ("Download my data"): JSON and CSV, kept for 72 hours."""

    @extend_schema(responses={200: DataExportSerializer(many=True), **error_responses(401, 429)})
    def get(self, request: Request) -> Response:
        exports = DataExport.objects.filter(member=request_member(request)).order_by(
            "-created_at", "-id"
        )
        paginator, page = paginate(self, request, exports)
        return paginator.get_paginated_response(DataExportSerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={
            202: DataExportSerializer,
            **error_responses(
                401,
                409,
                429,
                descriptions={409: "An archive is already being prepared."},
            ),
        },
    )
    def post(self, request: Request) -> Response:
        EmptyInputSerializer(data=request.data).is_valid(raise_exception=True)
        export = services.export_request(member=request_member(request))
        return Response(DataExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class ExportDetailApi(APIView):
    @extend_schema(responses={200: DataExportSerializer, **error_responses(401, 404, 429)})
    def get(self, request: Request, export_id: int) -> Response:
        export = DataExport.objects.filter(pk=export_id, member=request_member(request)).first()
        if export is None:
            raise ApplicationError("No such archive.", code="not_found", status=404)
        return Response(DataExportSerializer(export).data)


class ExportDownloadApi(APIView):
    @extend_schema(
        responses={
            (200, "application/zip"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The archive."
            ),
            **error_responses(401, 404, 429),
        }
    )
    def get(self, request: Request, export_id: int) -> FileResponse:
        export = services.export_for_download(member=request_member(request), export_id=export_id)
        return FileResponse(
            services.export_path(export).open("rb"),
            as_attachment=True,
            filename=f"linkup-data-{export.finished_at:%Y-%m-%d}.zip",
            content_type="application/zip",
        )


class AccountDeleteInput(StrictInputSerializer):
    password = serializers.CharField(trim_whitespace=False)
    confirm = serializers.CharField(help_text="Your handle, typed out.")


class AccountDeleteApi(APIView):
    """Delete your account: your connections, profile and personal data are removed."""

    @extend_schema(
        request=AccountDeleteInput,
        responses={204: None, **error_responses(400, 401, 429)},
    )
    def post(self, request: Request) -> Response:
        data = AccountDeleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.account_delete(member=request_member(request), **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
