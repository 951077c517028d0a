from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import ErrorSerializer, OutputSerializer
from connections.network import network_size
from profiles.models import User


class NetworkOutputSerializer(OutputSerializer):
    first = serializers.IntegerField(help_text="Connections: always exact and current.")
    second = serializers.IntegerField(
        allow_null=True, help_text="Members at distance exactly 2 (null until first computed)."
    )
    third = serializers.IntegerField(allow_null=True, help_text="Members at distance exactly 3.")
    computed_at = serializers.DateTimeField(allow_null=True)
    exact = serializers.BooleanField()
    stale = serializers.BooleanField(
        help_text="A connection within reach changed since computed_at; a recount is on its way."
    )


class NetworkView(APIView):
    queryset: QuerySet[User] = User.objects.none()

    @extend_schema(
        operation_id="network_size",
        responses={200: NetworkOutputSerializer, 401: ErrorSerializer},
        summary="Your network by degree",
    )
    def get(self, request: Request) -> Response:
        assert request.user.pk is not None
        size = network_size(request.user.pk)
        return Response(NetworkOutputSerializer(size).data)
