"""Reads for recommendations: what each member may see, and suggestions from shared history.

Who sees what:
* Anyone who may see a profile (logged out included) sees its *published*
  recommendations, except those whose author is suspended or deactivated, those a
  moderator took down, and those between two members who block each other (a block
  deletes nothing: lift it and the recommendation is back). A logged-in viewer also
  does not see recommendations written by someone they block or who blocks them.
* The subject also sees those waiting for approval, hidden, or sent back for a
  revision; the author sees their own in every state but withdrawn.
* Participants see nothing of a recommendation or request whose other side is hidden
  from them (suspended, deactivated, blocked either way).

Lists fetch their rows with the profiles, positions and schools they show in one query.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection as db
from django.db.models import Exists, OuterRef, Q, QuerySet

from connections import graph
from connections.models import Block
from connections.selectors import profiles_by_id
from profiles.models import Education, Position, Profile, User
from recommendations.models import (
    LIVE_STATES,
    Recommendation,
    RecommendationRequest,
    relationship_sentence,
)

Status = Recommendation.Status
RequestStatus = RecommendationRequest.Status


def _visible(prefix: str) -> Q:
    return Q(**{f"{prefix}__is_active": True, f"{prefix}__is_suspended": False})


def _blocked_with(viewer_id: int, member_ref: str) -> Exists:
    """The member in column `member_ref` and the viewer block each other (either way)."""
    return Exists(
        Block.objects.filter(
            Q(blocker_id=viewer_id, blocked_id=OuterRef(member_ref))
            | Q(blocker_id=OuterRef(member_ref), blocked_id=viewer_id)
        )
    )


def _blocked_between(a_ref: str, b_ref: str) -> Exists:
    """The members in columns `a_ref` and `b_ref` block each other (either way)."""
    return Exists(
        Block.objects.filter(
            Q(blocker_id=OuterRef(a_ref), blocked_id=OuterRef(b_ref))
            | Q(blocker_id=OuterRef(b_ref), blocked_id=OuterRef(a_ref))
        )
    )


def _with_rows(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return qs.select_related(
        "author__profile", "subject__profile", "position", "education", "request"
    )


def _public() -> Q:
    """Published, shown by nobody's choice but the subject's: on the profile."""
    return Q(status=Status.PUBLISHED, moderated_at__isnull=True) & _visible("author")


# -- recommendations ------------------------------------------------------------------


def published_about(subject_id: int, *, viewer: User | None) -> QuerySet[Recommendation]:
    """The recommendations on a member's profile, as `viewer` (None: logged out) may see
    them, newest first. The caller has checked the viewer may see the profile."""
    qs = (
        Recommendation.objects.filter(_public(), subject_id=subject_id)
        .filter(_visible("subject"))
        .exclude(_blocked_between("author_id", "subject_id"))
    )
    if viewer is not None:
        qs = qs.exclude(_blocked_with(viewer.pk, "author_id"))
    return _with_rows(qs).order_by("-published_at", "-id")


def received(member: User) -> QuerySet[Recommendation]:
    """Recommendations of `member` in every live state (for them to manage), newest first."""
    qs = (
        Recommendation.objects.filter(subject=member, status__in=LIVE_STATES)
        .filter(_visible("author"))
        .exclude(_blocked_with(member.pk, "author_id"))
    )
    return _with_rows(qs).order_by("-written_at", "-id")


def written(member: User) -> QuerySet[Recommendation]:
    """Recommendations `member` wrote, in every state but withdrawn, newest first."""
    qs = (
        Recommendation.objects.filter(author=member)
        .exclude(status=Status.WITHDRAWN)
        .filter(_visible("subject"))
        .exclude(_blocked_with(member.pk, "subject_id"))
    )
    return _with_rows(qs).order_by("-written_at", "-id")


def profile_recommendations(subject_id: int, *, viewer: User | None) -> list[Recommendation]:
    """What a profile's recommendations section holds for `viewer`, in one query: the
    published ones; for the subject also those waiting, hidden or sent back (to manage);
    for an author also their own in any live state."""
    if viewer is not None and viewer.pk == subject_id:
        return list(received(viewer))
    if viewer is None:
        return list(published_about(subject_id, viewer=None))
    own = Q(author=viewer, status__in=LIVE_STATES)
    qs = (
        Recommendation.objects.filter(_public() | own, subject_id=subject_id)
        .filter(_visible("subject"))
        .exclude(_blocked_between("author_id", "subject_id"))
        .exclude(_blocked_with(viewer.pk, "author_id"))
    )
    return list(_with_rows(qs).order_by("-published_at", "-written_at", "-id"))


def recommendation_for(recommendation_id: int, *, viewer: User | None) -> Recommendation | None:
    """One recommendation if `viewer` may see it, else None (missing and hidden alike)."""
    if viewer is None:
        return None
    mine = Q(author=viewer) & _visible("subject") & ~Q(subject_blocked=True)
    mine |= Q(subject=viewer) & _visible("author")
    mine &= ~Q(status=Status.WITHDRAWN)
    public = (
        _public()
        & _visible("subject")
        & ~Q(pair_blocked=True)
        & ~Q(author_blocked=True)
        & ~Q(subject_blocked=True)
    )
    qs = Recommendation.objects.filter(pk=recommendation_id).annotate(
        pair_blocked=_blocked_between("author_id", "subject_id"),
        author_blocked=_blocked_with(viewer.pk, "author_id"),
        subject_blocked=_blocked_with(viewer.pk, "subject_id"),
    )
    # For the subject: blocked with the author means hidden, like the author's absence.
    qs = qs.filter(mine | public).exclude(Q(subject=viewer) & Q(author_blocked=True))
    return _with_rows(qs).first()


# -- what one viewer sees of one recommendation ---------------------------------------


def tie_label(position: Position | None, education: Education | None) -> str:
    if position is not None:
        return f"{position.title} at {position.organization}"
    if education is not None:
        return str(education)
    return ""


def tie_period(position: Position | None, education: Education | None) -> str:
    if position is not None:
        return position.period
    if education is not None:
        return education.period
    return ""


@dataclass
class Shown:
    """A recommendation as one viewer sees it, with what they may do to it now."""

    recommendation: Recommendation
    role: str  # "subject", "author" or "reader"
    author: Profile
    subject: Profile
    sentence: str  # "Pete Novak managed John Carter directly"
    about: str  # "Route planner at Atlantic Air"
    about_period: str
    status: str
    status_label: str
    moderated: bool = False
    revision_note: str = ""
    can_approve: bool = False
    can_hide: bool = False
    can_show: bool = False
    can_revise: bool = False
    can_decline: bool = False
    can_edit: bool = False
    can_withdraw: bool = False

    @property
    def pk(self) -> int:
        return self.recommendation.pk

    @property
    def date(self) -> datetime.datetime:
        r = self.recommendation
        return r.published_at if r.status == Status.PUBLISHED and r.published_at else r.written_at

    @property
    def any_action(self) -> bool:
        return any(
            (
                self.can_approve,
                self.can_hide,
                self.can_show,
                self.can_revise,
                self.can_decline,
                self.can_edit,
                self.can_withdraw,
            )
        )


AUTHOR_LABELS: dict[str, str] = {
    Status.PENDING: "Waiting for their approval",
    Status.PUBLISHED: "On their profile",
    # A hidden recommendation is the subject's business: the author sees it as approved.
    Status.HIDDEN: "On their profile",
    Status.REVISION: "Changes asked",
    Status.DECLINED: "Not accepted",
}
SUBJECT_LABELS: dict[str, str] = {
    Status.PENDING: "Waiting for your approval",
    Status.PUBLISHED: "On your profile",
    Status.HIDDEN: "Hidden from your profile",
    Status.REVISION: "Waiting for their changes",
}


def present(recommendation: Recommendation, viewer_id: int | None) -> Shown:
    r = recommendation
    role = (
        "subject"
        if viewer_id == r.subject_id
        else "author"
        if viewer_id == r.author_id
        else "reader"
    )
    author, subject = r.author.profile, r.subject.profile
    moderated = r.moderated_at is not None
    status = r.status
    if role == "author" and status == Status.HIDDEN:
        status = Status.PUBLISHED
    labels = SUBJECT_LABELS if role == "subject" else AUTHOR_LABELS
    label = labels.get(r.status, Status(r.status).label)
    if moderated and role != "reader":
        label = "Taken down by the moderators"
    live = r.status in LIVE_STATES
    open_ = live and not moderated
    shown = Shown(
        recommendation=r,
        role=role,
        author=author,
        subject=subject,
        sentence=relationship_sentence(
            r.relationship, author=author.full_name, subject=subject.full_name
        ),
        about=tie_label(r.position, r.education),
        about_period=tie_period(r.position, r.education),
        status=status if role != "reader" else Status.PUBLISHED,
        status_label=label,
        moderated=moderated and role != "reader",
        revision_note=r.revision_note if r.status == Status.REVISION and role != "reader" else "",
    )
    if role == "subject":
        shown.can_approve = open_ and r.status == Status.PENDING
        shown.can_hide = open_ and r.status == Status.PUBLISHED
        shown.can_show = open_ and r.status == Status.HIDDEN
        shown.can_revise = open_ and r.status in (Status.PENDING, Status.PUBLISHED, Status.HIDDEN)
        shown.can_decline = open_ and r.status in (Status.PENDING, Status.REVISION)
    elif role == "author":
        shown.can_edit = open_ and r.status in (Status.PENDING, Status.REVISION)
        shown.can_withdraw = live
    return shown


def present_all(rows: Iterable[Recommendation], viewer_id: int | None) -> list[Shown]:
    return [present(r, viewer_id) for r in rows]


@dataclass
class ProfileSection:
    """The recommendations section of a profile, for one viewer."""

    published: list[Shown] = field(default_factory=list)
    waiting: list[Shown] = field(default_factory=list)  # for the subject: to approve
    hidden: list[Shown] = field(default_factory=list)  # for the subject
    revision: list[Shown] = field(default_factory=list)  # for the subject
    mine: list[Shown] = field(default_factory=list)  # for an author: theirs, not published

    @property
    def empty(self) -> bool:
        return not (self.published or self.waiting or self.hidden or self.revision or self.mine)


def profile_section(subject_id: int, *, viewer: User | None) -> ProfileSection:
    section = ProfileSection()
    viewer_id = viewer.pk if viewer is not None else None
    for r in profile_recommendations(subject_id, viewer=viewer):
        shown = present(r, viewer_id)
        on_profile = r.status == Status.PUBLISHED and r.moderated_at is None
        if on_profile:
            section.published.append(shown)
        elif shown.role == "author":
            section.mine.append(shown)
        elif r.status == Status.PENDING:
            section.waiting.append(shown)
        elif r.status == Status.REVISION:
            section.revision.append(shown)
        else:
            section.hidden.append(shown)
    return section


# -- requests -------------------------------------------------------------------------


def _with_request_rows(qs: QuerySet[RecommendationRequest]) -> QuerySet[RecommendationRequest]:
    return qs.select_related("asker__profile", "author__profile", "position", "education")


def requests_received(member: User) -> QuerySet[RecommendationRequest]:
    """Open requests to `member` from members they may see, newest first."""
    qs = (
        RecommendationRequest.objects.filter(author=member, status=RequestStatus.OPEN)
        .filter(_visible("asker"))
        .exclude(_blocked_with(member.pk, "asker_id"))
    )
    return _with_request_rows(qs).order_by("-created_at", "-id")


def requests_sent(member: User) -> QuerySet[RecommendationRequest]:
    """Requests `member` made, open ones first, then the newest."""
    qs = (
        RecommendationRequest.objects.filter(asker=member)
        .filter(_visible("author"))
        .exclude(_blocked_with(member.pk, "author_id"))
    )
    return _with_request_rows(qs).order_by("-created_at", "-id")


def request_for(request_id: int, *, viewer: User) -> RecommendationRequest | None:
    """A request `viewer` takes part in, whose other side they may see; None otherwise."""
    mine = (Q(asker=viewer) & _visible("author") & ~Q(author_blocked=True)) | (
        Q(author=viewer) & _visible("asker") & ~Q(asker_blocked=True)
    )
    qs = (
        RecommendationRequest.objects.filter(pk=request_id)
        .annotate(
            author_blocked=_blocked_with(viewer.pk, "author_id"),
            asker_blocked=_blocked_with(viewer.pk, "asker_id"),
        )
        .filter(mine)
    )
    return _with_request_rows(qs).first()


@dataclass
class ShownRequest:
    request: RecommendationRequest
    role: str  # "asker" or "author"
    other: Profile
    about: str
    status_label: str
    can_write: bool = False
    can_decline: bool = False
    can_withdraw: bool = False

    @property
    def pk(self) -> int:
        return self.request.pk


REQUEST_LABELS = {
    RequestStatus.OPEN: "Waiting for an answer",
    RequestStatus.WRITTEN: "Written",
    RequestStatus.DECLINED: "Declined",
    RequestStatus.WITHDRAWN: "Withdrawn",
}


def present_request(request: RecommendationRequest, viewer_id: int) -> ShownRequest:
    role = "asker" if request.asker_id == viewer_id else "author"
    other = request.author if role == "asker" else request.asker
    open_ = request.status == RequestStatus.OPEN
    return ShownRequest(
        request=request,
        role=role,
        other=other.profile,
        about=tie_label(request.position, request.education),
        status_label=REQUEST_LABELS[RequestStatus(request.status)],
        can_write=open_ and role == "author",
        can_decline=open_ and role == "author",
        can_withdraw=open_ and role == "asker",
    )


# -- suggestions from shared history ---------------------------------------------------

# A company or school name reduced to what identifies it: lower case, punctuation gone,
# a leading "the" and trailing legal forms dropped ("The Acme Co., Inc." → "acme").
_SUFFIXES = "inc|incorporated|ltd|limited|llc|llp|plc|gmbh|ag|sa|bv|nv|co|corp|corporation|company"


def _norm(column: str) -> str:
    cleaned = f"btrim(regexp_replace(lower({column}), '[^[:alnum:]]+', ' ', 'g'))"
    return f"btrim(regexp_replace({cleaned}, '^the | ({_SUFFIXES})( ({_SUFFIXES}))*$', '', 'g'))"


def _items(owner_condition: str) -> str:
    """A member's positions and schools as (kind, id, owner, key, name, title, lo, hi,
    ongoing): date ranges, a school's years as whole years."""
    position, education = Position._meta.db_table, Education._meta.db_table
    start = "LEAST(GREATEST(COALESCE(e.start_year, e.end_year), 1900), 2200)::int"
    end = "LEAST(GREATEST(COALESCE(e.end_year, e.start_year), 1900), 2200)::int"
    # SQL from module constants and table names only; values always go as parameters.
    return f"""
    SELECT 'position' AS kind, p.id, p.profile_id AS owner, {_norm("p.organization")} AS key,
           p.organization AS name, p.title AS title, p.start_date AS lo,
           COALESCE(p.end_date, CURRENT_DATE) AS hi, p.end_date IS NULL AS ongoing
    FROM {position} p WHERE p.profile_id {owner_condition}
    UNION ALL
    SELECT 'education', e.id, e.profile_id, {_norm("e.school")}, e.school, e.degree,
           make_date({start}, 1, 1), make_date({end}, 12, 31), false
    FROM {education} e WHERE e.profile_id {owner_condition}
      AND COALESCE(e.start_year, e.end_year) IS NOT NULL"""  # noqa: S608


