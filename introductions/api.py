"""REST API for introductions: asking, offering, passing on, answering, and the
broker's side (who could introduce you, your settings, your history).

Every read goes through `introductions.selectors`: `introductions_for` decides
which introductions a member may know of (a target only once it reached them, a
later broker only once it reached them) and `introduction_view` what they see of
each. Action endpoints look the introduction up the same way first, so someone an
introduction has not reached gets the same 404 as a stranger or a missing id —
never a 403 or 409 that would tell them it exists. Once found, the services answer
403 for the wrong role and 409 for the wrong state, and nothing changes.

Hidden members (suspended, deactivated, blocked either way) and members who never
existed give the same 404 body, whichever handle in a request names them.
"""

from collections.abc import Iterable
from typing import Any, ClassVar

from django.db.models import Prefetch
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
    visible_members_or_404,
)
from connections import graph
from connections.selectors import profiles_by_id
from connections.serializers import EmptyInputSerializer
from introductions import selectors, services
from introductions.models import Hop, Introduction
from introductions.selectors import BrokerCandidate, IntroductionView
from introductions.serializers import (
    BrokerCandidatesOutputSerializer,
    BrokerCandidatesQuerySerializer,
    BrokerSettingsInputSerializer,
    BrokerSettingsOutputSerializer,
    DeclineInputSerializer,
    ForwardInputSerializer,
    IntroductionCreateInputSerializer,
    IntroductionListQuerySerializer,
    IntroductionOutputSerializer,
    OfferCreateInputSerializer,
    OutcomeInputSerializer,
    is_address,
)
from profiles.models import User

# Paths looked at for a 3rd-degree target; their first brokers are the candidates.
THIRD_DEGREE_PATHS = 10

_ERROR_DESCRIPTIONS = {
    400: "Invalid input; `fields` names each invalid or unknown field.",
    401: "No token, or an invalid, expired or revoked one.",
    403: "You take part in this introduction, but your role does not allow the action.",
    404: "Nothing there, or nothing you may see (the two look the same).",
    409: "The action conflicts with the current state; nothing changed.",
    415: "Unsupported content type.",
    429: (
        "A limit is reached: `retry_after` says in how many seconds to retry (and `resets_at` "
        "when, for open-request and broker-capacity limits). Nothing was created."
    ),
}


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    return error_responses(*codes, descriptions=_ERROR_DESCRIPTIONS)


_INTRODUCTION_ID = OpenApiParameter(
    "introduction_id", int, OpenApiParameter.PATH, description="The introduction's id."
)


_member = request_member


_one_not_found = service_404s_as_one


def _view_of(member: User, introduction_id: int) -> IntroductionView:
    """The introduction as `member` may see it; 404 if they may not know of it."""
    introduction = selectors.introductions_for(member).filter(pk=introduction_id).first()
    view = None if introduction is None else selectors.introduction_view(introduction, member)
    if view is None:
        raise exceptions.NotFound()
    return view


def _render(request: Request, member: User, view: IntroductionView) -> dict[str, Any]:
    context = {"request": request, "viewer_id": member.pk}
    data: dict[str, Any] = IntroductionOutputSerializer(view, context=context).data
    return data


def _views(member: User, introductions: Iterable[Introduction]) -> list[IntroductionView]:
    views = (selectors.introduction_view(introduction, member) for introduction in introductions)
    return [view for view in views if view is not None]


_PaginatedApi = PaginatedApi


# --- list and ask ----------------------------------------------------------------


