"""Reads for introductions: who can broker, and what each participant may see.

`introduction_view` is the one place that decides what a member sees of an
introduction; pages, the API and e-mails all go through it. The target never
sees the note meant for a broker; the requester never learns who declined
beyond their own broker; an invited address is shown only to the requester's
side (requester and brokers) and admins.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from connections import graph
from introductions.models import OPEN_STATES, BrokerSettings, Hop, Introduction, Outcome
from introductions.services import CAPACITY_WINDOW, Kind, Status, broker_settings
from profiles.models import User

ACTIVE_WINDOW = timedelta(days=90)


@dataclass(frozen=True)
class BrokerCandidate:
    member: User
    forwarded: int
    asked: int
    good_outcomes: int
    last_active: datetime | None
    available: bool
    topics: str

    @property
    def forward_rate(self) -> float | None:
        return self.forwarded / self.asked if self.asked else None


def broker_candidates(*, requester: User, target: User, limit: int = 20) -> list[BrokerCandidate]:
    """Mutual connections who can forward a request to `target`, best first: how often
    they forward, how their introductions turned out, and how recently they were active.
    A handful of queries whatever the number of candidates."""
    ids = graph.mutual_connection_ids(requester.pk, target.pk, limit=200)
    if not ids:
        return []
    members = {m.pk: m for m in User.objects.visible().filter(pk__in=ids).select_related("profile")}
    since = timezone.now() - CAPACITY_WINDOW
    stats = {
        row["broker_id"]: row
        for row in Hop.objects.filter(broker_id__in=members, introduction__kind=Kind.REQUEST)
        .values("broker_id")
        .annotate(
            # Decided requests only: one still waiting is not yet a "no".
            asked=Count("id", filter=Q(status__in=[Hop.Status.FORWARDED, Hop.Status.DECLINED])),
            forwarded=Count("id", filter=Q(status=Hop.Status.FORWARDED)),
            recent=Count("id", filter=Q(reached_at__gt=since)),
            last_decided=Max("decided_at"),
        )
    }
    good = dict(
        Outcome.objects.filter(
            introduction__hops__broker_id__in=members,
            result__in=[Outcome.Result.MET, Outcome.Result.WORKING],
        )
        .values_list("introduction__hops__broker_id")
        .annotate(n=Count("id"))
    )
    settings = {s.member_id: s for s in BrokerSettings.objects.filter(member_id__in=members)}
    result = []
    for member_id, member in members.items():
        row = stats.get(member_id, {})
        broker = settings.get(member_id) or BrokerSettings(member_id=member_id)
        last_active = max(
            [t for t in (member.last_login, row.get("last_decided")) if t is not None],
            default=None,
        )
        result.append(
            BrokerCandidate(
                member=member,
                forwarded=row.get("forwarded", 0),
                asked=row.get("asked", 0),
                good_outcomes=good.get(member_id, 0),
                last_active=last_active,
                available=not broker.paused and row.get("recent", 0) < broker.capacity_per_month,
                topics=broker.topics,
            )
        )

    def rank(c: BrokerCandidate) -> tuple[int, float, int, float]:
        # Available first; then forward rate (a newcomer counts as even odds),
        # good outcomes, and recent activity.
        rate = c.forward_rate if c.forward_rate is not None else 0.5
        active = c.last_active.timestamp() if c.last_active else 0.0
        return (0 if c.available else 1, -rate, -c.good_outcomes, -active)

    return sorted(result, key=rank)[:limit]


# -- what a participant sees ----------------------------------------------------------


@dataclass
class HopView:
    position: int
    broker: User | None  # None when the viewer may not know who it is
    status: str  # what the viewer may know: waiting / forwarded / declined / closed / hidden
    endorsement: str = ""
    note: str = ""  # only for that broker
    decline_reason: str = ""


@dataclass
class IntroductionView:
    introduction: Introduction
    role: str  # requester, target, broker
    status: str
    status_label: str
    requester: User
    target: User | None
    target_email: str  # "" unless the viewer may see the address
    message: str
    hops: list[HopView] = field(default_factory=list)
    reached: int = 0  # how many brokers have forwarded it
    can_forward: bool = False
    can_decline_as_broker: bool = False
    can_accept: bool = False
    can_decline: bool = False
    can_withdraw: bool = False
    can_record_outcome: bool = False
    my_outcome: str = ""


REQUESTER_LABELS: dict[str, str] = {
    Status.OPEN: "With a broker",
    Status.AT_TARGET: "Forwarded: waiting for an answer",
    Status.ACCEPTED: "Accepted: you are connected",
    Status.NOT_FORWARDED: "Not forwarded",
    Status.NOT_ACCEPTED: "Not accepted",
    Status.WITHDRAWN: "Withdrawn",
    Status.EXPIRED: "Expired",
    Status.CANCELLED: "Cancelled",
}


def _role(introduction: Introduction, member: User, hops: list[Hop]) -> str | None:
    if member.pk == introduction.requester_id:
        return "requester"
    if member.pk == introduction.target_id:
        return "target"
    if any(h.broker_id == member.pk for h in hops):
        return "broker"
    return None


def hidden_from(viewer: User) -> set[int]:
    """Members hidden from `viewer` by a block either way. Memoised on the viewer object,
    so rendering a page of introductions costs one query, not one per row."""
    cached = getattr(viewer, "_linkup_hidden_ids", None)
    if cached is None:
        cached = set(graph.blocked_ids(viewer.pk))
        viewer._linkup_hidden_ids = cached  # type: ignore[attr-defined]
    return cached


def _shown(member: User, hidden: set[int]) -> bool:
    return member.pk not in hidden and member.is_active and not member.is_suspended


def introduction_view(introduction: Introduction, viewer: User) -> IntroductionView | None:
    """The introduction as `viewer` may see it; None if they take no part in it (or it
    has not reached them yet)."""
    hops = list(introduction.hops.all())
    role = _role(introduction, viewer, hops)
    if role is None:
        return None
    if role == "target" and introduction.forwarded_at is None:
        return None
    if role == "broker":
        mine = next(h for h in hops if h.broker_id == viewer.pk)
        if mine.reached_at is None:
            return None
    hidden = hidden_from(viewer)
    status = introduction.status
    is_offer = introduction.kind == Kind.OFFER
    my_hop = next((h for h in hops if h.broker_id == viewer.pk), None)
    views: list[HopView] = []
    for hop in hops:
        visible_status = hop.status
        decline_reason = ""
        if hop.status == Hop.Status.DECLINED:
            if role == "requester" and hop.position != 0:
                visible_status = "hidden"  # beyond their own broker: not who declined
            elif role == "requester":
                decline_reason = hop.decline_reason
            elif role == "broker" and my_hop is not None and hop.position != my_hop.position:
                visible_status = "hidden"
        if role == "target" and hop.status != Hop.Status.FORWARDED:
            continue
        if role == "broker" and my_hop is not None and hop.position > my_hop.position + 1:
            continue
        if not _shown(hop.broker, hidden) and hop.broker_id != viewer.pk:
            visible_status = "hidden" if visible_status != hop.status else visible_status
            broker: User | None = None
        else:
            broker = None if visible_status == "hidden" else hop.broker
        views.append(
            HopView(
                position=hop.position,
                broker=broker,
                status=visible_status,
                endorsement=hop.endorsement if hop.status == Hop.Status.FORWARDED else "",
                note=hop.note if my_hop is not None and hop.pk == my_hop.pk else "",
                decline_reason=decline_reason,
            )
        )
    label = REQUESTER_LABELS.get(status, status)
    mine_accepted = (
        introduction.requester_accepted_at
        if viewer.pk == introduction.requester_id
        else introduction.target_accepted_at
    )
    if status == Status.AT_TARGET and is_offer and role != "broker":
        label = (
            "You accepted: waiting for the other person"
            if mine_accepted
            else "Waiting for your answer"
        )
    elif role == "target" and status == Status.AT_TARGET:
        label = "Waiting for your answer"
    if (
        role == "broker"
        and status == Status.OPEN
        and my_hop
        and my_hop.position == introduction.current_hop
    ):
        label = "Waiting for you to forward"
    if (
        role == "requester"
        and status == Status.NOT_FORWARDED
        and not any(v.status == Hop.Status.DECLINED for v in views)
    ):
        label = "Not forwarded"
    waiting = status == Status.AT_TARGET
    accepted_mine = (
        introduction.requester_accepted_at
        if viewer.pk == introduction.requester_id
        else introduction.target_accepted_at
    )
    view = IntroductionView(
        introduction=introduction,
        role=role,
        status=status,
        status_label=label,
        requester=introduction.requester,
        target=introduction.target,
        # An invited address: for a request, the asking side; for an offer, its broker
        # (the inviter) alone.
        target_email=introduction.target_email
        if role == "broker" or (role == "requester" and not is_offer)
        else "",
        message=introduction.message,
        hops=views,
        reached=sum(1 for h in hops if h.status == Hop.Status.FORWARDED),
        can_forward=bool(
            role == "broker"
            and status == Status.OPEN
            and my_hop
            and my_hop.position == introduction.current_hop
        ),
        can_accept=waiting
        and (
            (role == "target" and (not is_offer or introduction.target_accepted_at is None))
            or (role == "requester" and is_offer and accepted_mine is None)
        ),
        can_decline=waiting and (role == "target" or (role == "requester" and is_offer)),
        can_withdraw=introduction.is_open
        and ((role == "requester" and not is_offer) or (role == "broker" and is_offer)),
        can_record_outcome=status == Status.ACCEPTED and role in ("requester", "target"),
    )
    view.can_decline_as_broker = view.can_forward
    if view.can_record_outcome:
        outcome = next((o for o in introduction.outcomes.all() if o.member_id == viewer.pk), None)
        view.my_outcome = outcome.result if outcome else ""
    return view


def introductions_for(member: User, *, role: str | None = None) -> QuerySet[Introduction]:
    """Introductions `member` takes part in (optionally in one role), with what the
    views need prefetched: a fixed number of queries for any page size."""
    qs = Introduction.objects.all()
    # The target sees an introduction only once it reached them.
    as_target = Q(target=member, forwarded_at__isnull=False)
    as_broker = Q(hops__broker=member, hops__reached_at__isnull=False)
    if role == "requester":
        qs = qs.filter(requester=member)
    elif role == "target":
        qs = qs.filter(as_target)
    elif role == "broker":
        qs = qs.filter(as_broker)
    else:
        qs = qs.filter(Q(requester=member) | as_target | as_broker)
    return _with_parts(_without_hidden_sides(qs, member).distinct()).order_by("-created_at", "-id")


def _with_parts(qs: QuerySet[Introduction]) -> QuerySet[Introduction]:
    """With what introduction_view reads: a fixed number of queries for any page size."""
    return qs.select_related("requester__profile", "target__profile").prefetch_related(
        Prefetch(
            "hops", queryset=Hop.objects.select_related("broker__profile").order_by("position")
        ),
        "outcomes",
    )


def just_asked(introduction_id: int) -> Introduction:
    """An introduction its requester has just asked for, read for them to see at once:
    no need to look for it among everything they take part in (introductions_for)."""
    return _with_parts(Introduction.objects.filter(pk=introduction_id)).get()


def _without_hidden_sides(qs: QuerySet[Introduction], member: User) -> QuerySet[Introduction]:
    """Leave out introductions whose requester or target is hidden from `member`:
    blocked either way, suspended or deactivated."""
    hidden = hidden_from(member)
    if hidden:
        qs = qs.exclude(requester_id__in=hidden).exclude(target_id__in=hidden)
    return (
        qs.exclude(requester__is_suspended=True)
        .exclude(requester__is_active=False)
        .exclude(target__is_suspended=True)
        .exclude(target__is_active=False)
    )


def broker_history(member: User) -> QuerySet[Introduction]:
    """'Your introductions': those this member forwarded or offered, with outcomes."""
    qs = Introduction.objects.filter(hops__broker=member, hops__status=Hop.Status.FORWARDED)
    return (
        _without_hidden_sides(qs, member)
        .distinct()
        .select_related("requester__profile", "target__profile")
        .prefetch_related("outcomes")
        .order_by("-created_at")
    )


def open_count(member: User) -> int:
    return Introduction.objects.filter(
        requester=member, kind=Kind.REQUEST, status__in=OPEN_STATES
    ).count()


def my_broker_settings(member: User) -> BrokerSettings:
    return broker_settings(member.pk)


def waiting_for(member: User) -> Q:
    """Introductions waiting for `member` to act: as the broker they are with now, as the
    target who has not answered, or as either side of an offer who has not accepted yet."""
    my_turn = Exists(
        Hop.objects.filter(
            introduction_id=OuterRef("pk"), broker=member, position=OuterRef("current_hop")
        )
    )
    as_broker = Q(status=Status.OPEN) & Q(my_turn)
    as_target = Q(status=Status.AT_TARGET, target=member) & (
        Q(kind=Kind.REQUEST) | Q(target_accepted_at__isnull=True)
    )
    as_first = Q(
        status=Status.AT_TARGET,
        kind=Kind.OFFER,
        requester=member,
        requester_accepted_at__isnull=True,
        target__isnull=False,
    )
    return as_broker | as_target | as_first


def waiting_count(member: User) -> int:
    """How many introductions wait for `member` (the top bar's badge). One query."""
    return Introduction.objects.filter(waiting_for(member)).count()
