"""Reads for asks: who may see an ask, the feed, and an ask as one member sees it.

`asks_visible_to` is the one rule of who sees an ask, used by pages, the API, the
services (an action starts by finding the ask this way) and notifications:

* the asker;
* the asker's 1st-degree connections, at the moment of the request (a removed
  connection loses the ask with the next request);
* members a connection passed it to, as long as the one who passed it is visible
  to them (not suspended, not blocked either way).

Always: the asker is visible (not suspended or deactivated) and not blocked with the
viewer either way. Anyone else gets what a missing ask gives (the same 404).

Only the asker reads answers and sees reach; everyone else sees their own part.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from asks.models import Ask, AskAnswer, AskHelper, AskPass, AskReferral, AskView
from connections import graph
from introductions.selectors import hidden_from
from profiles.models import Profile, User

Status = Ask.Status


def _visible(prefix: str) -> Q:
    return Q(**{f"{prefix}__is_active": True, f"{prefix}__is_suspended": False})


def _passes_to(viewer: User) -> QuerySet[AskPass]:
    """Passes to `viewer` that count: from someone the viewer may see."""
    return (
        AskPass.objects.filter(_visible("from_member"), to_member=viewer)
        .exclude(from_member_id__in=hidden_from(viewer))
        .order_by("created_at", "id")
    )


def asks_visible_to(viewer: User) -> QuerySet[Ask]:
    """Every ask `viewer` may see (open or not). Two semi-joins: the asker among the
    viewer's connections (a range scan of the connection key), or a pass to the viewer
    (the ask_pass_inbox index)."""
    connected = graph.connections_of(viewer.pk).filter(other_id=OuterRef("author_id"))
    passed = _passes_to(viewer).filter(ask=OuterRef("pk"))
    return (
        Ask.objects.filter(_visible("author"))
        .exclude(author_id__in=hidden_from(viewer))
        .filter(Q(author=viewer) | Exists(connected) | Exists(passed))
    )


def _with_reach(asks: QuerySet[Ask], asker: User) -> QuerySet[Ask]:
    """Reach figures, counted as the asker may see them (nobody hidden from them), for a
    whole page of asks in the same query."""
    hidden = hidden_from(asker)

    def count(qs: QuerySet[Any]) -> Coalesce:
        rows = qs.filter(ask=OuterRef("pk")).order_by().values("ask").annotate(n=Count("*"))
        return Coalesce(Subquery(rows.values("n"), output_field=IntegerField()), 0)

    seen = AskView.objects.filter(_visible("member")).exclude(member_id__in=hidden)
    passes = (
        AskPass.objects.filter(_visible("from_member"), _visible("to_member"))
        .exclude(from_member_id__in=hidden)
        .exclude(to_member_id__in=hidden)
    )
    referrals = (
        AskReferral.objects.filter(_visible("referrer"), _visible("referred"))
        .exclude(referrer_id__in=hidden)
        .exclude(referred_id__in=hidden)
    )
    answers = AskAnswer.objects.filter(_visible("author")).exclude(author_id__in=hidden)
    return asks.annotate(
        seen_count=count(seen),
        pass_count=count(passes),
        referral_count=count(referrals),
        answer_count=count(answers),
    )


def feed(viewer: User) -> QuerySet[Ask]:
    """Open asks from the viewer's connections and asks passed to them, newest first,
    with what each row shows (who passed it, whether the viewer answered or referred,
    whether the viewer is the asker's connection): a fixed number of queries."""
    connected = graph.connections_of(viewer.pk).filter(other_id=OuterRef("author_id"))
    return (
        asks_visible_to(viewer)
        .exclude(author=viewer)
        .filter(status=Status.OPEN, expires_at__gt=timezone.now())
        .annotate(
            connected=Exists(connected),
            answered=Exists(AskAnswer.objects.filter(ask=OuterRef("pk"), author=viewer)),
            referred=Exists(AskReferral.objects.filter(ask=OuterRef("pk"), referrer=viewer)),
        )
        .select_related("author__profile")
        .prefetch_related(
            Prefetch(
                "passes",
                queryset=_passes_to(viewer).select_related("from_member__profile"),
                to_attr="passes_to_viewer",
            )
        )
        .order_by("-created_at", "-id")
    )


def my_asks(viewer: User) -> QuerySet[Ask]:
    """The viewer's own asks, every state, newest first, with their reach."""
    return (
        _with_reach(Ask.objects.filter(author=viewer), viewer)
        .select_related("author__profile")
        .order_by("-created_at", "-id")
    )


def is_live(ask: Ask) -> bool:
    """Open and not past its expiry (the periodic job may not have marked it yet)."""
    return ask.status == Status.OPEN and ask.expires_at > timezone.now()


# -- one ask, as its viewer may see it ---------------------------------------------------


@dataclass
class Reach:
    seen_by: int
    referrals: int
    passes: int
    answers: int


@dataclass
class Passer:
    """For the asker: one of their connections and how many people they passed it to."""

    profile: Profile
    count: int


@dataclass
class AskDetail:
    ask: Ask
    role: str  # "asker", "connection" (1st degree of the asker), "passed" (received a pass)
    live: bool
    reach: Reach | None = None  # the asker only
    answers: list[AskAnswer] = field(default_factory=list)  # the asker: all; others: their own
    referrals: list[AskReferral] = field(default_factory=list)  # the asker: all; others: own
    passed_by: list[Profile] = field(default_factory=list)  # who passed it to the viewer
    passers: list[Passer] = field(default_factory=list)  # the asker: who passed it on
    my_passes: list[AskPass] = field(default_factory=list)  # whom the viewer passed it to
    helpers: list[Profile] = field(default_factory=list)  # the asker: whom they thanked
    you_helped: bool = False
    answered: bool = False  # the viewer answered it
    referred: bool = False  # the viewer referred someone for it

    @property
    def is_asker(self) -> bool:
        return self.role == "asker"

    @property
    def can_answer(self) -> bool:
        return self.live and not self.is_asker and not self.answered

    @property
    def can_refer(self) -> bool:
        # A referral is an introduction the referrer brokers: they must know the asker.
        return self.live and self.role == "connection"

    @property
    def can_pass(self) -> bool:
        return self.live and self.role == "connection"

    @property
    def can_close(self) -> bool:
        return self.is_asker and self.ask.status in (Status.OPEN, Status.EXPIRED)

    @property
    def helper_candidates(self) -> list[Profile]:
        """Whom the asker may thank: those who answered or referred, once each."""
        people: dict[int, Profile] = {}
        for answer in self.answers:
            people.setdefault(answer.author_id, answer.author.profile)
        for referral in self.referrals:
            people.setdefault(referral.referrer_id, referral.referrer.profile)
        return list(people.values())


def _referrals(ask: Ask) -> QuerySet[AskReferral]:
    return ask.referrals.select_related(
        "referrer__profile", "referred__profile", "introduction"
    ).filter(_visible("referrer"), _visible("referred"))


def ask_detail(viewer: User, ask_id: int) -> AskDetail | None:
    """The ask as `viewer` may see it; None (a 404, the same as a missing ask) when they
    may not. A handful of queries whoever the viewer."""
    ask = asks_visible_to(viewer).filter(pk=ask_id).select_related("author__profile").first()
    if ask is None:
        return None
    live = is_live(ask)
    hidden = hidden_from(viewer)
    if ask.author_id == viewer.pk:
        counted = _with_reach(Ask.objects.filter(pk=ask.pk), viewer).get()
        passes = (
            AskPass.objects.filter(_visible("from_member"), _visible("to_member"), ask=ask)
            .exclude(from_member_id__in=hidden)
            .exclude(to_member_id__in=hidden)
            .order_by()
            .values("from_member_id")
            .annotate(n=Count("*"))
        )
        counts = {row["from_member_id"]: row["n"] for row in passes}
        profiles = {
            p.user_id: p
            for p in Profile.objects.select_related("user").filter(user_id__in=list(counts))
        }
        return AskDetail(
            ask=ask,
            role="asker",
            live=live,
            reach=_reach(counted),
            answers=list(
                ask.answers.filter(_visible("author"))
                .exclude(author_id__in=hidden)
                .select_related("author__profile")
            ),
            referrals=list(
                _referrals(ask).exclude(referrer_id__in=hidden).exclude(referred_id__in=hidden)
            ),
            passers=sorted(
                (Passer(profiles[i], n) for i, n in counts.items() if i in profiles),
                key=lambda p: (-p.count, p.profile.full_name),
            ),
            helpers=[
                h.member.profile
                for h in AskHelper.objects.filter(_visible("member"), ask=ask)
                .exclude(member_id__in=hidden)
                .select_related("member__profile")
            ],
        )
    connected = graph.are_connected(viewer.pk, ask.author_id)
    answers = list(ask.answers.filter(author=viewer).select_related("author__profile"))
    referrals = list(_referrals(ask).filter(referrer=viewer).exclude(referred_id__in=hidden))
    passed_by = [
        p.from_member.profile
        for p in _passes_to(viewer).filter(ask=ask).select_related("from_member__profile")
    ]
    return AskDetail(
        ask=ask,
        role="connection" if connected else "passed",
        live=live,
        answers=answers,
        referrals=referrals,
        answered=bool(answers),
        referred=bool(referrals),
        passed_by=passed_by,
        my_passes=list(
            AskPass.objects.filter(_visible("to_member"), ask=ask, from_member=viewer)
            .exclude(to_member_id__in=hidden)
            .select_related("to_member__profile")
        ),
        you_helped=AskHelper.objects.filter(ask=ask, member=viewer).exists(),
    )


# -- rows of a list page -----------------------------------------------------------------


def _reach(ask: Ask) -> Reach:
    """The figures `_with_reach` annotated on an ask."""
    return Reach(
        seen_by=ask.seen_count,  # type: ignore[attr-defined]
        referrals=ask.referral_count,  # type: ignore[attr-defined]
        passes=ask.pass_count,  # type: ignore[attr-defined]
        answers=ask.answer_count,  # type: ignore[attr-defined]
    )


def feed_rows(asks: list[Ask]) -> list[AskDetail]:
    """A page of `feed()` as rows; everything they show is already fetched."""
    return [
        AskDetail(
            ask=ask,
            role="connection" if ask.connected else "passed",  # type: ignore[attr-defined]
            live=True,
            passed_by=[p.from_member.profile for p in ask.passes_to_viewer],  # type: ignore[attr-defined]
            answered=ask.answered,  # type: ignore[attr-defined]
            referred=ask.referred,  # type: ignore[attr-defined]
        )
        for ask in asks
    ]


def my_rows(asks: list[Ask]) -> list[AskDetail]:
    """A page of `my_asks()` as rows, with their reach."""
    return [
        AskDetail(
            ask=ask,
            role="asker",
            live=is_live(ask),
            reach=_reach(ask),
        )
        for ask in asks
    ]
