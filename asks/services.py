"""Writes for asks: post, answer, refer, pass on, close, expire, and record who saw one.

Every action first finds the ask through `asks.selectors.asks_visible_to`, so someone
who may not see it gets the same 404 as for a missing ask, before any role check.
Then: 403 for the wrong role, 409 for the wrong state, 429 past a weekly limit; in each
case nothing changes.

Who may do what, and why:

* Answer: anyone who sees the ask, once. Only the asker reads the answer.
* Refer: only the asker's 1st-degree connections. A referral is a broker-initiated
  introduction (introductions.services.introduction_offer, double opt-in): the
  referrer is the broker, and a broker must be connected to both people. A member the
  ask was passed to is not connected to the asker, so they cannot broker it; they can
  answer (naming whoever they have in mind), or ask to be introduced to the asker
  through the connection who passed it to them.
* Pass on: only the asker's 1st-degree connections, to their own connections. So an
  ask reaches at most the asker's 2nd degree, and only people a connection chose.
* Close: the asker alone, thanking some of those who answered or referred.

Blocks win (INVARIANTS 3): nothing new is created between two members who block each
other. A pass to someone blocked with the asker is skipped without a word to the one
passing (a block is nobody else's business, and a refusal would reveal it); a
referral of someone blocked with the asker is refused with a reason that does not
name the block.

Weekly limits (asks posted, people passed to) are counted under a row lock on the
member, so they hold whatever the parallelism; the excess gets a 429 with when a slot
frees up.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from asks import selectors
from asks.models import MAX_OPEN_FOR, Ask, AskAnswer, AskHelper, AskPass, AskReferral, AskView
from common.exceptions import ApplicationError
from common.signals import member_touched
from connections import graph
from connections.models import Block, Notification
from connections.services import RateLimited, is_blocked_between, lock_member, notify
from introductions.services import introduction_offer
from moderation.services import restriction_check
from profiles.industries import Industry
from profiles.models import User

WEEK = timedelta(days=7)
ASKS_PER_WEEK = 5
PASSES_PER_WEEK = 50  # people an ask is passed to, over all asks
RECIPIENTS_MAX = 20  # people in one pass
DEFAULT_OPEN_FOR = timedelta(days=30)
MIN_OPEN_FOR = timedelta(hours=1)
TITLE_MAX = 150
BODY_MAX = 2000
TOPIC_MAX = 60
NOTE_MAX = 1000

Status = Ask.Status
N = Notification.Kind


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(
        message, code="invalid", status=400, extra={"fields": {field: [message]}}
    )


def _not_found() -> ApplicationError:
    return ApplicationError("No such ask.", code="not_found", status=404)


def _forbidden(message: str) -> ApplicationError:
    return ApplicationError(message, code="forbidden", status=403)


def _text(value: str, *, field: str, limit: int, required: bool = True) -> str:
    value = value.strip()
    if required and not value:
        raise _invalid(field, "This field may not be blank.")
    if len(value) > limit:
        raise _invalid(field, f"At most {limit} characters.")
    return value


def check_expiry(expires_at: datetime | None, *, now: datetime | None = None) -> datetime:
    """When an ask posted now closes: 30 days unless said, at least an hour, at most 90 days."""
    now = now or timezone.now()
    if expires_at is None:
        return now + DEFAULT_OPEN_FOR
    if expires_at < now + MIN_OPEN_FOR:
        raise _invalid("expires_at", "Choose a moment at least an hour from now.")
    if expires_at > now + MAX_OPEN_FOR:
        raise _invalid("expires_at", "An ask stays open for at most 90 days.")
    return expires_at


def _visible_ask(ask_id: int, member: User) -> Ask:
    ask = (
        selectors.asks_visible_to(member)
        .filter(pk=ask_id)
        .select_related("author__profile")
        .first()
    )
    if ask is None:
        raise _not_found()
    return ask


def _check_live(ask: Ask) -> None:
    if ask.status != Status.OPEN:
        raise ApplicationError("This ask is closed.", code="closed")
    if ask.expires_at <= timezone.now():
        raise ApplicationError("This ask has expired.", code="expired")


def _check_quota(recent: list[datetime], *, adding: int, limit: int, message: str) -> None:
    """`recent`: this week's entries, oldest first. Refuse if `adding` more would pass
    `limit`; the limit resets when enough of the oldest leave the 7-day window."""
    if len(recent) + adding <= limit:
        return
    if adding > limit:
        raise ApplicationError(f"{message} That is fewer than this.", code="invalid", status=400)
    left = max(0, limit - len(recent))
    raise RateLimited(
        f"{message} You have {left} left this week.",
        resets_at=recent[len(recent) + adding - limit - 1] + WEEK,
    )


# -- posting -------------------------------------------------------------------------


@transaction.atomic
def ask_create(
    *,
    author: User,
    title: str,
    body: str,
    topic: str = "",
    industry: str = "",
    expires_at: datetime | None = None,
) -> Ask:
    """Post a need to one's network. Raises 400 (bad fields, expiry not within an hour to
    90 days), 403 (an account limited by the moderators) and 429 (ASKS_PER_WEEK asks in
    7 days)."""
    restriction_check(author)
    title = _text(title, field="title", limit=TITLE_MAX)
    body = _text(body, field="body", limit=BODY_MAX)
    topic = _text(topic, field="topic", limit=TOPIC_MAX, required=False)
    if industry and industry not in Industry.values:
        raise _invalid("industry", "Choose an industry from the list.")
    expires_at = check_expiry(expires_at)
    lock_member(author)
    now = timezone.now()
    recent = list(
        Ask.objects.filter(author=author, created_at__gt=now - WEEK)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    _check_quota(
        recent, adding=1, limit=ASKS_PER_WEEK, message=f"You can post {ASKS_PER_WEEK} asks a week."
    )
    return Ask.objects.create(
        author=author,
        title=title,
        body=body,
        topic=topic,
        industry=industry,
        expires_at=expires_at,
    )


# -- answering -----------------------------------------------------------------------


@transaction.atomic
def ask_answer(*, ask_id: int, member: User, body: str) -> AskAnswer:
    """Answer an ask one sees; only the asker reads it. 403 the asker, 409 closed or
    expired or answered already."""
    body = _text(body, field="body", limit=BODY_MAX)
    ask = _visible_ask(ask_id, member)
    if ask.author_id == member.pk:
        raise _forbidden("This is your own ask.")
    _check_live(ask)
    try:
        with transaction.atomic():
            answer = AskAnswer.objects.create(ask=ask, author=member, body=body)
    except IntegrityError:
        raise ApplicationError(
            "You have already answered this ask.", code="already_answered"
        ) from None
    notify(recipient_id=ask.author_id, kind=N.ASK_ANSWERED, actor_id=member.pk, subject_id=ask.pk)
    ask_views_record(viewer=member, asks=[ask])  # whoever answers has seen it
    return answer


# -- referring -----------------------------------------------------------------------


def referral_message(ask: Ask, *, referred: User, note: str) -> str:
    """The introduction's message, which both the asker and the referred member read."""
    asker = ask.author.get_full_name()
    words = note or f"I think {referred.get_full_name()} can help."
    return f"{asker} asked: “{ask.title}”.\n\n{words}"