def _tie_matches(table_alias: str, item: str) -> str:
    return (
        f"(({item}.kind = 'position' AND {table_alias}.position_id = {item}.id)"
        f" OR ({item}.kind = 'education' AND {table_alias}.education_id = {item}.id))"
    )


def _suggestion_sql(direction: str, connections_sql: str) -> str:
    """Pairs of my item and a connection's item at the same (normalised) company or school
    with overlapping dates, one per connection: the longest overlap. `direction` "ask":
    the connection could recommend me for my item; "write": I could recommend them for
    theirs. Leaves out what is already asked or recommended (live)."""
    recs, reqs = Recommendation._meta.db_table, RecommendationRequest._meta.db_table
    users, blocks = User._meta.db_table, Block._meta.db_table
    live = ", ".join(f"'{s}'" for s in LIVE_STATES)
    if direction == "ask":
        author, subject, tie = "t.owner", "me.id", "m"
    else:
        author, subject, tie = "me.id", "t.owner", "t"
    # Placeholders, in order: my id, the connections subquery's own, the limit.
    return f"""
    WITH me AS (SELECT %s::bigint AS id),
    conn AS MATERIALIZED ({connections_sql}),
    mine AS MATERIALIZED ({_items("= (SELECT id FROM me)")}),
    theirs AS MATERIALIZED ({_items("IN (SELECT other_id FROM conn)")}),
    pairs AS (
        SELECT DISTINCT ON (t.owner)
               t.owner AS other_id, m.kind, m.id AS my_id, t.id AS their_id,
               m.name AS my_name, t.name AS their_name, m.title AS my_title,
               t.title AS their_title, GREATEST(m.lo, t.lo) AS lo, LEAST(m.hi, t.hi) AS hi,
               m.ongoing AND t.ongoing AS ongoing
        FROM me CROSS JOIN mine m
        JOIN theirs t ON t.kind = m.kind AND t.key = m.key AND t.key <> ''
                     AND m.lo <= t.hi AND t.lo <= m.hi
        JOIN {users} u ON u.id = t.owner AND u.is_active AND NOT u.is_suspended
        WHERE NOT EXISTS (
                SELECT 1 FROM {blocks} b
                WHERE (b.blocker_id = me.id AND b.blocked_id = t.owner)
                   OR (b.blocked_id = me.id AND b.blocker_id = t.owner))
          AND NOT EXISTS (
                SELECT 1 FROM {recs} r
                WHERE r.author_id = {author} AND r.subject_id = {subject}
                  AND r.status IN ({live}) AND {_tie_matches("r", tie)})
          AND NOT EXISTS (
                SELECT 1 FROM {reqs} q
                WHERE q.author_id = {author} AND q.asker_id = {subject}
                  AND q.status = 'open' AND {_tie_matches("q", tie)})
        ORDER BY t.owner, LEAST(m.hi, t.hi) - GREATEST(m.lo, t.lo) DESC, m.id, t.id
    )
    SELECT other_id, kind, my_id, their_id, my_name, their_name, my_title, their_title,
           lo, hi, ongoing
    FROM pairs ORDER BY hi - lo DESC, hi DESC, other_id LIMIT %s"""  # noqa: S608


