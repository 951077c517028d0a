"""Reads of the discovery app: stored suggestions, and "Who do I know at …?".

Suggestions are read with one query on the (member, score) index that drops, as it
reads, anyone who since their computation became connected to the viewer, has an
open request with them either way, blocks them or is blocked, is hidden, or was
dismissed. "Who do I know at …?" is one graph query (connections.graph.reach_among)
grouped here by the connection who can introduce.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower

from connections import graph
from connections.models import Block, ConnectionRequest
from connections.selectors import profiles_by_id
from discovery.models import DirectoryName, PymkDismissal, Suggestion, SuggestionState
from profiles.industries import Industry
from profiles.models import Education, Position, Profile, User

OPEN_REQUEST = [ConnectionRequest.Status.PENDING, ConnectionRequest.Status.IGNORED]


# -- people you may know ---------------------------------------------------------------


def suggestion_state(member: User) -> SuggestionState | None:
    return SuggestionState.objects.filter(pk=member.pk).first()


RANKED = ("-score", "candidate_id")


def _current(member: User) -> QuerySet[Suggestion]:
    """The member's suggestions minus whoever since became unsuggestable: connected,
    an open request either way, blocked either way, hidden, or dismissed.

    Each exclusion is a NOT IN over one small set (the viewer's connections, their
    open requests each way, blocks each way, dismissals, and hidden members from the
    partial index user_hidden): Postgres builds each set once and hashes it, and the
    suggestions are read in index order. NOT EXISTS would be planned as a join of
    eight tables, which costs more to plan than to run.
    """
    viewer = member.pk
    requests = ConnectionRequest.objects.filter(status__in=OPEN_REQUEST)
    hidden = User.objects.filter(Q(is_suspended=True) | Q(is_active=False))
    return (
        Suggestion.objects.filter(member_id=viewer)
        .exclude(candidate_id__in=hidden.values("pk"))
        .exclude(candidate_id__in=graph.connections_of(viewer).values("other_id"))
        .exclude(candidate_id__in=requests.filter(from_member_id=viewer).values("to_member_id"))
        .exclude(candidate_id__in=requests.filter(to_member_id=viewer).values("from_member_id"))
        .exclude(candidate_id__in=Block.objects.filter(blocker_id=viewer).values("blocked_id"))
        .exclude(candidate_id__in=Block.objects.filter(blocked_id=viewer).values("blocker_id"))
        .exclude(
            candidate_id__in=PymkDismissal.objects.filter(member_id=viewer).values("dismissed_id")
        )
        .order_by(*RANKED)
    )


def suggestions_for(member: User) -> QuerySet[Suggestion]:
    """The member's suggestions, best first, as of now, with profiles (for a paginator)."""
    return _current(member).select_related("candidate__profile")


@dataclass
class SuggestionPage:
    rows: list[Suggestion]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def suggestions_page(member: User, *, page: int = 1, size: int = 20) -> SuggestionPage:
    """One page of suggestions: one query. The page (and one row more, which tells
    whether a next page exists) is cut from the suggestions alone, in index order;
    only its rows are joined to members and profiles."""
    page = max(1, page)
    start = (page - 1) * size
    cut = _current(member).values("pk")[start : start + size + 1]
    rows = list(
        Suggestion.objects.filter(pk__in=cut).select_related("candidate__profile").order_by(*RANKED)
    )
    return SuggestionPage(rows=rows[:size], number=page, has_next=len(rows) > size)


# -- who do I know at … ----------------------------------------------------------------

KINDS = ("company", "school", "industry")


@dataclass(frozen=True)
class Place:
    """What the viewer asked about: a company (current positions), a school, an industry."""

    kind: str
    value: str  # as asked (an industry code for an industry)
    label: str  # as shown: the most common spelling, or the industry's name


def spellings(kind: str, value: str) -> list[str]:
    """The stored spellings of a company or school name, most used first; what was
    typed comes last, so a name newer than the directory is still found."""
    names = list(
        DirectoryName.objects.annotate(lower=Lower("name"))
        .filter(kind=kind, lower=value.lower())
        .order_by("-members", "name")
        .values_list("name", flat=True)
    )
    return names + ([value] if value not in names else [])


def members_at(kind: str, value: str) -> tuple[Place, QuerySet[Any]]:
    """The place and a query of the ids of its members (hidden ones are dropped later)."""
    members: QuerySet[Any]
    if kind == "industry":
        place = Place(kind, value, str(Industry(value).label))
        members = Profile.objects.filter(industry=value).values("user_id")
        return place, members.order_by()
    names = spellings(kind, value)
    place = Place(kind, value, names[0])
    if kind == "company":
        members = Position.objects.filter(is_current=True, organization__in=names)
        return place, members.values("profile_id").order_by()
    if kind == "school":
        members = Education.objects.filter(school__in=names)
        return place, members.values("profile_id").order_by()
    raise ValueError(f"unknown kind {kind!r}")


@dataclass(frozen=True)
class Reached:
    member_id: int
    degree: int  # 2 or 3
    ways: int
    second_hop: int | None


