"""REST API of the reach dashboard: GET /api/v1/network/reach/ and its buckets' people."""

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api import OutputSerializer, PaginatedApi, Pagination, error_responses, request_member
from profiles.industries import Industry
from reach import selectors, services
from reach.attributes import normalise
from reach.forms import BY_CHOICES, VALUE_MAX
from reach.selectors import BucketRow

BY_HELP = "Break the network down by industry, current company or location."


class ReachQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=BY_CHOICES, default="industry", help_text=BY_HELP)


class ReachTotalsSerializer(serializers.Serializer):
    first = serializers.IntegerField(help_text="Connections.")
    second = serializers.IntegerField(help_text="Members at distance exactly 2.")
    third = serializers.IntegerField(help_text="Members at distance exactly 3.")
    second_reachable = serializers.IntegerField(
        help_text="2nd-degree members next to an active broker."
    )
    third_reachable = serializers.IntegerField(
        help_text="3rd-degree members two steps from an active broker."
    )
    active_brokers = serializers.IntegerField(
        help_text=(
            "Connections who logged in, forwarded or accepted an introduction in the last 90 days."
        )
    )


class ReachCountsSerializer(serializers.Serializer):
    first = serializers.IntegerField()
    second = serializers.IntegerField()
    third = serializers.IntegerField()
    second_reachable = serializers.IntegerField()
    third_reachable = serializers.IntegerField()


class ReachBucketSerializer(ReachCountsSerializer):
    value = serializers.CharField(
        help_text="The bucket's key (an industry code, or a lower-cased company or location):"
        " pass it as `value` to /network/reach/members/."
    )
    # The metaclass moves declared fields aside, so this does not shadow Field.label.
    label = serializers.CharField(help_text="How the bucket reads.")  # type: ignore[assignment]


class ReachOutputSerializer(OutputSerializer):
    by = serializers.ChoiceField(choices=BY_CHOICES)
    state = serializers.ChoiceField(
        choices=[services.READY, services.COMPUTING],
        help_text=(
            "`computing`: a computation is on its way (the figures, if any, are from"
            " `computed_at`); poll again in a few seconds."
        ),
    )
    computed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the figures were computed; null before the first time."
    )
    totals = ReachTotalsSerializer(allow_null=True)
    buckets = ReachBucketSerializer(
        many=True,
        help_text=(
            "The largest buckets (the 25 largest at each degree), largest 2nd + 3rd degree first."
        ),
    )
    not_given = ReachCountsSerializer(
        allow_null=True, help_text="Members who have not stated this attribute."
    )
    bucket_count = serializers.IntegerField(help_text="Distinct buckets in the whole network.")


class ReachApi(APIView):
    @extend_schema(
        operation_id="network_reach",
        tags=["network"],
        parameters=[ReachQuerySerializer],
        responses={200: ReachOutputSerializer, **error_responses(400, 401, 429)},
        summary="Your reach by industry, company or location",
        description=(
            "How many members you have at the 1st, 2nd and 3rd degree in each industry, current"
            " company or location, and how many of them you can reach through an *active"
            " broker*: a connection who logged in, forwarded or accepted an introduction in the"
            " last 90 days (a 2nd-degree member next to one, a 3rd-degree member two steps from"
            " one). Blocked and suspended members are never counted. Computed by the server:"
            " the first call (or one after changes in your network) answers `state: computing`"
            " and starts the computation; poll until `ready`."
        ),
    )
    def get(self, request: Request) -> Response:
        query = ReachQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        by = query.validated_data["by"]
        state = services.reach_for_viewer(member=request_member(request))
        data = state.data if state.has_data else {}
        return Response(
            ReachOutputSerializer(
                {
                    "by": by,
                    "state": state.state,
                    "computed_at": state.computed_at,
                    "totals": data.get("totals"),
                    "buckets": data.get("buckets", {}).get(by, []),
                    "not_given": data.get("not_given", {}).get(by),
                    "bucket_count": data.get("bucket_count", {}).get(by, 0),
                }
            ).data
        )


class ReachMembersQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=BY_CHOICES, help_text=BY_HELP)
    value = serializers.CharField(
        max_length=VALUE_MAX, help_text="A bucket's `value`, as /network/reach/ lists it."
    )
    degree = serializers.ChoiceField(choices=[1, 2, 3], help_text="1, 2 or 3.")
    page = serializers.IntegerField(min_value=1, required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=100, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["by"] == "industry":
            if attrs["value"] not in Industry.values:
                raise serializers.ValidationError(
                    {"value": ["That is not one of LinkUp's industries."]}
                )
        else:
            attrs["value"] = normalise(attrs["value"])
        return attrs


class ReachIntroducerSerializer(serializers.Serializer):
    handle = serializers.CharField(source="profile.user.username")
    full_name = serializers.CharField(source="profile.full_name")
    active = serializers.BooleanField(help_text="Active in the last 90 days.")


class ReachMemberSerializer(serializers.Serializer):
    handle = serializers.CharField(source="profile.user.username")
    full_name = serializers.CharField(source="profile.full_name")
    headline = serializers.CharField(source="profile.headline")
    degree = serializers.SerializerMethodField()
    reachable = serializers.BooleanField(
        help_text="An active broker is on a shortest path to them (always true at the 1st degree)."
    )
    introducers = ReachIntroducerSerializer(
        many=True,
        help_text="Your connections on the paths to them, active ones first (up to three).",
    )
    more_introducers = serializers.IntegerField(help_text="How many more could introduce you.")
    introduce_url = serializers.SerializerMethodField(
        help_text="The page to ask for an introduction, with the first introducer chosen."
    )

    def get_degree(self, row: BucketRow) -> int:
        return int(self.context["degree"])

    def get_introduce_url(self, row: BucketRow) -> str | None:
        best = row.best_introducer
        if best is None:
            return None
        path = reverse("introduction-request", args=[row.profile.user.username])
        return f"{path}?via={best.profile.user_id}"


class ReachMembersApi(PaginatedApi):
    @extend_schema(
        operation_id="network_reach_members",
        tags=["network"],
        parameters=[ReachMembersQuerySerializer],
        responses={200: ReachMemberSerializer(many=True), **error_responses(400, 401, 404, 429)},
        summary="The people of one reach bucket",
        description=(
            "The members of a bucket at a degree, as they are now: name and headline only"
            " (never contact details), people you can reach through an active broker first,"
            " each with the connections who can introduce you. Blocked and suspended members"
            " never appear. A page past the end is a 404."
        ),
    )
    def get(self, request: Request) -> Response:
        query = ReachMembersQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        paginator = Pagination()
        size = params.get("page_size") or paginator.page_size
        members = selectors.BucketMembers(
            viewer_id=request_member(request).pk,
            by=params["by"],
            value=params["value"],
            degree=int(params["degree"]),
            offset=(params.get("page", 1) - 1) * size,
            limit=size,
        )
        page = paginator.paginate_queryset(members, request, view=self)
        data = ReachMemberSerializer(
            page or [], many=True, context={"degree": int(params["degree"])}
        ).data
        return paginator.get_paginated_response(data)