@dataclass
class Suggestion:
    """Someone to ask (or to recommend), from history the two share."""

    direction: str  # "ask" or "write"
    member_id: int
    kind: str  # "position" or "education"
    tie_id: int  # my item (ask) or theirs (write): what the recommendation is about
    name: str  # the company or school, as the tie spells it
    title: str  # the tie's title (position) or degree (school)
    start: datetime.date
    end: datetime.date
    ongoing: bool
    member: Profile | None = None

    @property
    def about(self) -> str:
        """The form value of the tie: "p:<id>" or "e:<id>"."""
        return f"{'p' if self.kind == 'position' else 'e'}:{self.tie_id}"

    @property
    def period(self) -> str:
        if self.ongoing:
            return f"since {self.start.year}"
        if self.start.year == self.end.year:
            return str(self.start.year)
        return f"{self.start.year}–{self.end.year}"

    @property
    def text(self) -> str:
        first = self.member.full_name.split(" ")[0] if self.member else "they"
        return f"You and {first} both list {self.name}, {self.period}"

    @property
    def default_message(self) -> str:
        first = self.member.full_name.split(" ")[0] if self.member else ""
        where = "worked together at" if self.kind == "position" else "were at"
        return (
            f"Hi {first}, we {where} {self.name} ({self.period}). Would you write a few words"
            " about working with me for my LinkUp profile?"
        )