@transaction.atomic
def ask_refer(*, ask_id: int, referrer: User, referred: User, note: str = "") -> AskReferral:
    """Refer someone one knows to the asker: an introduction offer between the two, with
    the referrer as broker (both must accept before they are connected).

    Raises 400 (bad note; the asker or oneself; someone not one's connection), 403 (the
    asker; a member the ask was passed to, who is not the asker's connection), 404 (no
    such ask or member, as far as the referrer may know), 409 (closed, already referred,
    already connected, an open introduction between them, or they cannot be introduced).
    """
    note = _text(note, field="note", limit=NOTE_MAX, required=False)
    ask = _visible_ask(ask_id, referrer)
    author = ask.author
    if author.pk == referrer.pk:
        raise _forbidden(
            "This is your own ask: to introduce two people, use “Introduce two connections”."
        )
    if not graph.are_connected(referrer.pk, author.pk):
        raise _forbidden(
            f"Only {author.get_full_name()}’s own connections can refer someone: a referral is"
            " an introduction between two people you know. You can answer instead."
        )
    _check_live(ask)
    if referred.pk == author.pk:
        raise _invalid("member", f"{author.get_full_name()} asked: refer someone else.")
    if referred.pk == referrer.pk:
        raise _invalid("member", "To offer your own help, answer the ask.")
    if not referred.is_active or referred.is_suspended:
        raise ApplicationError("No such member.", code="not_found", status=404)
    if is_blocked_between(referrer.pk, referred.pk):
        raise ApplicationError("No such member.", code="not_found", status=404)
    if not graph.are_connected(referrer.pk, referred.pk):
        raise _invalid("member", f"{referred.get_full_name()} is not one of your connections.")
    if is_blocked_between(author.pk, referred.pk):
        # Not "they block each other": that is theirs to know, not the referrer's.
        raise ApplicationError(
            f"{referred.get_full_name()} cannot be referred for this ask.", code="cannot_refer"
        )
    if AskReferral.objects.filter(ask=ask, referred=referred).exists():
        raise ApplicationError(
            f"{referred.get_full_name()} has already been referred for this ask.",
            code="already_referred",
        )
    introduction = introduction_offer(
        broker=referrer,
        first=author,
        second=referred,
        message=referral_message(ask, referred=referred, note=note),
    )
    try:
        with transaction.atomic():
            referral = AskReferral.objects.create(
                ask=ask, referrer=referrer, referred=referred, note=note, introduction=introduction
            )
    except IntegrityError:
        raise ApplicationError(
            f"{referred.get_full_name()} has already been referred for this ask.",
            code="already_referred",
        ) from None
    notify(recipient_id=author.pk, kind=N.ASK_REFERRAL, actor_id=referrer.pk, subject_id=ask.pk)
    for other in (author, referred):
        member_touched.send(
            sender=AskReferral, member_id=referrer.pk, other_id=other.pk, how="referral"
        )
    ask_views_record(viewer=referrer, asks=[ask])  # whoever refers has seen it
    return referral