@dataclass
class Group:
    """The members at a place one of the viewer's connections can introduce them to."""

    via_id: int
    members: list[Reached] = field(default_factory=list)

    @property
    def second(self) -> int:
        return sum(1 for m in self.members if m.degree == 2)

    @property
    def third(self) -> int:
        return sum(1 for m in self.members if m.degree == 3)

    @property
    def total(self) -> int:
        return len(self.members)

    def path_key(self, reached: Reached) -> str:
        """The introduction request's `via` for this member: the broker, or the chain."""
        if reached.second_hop is None:
            return str(self.via_id)
        return f"{self.via_id},{reached.second_hop}"


@dataclass
class WhoYouKnow:
    place: Place
    first: list[int]  # the viewer's own connections there
    groups: list[Group]  # best first: who can introduce the viewer to the most people
    second: int  # distinct members there at the 2nd degree
    third: int

    def group_of(self, via_id: int) -> Group | None:
        return next((g for g in self.groups if g.via_id == via_id), None)


def who_you_know(viewer: User, *, kind: str, value: str) -> WhoYouKnow:
    """The members at a place within the viewer's 2nd and 3rd degree, grouped by the
    connection who can introduce them (at the 3rd degree: the first hop of a path).
    A member reachable through several connections is in each of their groups.
    Two queries (the name's spellings, the graph); profiles come per page."""
    place, ids = members_at(kind, value)
    first: list[int] = []
    groups: dict[int, Group] = {}
    second: set[int] = set()
    third: set[int] = set()
    for reach in graph.reach_among(viewer.pk, ids):
        if reach.degree == 1:
            first.append(reach.member)
            continue
        groups.setdefault(reach.via, Group(reach.via)).members.append(
            Reached(reach.member, reach.degree, reach.ways, reach.second_hop)
        )
        (second if reach.degree == 2 else third).add(reach.member)
    for group in groups.values():
        group.members.sort(key=lambda m: (m.degree, -m.ways, m.member_id))
    ordered = sorted(groups.values(), key=lambda g: (-g.total, -g.second, g.via_id))
    return WhoYouKnow(
        place=place, first=sorted(first), groups=ordered, second=len(second), third=len(third)
    )


@dataclass(frozen=True)
class Row:
    """A member shown under an introducer: a limited profile (no contact details)."""

    profile: Profile
    degree: int
    via: Profile
    via_key: str  # the introduction request's `via`
    second_hop: Profile | None


@dataclass(frozen=True)
class ShownGroup:
    via: Profile
    rows: list[Row]
    total: int
    second: int
    third: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def shown_groups(
    groups: list[Group], *, per_group: int, offset: int = 0, also: list[int] | None = None
) -> tuple[list[ShownGroup], list[Profile]]:
    """Profiles for a page of groups and `per_group` members of each (from `offset`),
    and of the members `also` (the viewer's own connections there): one query.
    Someone hidden since the graph query drops out."""
    wanted: set[int] = set(also or [])
    slices = []
    for group in groups:
        members = group.members[offset : offset + per_group]
        slices.append((group, members))
        wanted.add(group.via_id)
        for m in members:
            wanted.add(m.member_id)
            if m.second_hop is not None:
                wanted.add(m.second_hop)
    profiles = profiles_by_id(sorted(wanted))
    shown = []
    for group, members in slices:
        via = profiles.get(group.via_id)
        if via is None:
            continue
        rows = [
            Row(
                profile=profiles[m.member_id],
                degree=m.degree,
                via=via,
                via_key=group.path_key(m),
                second_hop=profiles.get(m.second_hop) if m.second_hop else None,
            )
            for m in members
            if m.member_id in profiles and (m.second_hop is None or m.second_hop in profiles)
        ]
        shown.append(
            ShownGroup(
                via=via, rows=rows, total=group.total, second=group.second, third=group.third
            )
        )
    return shown, [profiles[i] for i in also or [] if i in profiles]


def popular_names_all(*, limit: int = 200) -> dict[str, list[str]]:
    """Company and school names for the type-ahead, in one query."""
    names: dict[str, list[str]] = {"company": [], "school": []}
    rows = (
        DirectoryName.objects.filter(
            pk__in=DirectoryName.objects.filter(kind=DirectoryName.Kind.COMPANY)
            .order_by("-members", "name")
            .values("pk")[:limit]
        )
        | DirectoryName.objects.filter(
            pk__in=DirectoryName.objects.filter(kind=DirectoryName.Kind.SCHOOL)
            .order_by("-members", "name")
            .values("pk")[:limit]
        )
    ).order_by("kind", "-members", "name")
    for kind, name in rows.values_list("kind", "name"):
        names[kind].append(name)
    return names


def introducer_for(viewer: User, handle: str) -> User | None:
    """The viewer's visible connection with this handle, or None."""
    member = User.objects.visible().filter(username=handle.lower()).first()
    if member is None or not graph.are_connected(viewer.pk, member.pk):
        return None
    return member