def suggestions(member: User, *, direction: str, limit: int = 20) -> list[Suggestion]:
    """Connections who share history with `member` — the same company with overlapping
    dates, or the same school with overlapping years — one row each, the longest overlap
    first. "ask": whom to ask for a recommendation (about my position or school);
    "write": whom to recommend (about theirs). One query; `member` fields left empty
    (see with_members)."""
    if direction not in ("ask", "write"):
        raise ValueError(direction)
    connections_sql, connections_params = (
        graph.connections_of(member.pk).values("other_id").query.sql_with_params()
    )
    sql = _suggestion_sql(direction, connections_sql)
    params = [member.pk, *connections_params, limit]
    with db.cursor() as cur:
        cur.execute(sql, params)
        rows = cur.fetchall()
    result = []
    for (
        other_id,
        kind,
        my_id,
        their_id,
        my_name,
        their_name,
        my_title,
        their_title,
        lo,
        hi,
        on,
    ) in rows:
        ask = direction == "ask"
        result.append(
            Suggestion(
                direction=direction,
                member_id=other_id,
                kind=kind,
                tie_id=my_id if ask else their_id,
                name=my_name if ask else their_name,
                title=(my_title if ask else their_title) or "",
                start=lo,
                end=hi,
                ongoing=on,
            )
        )
    return result


def with_members(*lists: list[Suggestion]) -> None:
    """Fill in the members' profiles of any number of suggestion lists: one query. Rows
    whose member vanished since are dropped."""
    found = profiles_by_id(sorted({s.member_id for rows in lists for s in rows}))
    for rows in lists:
        rows[:] = [s for s in rows if s.member_id in found]
        for s in rows:
            s.member = found[s.member_id]