class IntroductionListApi(_PaginatedApi):
    post_throttle_scope = "introduce"

    @extend_schema(
        operation_id="introductions_list",
        tags=["introductions"],
        parameters=[IntroductionListQuerySerializer],
        responses={200: IntroductionOutputSerializer(many=True), **_errors(400, 401, 429)},
        description=(
            "Introductions you take part in, newest first, as your role lets you see them: "
            "a target sees one only once it reached them, a broker once it reached them. "
            "`target_email` is present only for the side that asked for the address; a hop's "
            "`note` only on your own hop; a broker further along who declined shows as "
            "`hidden`, with no name."
        ),
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        query = IntroductionListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        rows = selectors.introductions_for(member, role=query.validated_data.get("role"))
        paginator, page = paginate(self, request, rows)
        context = {"request": request, "viewer_id": member.pk}
        data = IntroductionOutputSerializer(_views(member, page), many=True, context=context).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="introductions_create",
        tags=["introductions"],
        request=IntroductionCreateInputSerializer,
        responses={
            201: OpenApiResponse(IntroductionOutputSerializer, description="Sent to the broker."),
            **_errors(400, 401, 404, 409, 415, 429),
        },
        description=(
            "Ask to be introduced to a 2nd-degree member through a mutual connection, to a "
            "3rd-degree member through two brokers along a real path, or to someone not on "
            "LinkUp (an e-mail `target`) through one broker who knows them. Any `target` with "
            "an `@` is an address, even one a member signed up with: whether an address "
            "belongs to a member is never told. 400 for brokers off the path; 404 for a "
            "handle you may not see (anywhere in the request); 409 when already connected, "
            "already asking this person, or the broker is paused; 429 with your 5 open "
            "requests, the broker's monthly capacity reached, or 30 a minute."
        ),
    )
    def post(self, request: Request) -> Response:
        member = _member(request)
        serializer = IntroductionCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        to_address = is_address(data["target"])
        handles = [*data["via"], *([] if to_address else [data["target"]])]
        members = visible_members_or_404(member, handles)
        with _one_not_found():
            introduction = services.introduction_request(
                requester=member,
                via=[members[handle.strip().lower()] for handle in data["via"]],
                target=None if to_address else members[data["target"].lower()],
                target_email=data["target"] if to_address else "",
                message=data["message"],
                note_to_broker=data["note_to_broker"],
            )
        view = selectors.introduction_view(selectors.just_asked(introduction.pk), member)
        assert view is not None  # the requester's own
        return Response(_render(request, member, view), status=status.HTTP_201_CREATED)


class IntroductionOfferApi(APIView):
    throttle_scope = "introduce"

    @extend_schema(
        operation_id="introductions_offer",
        tags=["introductions"],
        request=OfferCreateInputSerializer,
        responses={
            201: OpenApiResponse(
                IntroductionOutputSerializer, description="Both were asked to accept."
            ),
            **_errors(400, 401, 404, 409, 415, 429),
        },
        description=(
            "Introduce two of your own connections (double opt-in: they are connected once "
            "both accept), or one of them to someone not on LinkUp, who is invited by e-mail "
            "and joins the introduction on signing up. You are the broker: you may withdraw "
            "it. 400 for people who are not your connections; 404 for a handle you may not "
            "see; 409 when they are already connected or already have an open introduction, "
            "or the address belongs to a member (introduce them by handle); 429 past 30 a "
            "minute or your weekly invitations."
        ),
    )
    def post(self, request: Request) -> Response:
        member = _member(request)
        serializer = OfferCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        to_address = is_address(data["second"])
        members = visible_members_or_404(
            member, [data["first"], *([] if to_address else [data["second"]])]
        )
        with _one_not_found():
            introduction = services.introduction_offer(
                broker=member,
                first=members[data["first"].strip().lower()],
                second=None if to_address else members[data["second"].lower()],
                second_email=data["second"] if to_address else "",
                message=data["message"],
            )
        view = _view_of(member, introduction.pk)
        return Response(_render(request, member, view), status=status.HTTP_201_CREATED)


class IntroductionDetailApi(APIView):
    @extend_schema(
        operation_id="introductions_retrieve",
        tags=["introductions"],
        parameters=[_INTRODUCTION_ID],
        responses={200: IntroductionOutputSerializer, **_errors(401, 404, 429)},
        description=(
            "One introduction as your role lets you see it. 404, the same as for a missing "
            "id, when you take no part in it or it has not reached you."
        ),
    )
    def get(self, request: Request, introduction_id: int) -> Response:
        member = _member(request)
        return Response(_render(request, member, _view_of(member, introduction_id)))


# --- actions ----------------------------------------------------------------------


class _IntroductionActionApi(APIView):
    input_serializer: ClassVar[type[serializers.Serializer]] = EmptyInputSerializer

    def act(self, member: User, view: IntroductionView, data: dict[str, Any]) -> None:
        raise NotImplementedError

    def post(self, request: Request, introduction_id: int) -> Response:
        member = _member(request)
        serializer = self.input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Someone it has not reached learns nothing: the one 404, before any role check.
        view = _view_of(member, introduction_id)
        with _one_not_found():
            self.act(member, view, dict(serializer.validated_data))
        return Response(_render(request, member, _view_of(member, introduction_id)))