# -- passing on ----------------------------------------------------------------------


def _blocked_with(member_id: int, ids: list[int]) -> set[int]:
    """Those of `ids` who block `member_id` or whom they block: one query."""
    pairs = Block.objects.filter(
        Q(blocker_id=member_id, blocked_id__in=ids) | Q(blocked_id=member_id, blocker_id__in=ids)
    ).values_list("blocker_id", "blocked_id")
    return {i for pair in pairs for i in pair} - {member_id}


@transaction.atomic
def ask_pass(*, ask_id: int, member: User, recipients: list[User]) -> list[AskPass]:
    """Pass an ask on to some of one's own connections; each is told. Passing again to
    someone one already passed it to changes nothing for them (idempotent).

    Raises 400 (nobody, more than RECIPIENTS_MAX, oneself, the asker, someone not one's
    connection), 403 (the asker; a member the ask was passed to), 404 (no such ask or
    member), 409 (closed or expired), 429 (PASSES_PER_WEEK people in 7 days).
    Returns the passes made now.
    """
    unique = list({r.pk: r for r in recipients}.values())
    if not unique:
        raise _invalid("to", "Choose at least one connection.")
    if len(unique) > RECIPIENTS_MAX:
        raise _invalid("to", f"Pass it to at most {RECIPIENTS_MAX} people at a time.")
    ask = _visible_ask(ask_id, member)
    author = ask.author
    if author.pk == member.pk:
        raise _forbidden("This is your own ask: your connections see it already.")
    if not graph.are_connected(member.pk, author.pk):
        raise _forbidden(
            f"Only {author.get_full_name()}’s own connections pass this ask on. You can answer."
        )
    _check_live(ask)
    ids = [r.pk for r in unique]
    if member.pk in ids:
        raise _invalid("to", "You cannot pass it to yourself.")
    if author.pk in ids:
        raise _invalid("to", f"This is {author.get_full_name()}’s own ask.")
    lock_member(member)
    hidden = _blocked_with(member.pk, ids)
    for recipient in unique:
        if not recipient.is_active or recipient.is_suspended or recipient.pk in hidden:
            raise ApplicationError("No such member.", code="not_found", status=404)
    connected = set(
        graph.connections_of(member.pk).filter(other_id__in=ids).values_list("other_id", flat=True)
    )
    strangers = [r.get_full_name() for r in unique if r.pk not in connected]
    if strangers:
        raise _invalid("to", f"Not one of your connections: {', '.join(strangers)}.")
    already = set(
        AskPass.objects.filter(ask=ask, from_member=member, to_member_id__in=ids).values_list(
            "to_member_id", flat=True
        )
    )
    # Blocked with the asker: skipped silently (see the module docstring).
    skipped = already | _blocked_with(author.pk, ids)
    new = [r for r in unique if r.pk not in skipped]
    now = timezone.now()
    recent = list(
        AskPass.objects.filter(from_member=member, created_at__gt=now - WEEK)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    _check_quota(
        recent,
        adding=len(new),
        limit=PASSES_PER_WEEK,
        message=f"You can pass asks on to {PASSES_PER_WEEK} people a week.",
    )
    passes = []
    for recipient in new:
        passes.append(AskPass.objects.create(ask=ask, from_member=member, to_member=recipient))
        notify(
            recipient_id=recipient.pk,
            kind=N.ASK_PASSED,
            actor_id=member.pk,
            subject_id=ask.pk,
        )
    return passes


# -- closing and expiry --------------------------------------------------------------


@transaction.atomic
def ask_close(*, ask_id: int, member: User, solved: bool, helpers: list[User]) -> Ask:
    """The asker closes their ask, solved or not, thanking some of those who answered or
    referred (each gets an ASK_CLOSED notification). An expired ask can still be closed.
    Raises 400 (a helper who did not answer or refer), 403 (not the asker), 404, 409
    (closed already)."""
    ask = _visible_ask(ask_id, member)
    if ask.author_id != member.pk:
        raise _forbidden("Only the asker closes an ask.")
    if ask.is_closed:
        raise ApplicationError("This ask is closed already.", code="closed")
    detail = selectors.ask_detail(member, ask.pk)
    assert detail is not None  # the asker always sees their own ask
    eligible = {p.user_id for p in detail.helper_candidates}
    unique = list({h.pk: h for h in helpers}.values())
    outsiders = [h.username for h in unique if h.pk not in eligible]
    if outsiders:
        raise _invalid(
            "helpers",
            f"Only people who answered or referred someone can be thanked: {', '.join(outsiders)}.",
        )
    now = timezone.now()
    if not Ask.objects.filter(pk=ask.pk, status__in=[Status.OPEN, Status.EXPIRED]).update(
        status=Status.SOLVED if solved else Status.UNSOLVED, closed_at=now
    ):
        raise ApplicationError("This ask is closed already.", code="closed")
    AskHelper.objects.bulk_create(
        [AskHelper(ask=ask, member=helper) for helper in unique], ignore_conflicts=True
    )
    for helper in unique:
        notify(recipient_id=helper.pk, kind=N.ASK_CLOSED, actor_id=member.pk, subject_id=ask.pk)
    ask.refresh_from_db()
    return ask


def asks_expire() -> int:
    """Beat: asks past their expiry leave the feed for good. Safe to run any number of
    times (a conditional UPDATE on status)."""
    now = timezone.now()
    return Ask.objects.filter(status=Status.OPEN, expires_at__lte=now).update(
        status=Status.EXPIRED, closed_at=now
    )


# -- reach ---------------------------------------------------------------------------


def ask_views_record(*, viewer: User, asks: list[Ask]) -> None:
    """`viewer` saw these asks (a feed page, an ask's page): one row per member and ask,
    whatever the number of times; the asker's own looks do not count. One query."""
    rows = [AskView(ask=ask, member=viewer) for ask in asks if ask.author_id != viewer.pk]
    if rows:
        AskView.objects.bulk_create(rows, ignore_conflicts=True)
