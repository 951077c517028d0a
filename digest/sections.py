"""The digest's sections, giving first.

A section is a function of a DigestContext that returns a Section (a title and items,
each an Item(title, lines, url)) or None when it has nothing to say. SECTIONS lists them
in the order the digest shows them:

1. introductions waiting on you (introductions.selectors.waiting_for)
2. recommendation requests waiting on you (recommendations.selectors.requests_received)
3. asks in your industry or from your connections (asks.selectors.feed: the asks you
   may see at all, those in your industry first)
4. people you could recommend (recommendations.selectors.suggestions: shared history)
5. connections you have not been in touch with for a long time (keep-in-touch due,
   then the oldest connections without any touch)
6. the rest: connection requests waiting, new connections

The page (/digest/), the API and the e-mail all render the same sections. Each section
only names members the reader may see (no hidden or blocked member) and never carries
contact details: names, headlines, dates and links.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.expressions import OrderBy
from django.urls import reverse
from django.utils import dateformat, timezone

from asks.models import Ask
from asks.selectors import feed as asks_feed
from connections import selectors as connection_selectors
from digest import selectors
from digest.models import Touch
from introductions.models import Introduction
from introductions.selectors import introduction_view, introductions_for, waiting_for
from profiles.models import Profile, User
from recommendations.selectors import requests_received, suggestions, tie_label, with_members

ITEMS = 5  # items shown per section; the section links to the rest
QUIET_MIN = 2  # quiet connections shown even when many keep-in-touch entries are due


@dataclass(frozen=True)
class Item:
    title: str
    lines: tuple[str, ...] = ()
    url: str = ""  # a path on the site; the e-mail makes it absolute


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]
    intro: str = ""
    more_url: str = ""
    more_label: str = ""


@dataclass
class DigestContext:
    member: User
    now: datetime
    since: datetime  # the last digest (or one period back): "new" means after this


@dataclass
class Digest:
    member: User
    now: datetime
    since: datetime
    sections: list[Section] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(section.items for section in self.sections)

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)

    def counts(self) -> dict[str, int]:
        return {section.key: len(section.items) for section in self.sections}


SectionFn = Callable[[DigestContext], Section | None]


def _name(user: User | None, fallback: str = "A LinkUp member") -> str:
    profile = getattr(user, "profile", None) if user is not None else None
    return profile.full_name if profile is not None and profile.full_name else fallback


def _names(users: list[User]) -> str:
    names = [_name(u) for u in users]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _day(moment: datetime) -> str:
    return dateformat.format(timezone.localtime(moment), "j M Y")


def _more(total: int, shown: int, noun: str) -> str:
    rest = total - shown
    return f"{rest} more {noun}{'' if rest == 1 else 's'}" if rest > 0 else ""


# -- 1. introductions waiting on you --------------------------------------------------


def _introduction_item(introduction: Introduction, member: User) -> Item | None:
    view = introduction_view(introduction, member)
    if view is None:
        return None
    url = reverse("introduction-detail", args=[introduction.pk])
    requester = _name(view.requester)
    # An invited address stays out of e-mails: it is somebody's contact detail.
    target = _name(view.target, "someone not on LinkUp yet")
    answer_by = f"Answer by {_day(introduction.expires_at)}"
    if introduction.kind == Introduction.Kind.OFFER:
        first = view.hops[0] if view.hops else None
        broker = _name(first.broker if first else None, "A connection")
        other = target if view.role == "requester" else requester
        return Item(
            f"{broker} introduced you to {other}",
            ("If you both accept, you are connected.", answer_by),
            url,
        )
    if view.role == "broker":
        return Item(
            f"{requester} asks you to introduce them to {target}",
            ("Forward it with a word from you, or decline.", answer_by),
            url,
        )
    headline = getattr(getattr(view.requester, "profile", None), "headline", "")
    return Item(
        f"{requester} would like to meet you",
        tuple(line for line in (headline, answer_by) if line),
        url,
    )


def introductions_waiting(ctx: DigestContext) -> Section | None:
    waiting = introductions_for(ctx.member).filter(waiting_for(ctx.member))
    total = waiting.count()
    if not total:
        return None
    items = [
        item
        for item in (_introduction_item(i, ctx.member) for i in waiting[:ITEMS])
        if item is not None
    ]
    if not items:
        return None
    return Section(
        key="introductions",
        title="Introductions waiting on you",
        intro="People are counting on you to pass their request on, or to answer it.",
        items=tuple(items),
        more_url=reverse("introductions"),
        more_label=_more(total, len(items), "introduction"),
    )


# -- 2. recommendation requests waiting on you -----------------------------------------


def recommendation_requests_waiting(ctx: DigestContext) -> Section | None:
    requests = requests_received(ctx.member)
    waiting = list(requests[:ITEMS])
    if not waiting:
        return None
    total = requests.count()
    items = []
    for request in waiting:
        about = tie_label(request.position, request.education)
        lines = [f"About {about}." if about else "", f"Asked {_day(request.created_at)}."]
        items.append(
            Item(
                f"{_name(request.asker)} asks you for a recommendation",
                tuple(line for line in lines if line),
                reverse("recommendation-request-write", args=[request.pk]),
            )
        )
    return Section(
        key="recommendation_requests",
        title="Recommendation requests waiting on you",
        intro="A few honest words from you can open doors for them.",
        items=tuple(items),
        more_url=reverse("recommendations"),
        more_label=_more(total, len(items), "request"),
    )


# -- 3. asks in your industry or from your connections -----------------------------------


def asks_for_you(ctx: DigestContext) -> Section | None:
    # The asks the member may see at all (their connections', and those passed to them:
    # asks_visible_to), not answered or referred yet; those in their industry first.
    in_industry = Exists(
        Profile.objects.filter(pk=ctx.member.pk, industry=OuterRef("industry")).exclude(industry="")
    )
    asks = (
        asks_feed(ctx.member)
        # Annotations of feed(): nothing answered or referred by the member yet.
        .filter(Q(answered=False), Q(referred=False))
        .annotate(in_industry=in_industry)
        .order_by(OrderBy(F("in_industry"), descending=True), "-created_at", "-id")
    )
    shown: list[Ask] = list(asks[:ITEMS])
    if not shown:
        return None
    total = asks.count()
    items = []
    for ask in shown:
        lines = [f"Asked by {_name(ask.author)}, {_day(ask.created_at)}."]
        passers = [p.from_member for p in getattr(ask, "passes_to_viewer", [])]
        if passers:
            lines.append(f"Passed on to you by {_names(passers[:2])}.")
        if getattr(ask, "in_industry", False):
            lines.append("In your industry.")
        items.append(Item(ask.title, tuple(lines), reverse("ask-detail", args=[ask.pk])))
    return Section(
        key="asks",
        title="Asks you could help with",
        intro="Your connections are looking for someone: answer, or refer a person you know.",
        items=tuple(items),
        more_url=reverse("asks"),
        more_label=_more(total, len(items), "ask"),
    )


# -- 4. people you could recommend -------------------------------------------------------


def people_to_recommend(ctx: DigestContext) -> Section | None:
    found = suggestions(ctx.member, direction="write", limit=3)
    with_members(found)
    items = [
        Item(
            s.member.full_name,
            (f"{s.text}.", "Recommend them: it takes five minutes and it lasts."),
            reverse("recommendation-write", args=[s.member.user.username]) + f"?about={s.about}",
        )
        for s in found
        if s.member is not None
    ]
    if not items:
        return None
    return Section(
        key="could_recommend",
        title="People you could recommend",
        intro="You worked or studied with them, and have not recommended them yet.",
        items=tuple(items),
        more_url=reverse("recommendation-write-choose"),
        more_label="Recommend someone",
    )


# -- 5. people you have not been in touch with -----------------------------------------


def _last_touch(last_touched_at: datetime | None, how: str) -> str:
    if last_touched_at is None:
        return "No touch on record yet."
    label = Touch.How(how).label.lower() if how in Touch.How.values else ""
    if how == Touch.How.MANUAL:
        label = ""
    return f"Last in touch {_day(last_touched_at)}{f' ({label})' if label else ''}."


def keep_in_touch(ctx: DigestContext) -> Section | None:
    due_qs = selectors.keep_in_touch_for(ctx.member).filter(next_due_at__lte=ctx.now)
    due = list(due_qs[:ITEMS])
    total_due = due_qs.count() if due else 0
    items = [
        Item(
            _name(entry.other),
            (
                f"You meant to be in touch by {_day(entry.next_due_at)}.",
                _last_touch(entry.last_touched_at, entry.last_touch_how),
            ),
            reverse("keep-in-touch"),
        )
        for entry in due
    ]
    quiet = selectors.quiet_connections(
        ctx.member, now=ctx.now, limit=max(QUIET_MIN, ITEMS - len(items))
    )
    items += [
        Item(
            _name(row.other),
            (f"Connected since {_day(row.created_at)}; nothing on LinkUp since.",),
            reverse("profile-detail", args=[row.other.username]),
        )
        for row in quiet
    ]
    if not items:
        return None
    return Section(
        key="keep_in_touch",
        title="People you have not been in touch with for a while",
        intro="A short note keeps a connection alive.",
        items=tuple(items),
        more_url=reverse("keep-in-touch"),
        more_label=_more(total_due, len(due), "due on your keep-in-touch list")
        or "Your keep-in-touch list",
    )


# -- 6. the rest -------------------------------------------------------------------------


def the_rest(ctx: DigestContext) -> Section | None:
    items = []
    requests = connection_selectors.received_requests(ctx.member)
    waiting = list(requests[:3])
    if waiting:
        total = requests.count()
        people = "person wants" if total == 1 else "people want"
        items.append(
            Item(
                f"{total} {people} to connect with you",
                (_names([r.from_member for r in waiting]) + ("…" if total > 3 else ""),),
                reverse("network-requests"),
            )
        )
    new = connection_selectors.connections_for_page(ctx.member).filter(created_at__gt=ctx.since)
    recent = list(new[:3])
    if recent:
        total = new.count()
        items.append(
            Item(
                f"{total} new connection{'' if total == 1 else 's'}",
                (_names([row.other for row in recent]) + ("…" if total > 3 else ""),),
                reverse("network"),
            )
        )
    if not items:
        return None
    return Section(key="rest", title="Also on LinkUp", items=tuple(items))


SECTIONS: list[SectionFn] = [
    introductions_waiting,
    recommendation_requests_waiting,
    asks_for_you,
    people_to_recommend,
    keep_in_touch,
    the_rest,
]


def build(member: User, *, now: datetime | None = None, since: datetime | None = None) -> Digest:
    """The member's digest as of `now`: the sections that have something, in order."""
    now = now or timezone.now()
    since = since or now - selectors.WEEK
    ctx = DigestContext(member=member, now=now, since=since)
    digest = Digest(member=member, now=now, since=since)
    for section in SECTIONS:
        found = section(ctx)
        if found is not None and found.items:
            digest.sections.append(found)
    return digest