def _action_schema(name: str, description: str, request: Any = None) -> Any:
    return extend_schema(
        operation_id=f"introductions_{name}",
        tags=["introductions"],
        parameters=[_INTRODUCTION_ID],
        request=request,
        responses={200: IntroductionOutputSerializer, **_errors(400, 401, 403, 404, 409, 429)},
        description=(
            f"{description} Answers with the introduction as you now see it. 404 when you "
            "take no part in it or it has not reached you; 403 when your role does not allow "
            "this; 409 when its state does not (any more); in each case nothing changes."
            + ("" if request is not None else " Takes no body.")
        ),
    )


class IntroductionForwardApi(_IntroductionActionApi):
    input_serializer = ForwardInputSerializer

    def act(self, member: User, view: IntroductionView, data: dict[str, Any]) -> None:
        services.introduction_forward(
            introduction_id=view.introduction.pk, broker=member, endorsement=data["endorsement"]
        )

    @_action_schema(
        "forward",
        "The broker it is with passes it on, with an endorsement: to the next broker, or to "
        "the target (an invited address gets its invitation now).",
        ForwardInputSerializer,
    )
    def post(self, request: Request, introduction_id: int) -> Response:
        return super().post(request, introduction_id)


class IntroductionDeclineApi(_IntroductionActionApi):
    input_serializer = DeclineInputSerializer

    def act(self, member: User, view: IntroductionView, data: dict[str, Any]) -> None:
        introduction_id = view.introduction.pk
        if view.role == "broker":
            services.introduction_decline(
                introduction_id=introduction_id, broker=member, reason=data["reason"]
            )
            return
        if data["reason"] and view.can_decline:
            # The requester is told only "not accepted": say so rather than drop the words.
            raise exceptions.ValidationError(
                {"reason": ["Only a broker gives a reason; a declined introduction carries none."]}
            )
        services.introduction_decline_as_target(introduction_id=introduction_id, member=member)

    @_action_schema(
        "decline",
        'Say no. The broker it is with declines to pass it on (the requester is told "not '
        'forwarded"; a `reason` only if you are their own broker). The target — or, for an '
        'offer, either person introduced — declines it (the requester is told "not '
        'accepted", with no reason).',
        DeclineInputSerializer,
    )
    def post(self, request: Request, introduction_id: int) -> Response:
        return super().post(request, introduction_id)


class IntroductionAcceptApi(_IntroductionActionApi):
    def act(self, member: User, view: IntroductionView, data: dict[str, Any]) -> None:
        services.introduction_accept(introduction_id=view.introduction.pk, member=member)

    @_action_schema(
        "accept",
        "The target accepts: the two are connected and see each other's contact details. "
        "For an offer both people introduced accept, in any order; they are connected when "
        "the second does.",
    )
    def post(self, request: Request, introduction_id: int) -> Response:
        return super().post(request, introduction_id)


class IntroductionWithdrawApi(_IntroductionActionApi):
    def act(self, member: User, view: IntroductionView, data: dict[str, Any]) -> None:
        services.introduction_withdraw(introduction_id=view.introduction.pk, member=member)

    @_action_schema(
        "withdraw",
        "The requester (for an offer, the broker who made it) withdraws it before it is "
        "answered. An open-request slot comes back.",
    )
    def post(self, request: Request, introduction_id: int) -> Response:
        return super().post(request, introduction_id)


class IntroductionOutcomeApi(_IntroductionActionApi):
    input_serializer = OutcomeInputSerializer

    def act(self, member: User, view: IntroductionView, data: dict[str, Any]) -> None:
        services.outcome_record(
            introduction_id=view.introduction.pk, member=member, result=data["result"]
        )

    @_action_schema(
        "outcome",
        "Either person introduced says what came of an accepted introduction (again to "
        "change it); the brokers see it in their history.",
        OutcomeInputSerializer,
    )
    def post(self, request: Request, introduction_id: int) -> Response:
        return super().post(request, introduction_id)


# --- the broker's side --------------------------------------------------------------


def _third_degree_candidates(
    member: User, target: User
) -> tuple[list[BrokerCandidate], dict[int, list[int]]]:
    """The first brokers of the best paths to a 3rd-degree target, and through whom each
    reaches it.

    Their figures come from the same selector as for a 2nd-degree target: every first
    broker x of a path member–x–y–target is a mutual connection of the member and y, so
    ranking the mutual connections of (member, y) rates x. One selector call per second
    broker, and no more once every first broker is rated.
    """
    paths = graph.paths_between(member.pk, target.pk, limit=THIRD_DEGREE_PATHS)
    then_via: dict[int, list[int]] = {}
    for x, y in (path for path in paths if len(path) == 2):
        seconds = then_via.setdefault(x, [])
        if y not in seconds:
            seconds.append(y)
    seconds_in_order = list(dict.fromkeys(y for ys in then_via.values() for y in ys))
    second_members = User.objects.in_bulk(seconds_in_order)
    rated: dict[int, BrokerCandidate] = {}
    for y in seconds_in_order:
        if set(then_via) <= set(rated):
            break
        if y not in second_members:
            continue
        for candidate in selectors.broker_candidates(
            requester=member, target=second_members[y], limit=200
        ):
            rated.setdefault(candidate.member.pk, candidate)
    # Best paths first, as "how you're connected" ranks them; available brokers before
    # those who would refuse the request today.
    ranked = [rated[x] for x in then_via if x in rated]
    ranked.sort(key=lambda candidate: not candidate.available)
    return ranked, then_via


class BrokerCandidatesApi(APIView):
    @extend_schema(
        operation_id="introductions_brokers",
        tags=["introductions"],
        parameters=[BrokerCandidatesQuerySerializer],
        responses={200: BrokerCandidatesOutputSerializer, **_errors(400, 401, 404, 429)},
        description=(
            "Who could introduce you to a member, best first. For a 2nd-degree target: your "
            "mutual connections, available ones first, then by how often they pass requests "
            "on, how their introductions turned out and how recently they were active. For a "
            "3rd-degree target: the first brokers of the best paths, each with `then_via`, "
            "the second brokers who know the target. Empty for 1st-degree and out-of-network "
            "members. Hidden and non-existent members give the same 404."
        ),
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        query = BrokerCandidatesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        handle = query.validated_data["target"]
        target = visible_members_or_404(member, [handle])[handle.strip().lower()]
        degree = None if target.pk == member.pk else graph.degree_between(member.pk, target.pk)
        candidates: list[BrokerCandidate] = []
        then_via: dict[int, list[int]] = {}
        if degree == 2:
            candidates = selectors.broker_candidates(requester=member, target=target)
        elif degree == 3:
            candidates, then_via = _third_degree_candidates(member, target)
        profiles = profiles_by_id(sorted({y for ys in then_via.values() for y in ys}))
        context = {
            "request": request,
            "then_via": {
                x: [profiles[y] for y in ys if y in profiles] for x, ys in then_via.items()
            },
        }
        data = {"degree": degree, "candidates": candidates}
        return Response(BrokerCandidatesOutputSerializer(data, context=context).data)


class BrokerSettingsApi(APIView):
    @extend_schema(
        operation_id="introductions_broker_settings_retrieve",
        tags=["introductions"],
        responses={200: BrokerSettingsOutputSerializer, **_errors(401, 429)},
        description="How much you are willing to broker (the defaults until you set them).",
    )
    def get(self, request: Request) -> Response:
        settings = selectors.my_broker_settings(_member(request))
        return Response(BrokerSettingsOutputSerializer(settings).data)

    @extend_schema(
        operation_id="introductions_broker_settings_update",
        tags=["introductions"],
        request=BrokerSettingsInputSerializer,
        responses={200: BrokerSettingsOutputSerializer, **_errors(400, 401, 415, 429)},
        description=(
            "Replace your broker settings: all three keys, nothing else. A capacity of 0 or "
            "`paused` turns new requests away; those already with you stay."
        ),
    )
    def put(self, request: Request) -> Response:
        serializer = BrokerSettingsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        settings = services.broker_settings_update(
            member=_member(request), **serializer.validated_data
        )
        return Response(BrokerSettingsOutputSerializer(settings).data)


class BrokerHistoryApi(_PaginatedApi):
    @extend_schema(
        operation_id="introductions_history",
        tags=["introductions"],
        responses={200: IntroductionOutputSerializer(many=True), **_errors(401, 429)},
        description=(
            "Your introductions as a broker: those you passed on or offered, newest first, "
            "with what each side said came of them."
        ),
    )
    def get(self, request: Request) -> Response:
        member = _member(request)
        rows = selectors.broker_history(member).prefetch_related(
            Prefetch(
                "hops", queryset=Hop.objects.select_related("broker__profile").order_by("position")
            )
        )
        paginator, page = paginate(self, request, rows)
        context = {"request": request, "viewer_id": member.pk, "with_outcomes": True}
        data = IntroductionOutputSerializer(_views(member, page), many=True, context=context).data
        return paginator.get_paginated_response(data)
