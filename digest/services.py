"""Writes for keep-in-touch lists and digest preferences.

Keep in touch: entries are private to their member; a touch moves the due date;
the reminder task claims each due date with a conditional UPDATE, so a member is
reminded at most once per due date whatever the number of workers. Entries go when
the connection goes (a removal or a block: digest.receivers).
"""

from dataclasses import dataclass
from datetime import datetime
from smtplib import SMTPException

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from common.exceptions import ApplicationError
from connections import graph
from connections.models import Notification
from connections.services import is_blocked_between, is_visible_member, lock_pair, notify
from digest import emails, sections, selectors
from digest.dates import add_months
from digest.models import INTERVALS, DigestLog, DigestPreference, KeepInTouch, Touch
from profiles.models import User

NOTE_MAX = 300
REMINDER_BATCH = 1000


def _not_found() -> ApplicationError:
    return ApplicationError("No such member.", code="not_found", status=404)


def _check_interval(interval_months: int) -> None:
    if interval_months not in INTERVALS:
        raise ApplicationError(
            "Choose a reminder every 1, 3, 6 or 12 months.", code="invalid", status=400
        )


def _due(entry: KeepInTouch, *, interval_months: int) -> datetime:
    """The due date: the last touch (or the day the entry was made) plus the interval."""
    return add_months(entry.last_touched_at or entry.created_at, interval_months)


# -- keep in touch -------------------------------------------------------------------


@transaction.atomic
def keep_in_touch_add(*, member: User, other: User, interval_months: int = 3) -> KeepInTouch:
    """Put a connection on the member's keep-in-touch list.

    The due date counts from the last touch LinkUp knows of (an introduction, a
    recommendation...), else from today. Raises 400 (bad interval, yourself), 404
    (hidden or blocked member: the same as a missing one), 409 (not connected, or
    already on the list).
    """
    _check_interval(interval_months)
    if member.pk == other.pk:
        raise ApplicationError("You cannot keep in touch with yourself.", code="self", status=400)
    # The same lock as a connection removal or a block: an entry cannot outlive them.
    lock_pair(member.pk, other.pk)
    if not is_visible_member(other.pk) or is_blocked_between(member.pk, other.pk):
        raise _not_found()
    if not graph.are_connected(member.pk, other.pk):
        raise ApplicationError(
            "You can keep in touch only with your connections.", code="not_connected"
        )
    now = timezone.now()
    last = (
        Touch.objects.filter(member=member, other=other).order_by("-at").only("at", "how").first()
    )
    entry = KeepInTouch(
        member=member,
        other=other,
        interval_months=interval_months,
        created_at=now,
        last_touched_at=last.at if last else None,
        last_touch_how=last.how if last else "",
    )
    entry.next_due_at = _due(entry, interval_months=interval_months)
    # Already overdue when added: the member sees it highlighted now, no reminder needed.
    entry.reminded_at = now if entry.next_due_at <= now else None
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ApplicationError(
            "This connection is already on your keep-in-touch list.", code="already_listed"
        ) from None
    return entry


def _entry(member: User, other: User) -> KeepInTouch:
    """The member's entry about `other`, locked; 404 when there is none (or `other` is
    hidden from the member)."""
    entry = KeepInTouch.objects.select_for_update().filter(member=member, other=other).first()
    if entry is None or not is_visible_member(other.pk) or is_blocked_between(member.pk, other.pk):
        raise ApplicationError(
            "This member is not on your keep-in-touch list.", code="not_found", status=404
        )
    return entry


@transaction.atomic
def keep_in_touch_update(*, member: User, other: User, interval_months: int) -> KeepInTouch:
    """Change the reminder interval; the due date is recomputed from the last touch.
    A due date moved into the future can be reminded again. 400 bad interval, 404 none."""
    _check_interval(interval_months)
    entry = _entry(member, other)
    now = timezone.now()
    entry.interval_months = interval_months
    entry.next_due_at = _due(entry, interval_months=interval_months)
    if entry.next_due_at > now:
        entry.reminded_at = None
    entry.save(update_fields=["interval_months", "next_due_at", "reminded_at"])
    return entry


@transaction.atomic
def keep_in_touch_remove(*, member: User, other: User) -> None:
    """Take a member off the list. 404 if they are not on it."""
    _entry(member, other).delete()


@transaction.atomic
def keep_in_touch_touch(*, member: User, other: User, note: str = "") -> KeepInTouch:
    """ "I was in touch" by hand, with an optional private note ("had coffee"). The next
    due date counts from now. Only the member's own entry moves: the other member's list
    is theirs. 400 note too long, 404 not on the list."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ApplicationError(
            f"The note is longer than {NOTE_MAX} characters.", code="invalid", status=400
        )
    entry = _entry(member, other)
    now = timezone.now()
    Touch.objects.create(member=member, other=other, how=Touch.How.MANUAL, note=note, at=now)
    entry.last_touched_at = now
    entry.last_touch_how = Touch.How.MANUAL
    entry.last_touch_note = note
    entry.next_due_at = add_months(now, entry.interval_months)
    entry.reminded_at = None
    entry.save(
        update_fields=[
            "last_touched_at",
            "last_touch_how",
            "last_touch_note",
            "next_due_at",
            "reminded_at",
        ]
    )
    return entry


def touch_record(
    *, member_id: int, other_id: int, how: str, at: datetime | None = None
) -> list[KeepInTouch]:
    """Two members were in touch through LinkUp (an introduction, a recommendation, a
    referral, a message): recorded for both, and each one's keep-in-touch entry about the
    other, if any, moves on. A touch never moves a due date back. Returns the entries moved.
    """
    if not member_id or not other_id or member_id == other_id:
        return []
    if is_blocked_between(member_id, other_id):
        return []
    how = how if how in Touch.How.values and how != Touch.How.MANUAL else Touch.How.MESSAGE
    at = at or timezone.now()
    with transaction.atomic():
        Touch.objects.bulk_create(
            [
                Touch(member_id=member_id, other_id=other_id, how=how, at=at),
                Touch(member_id=other_id, other_id=member_id, how=how, at=at),
            ]
        )
        moved = []
        entries = KeepInTouch.objects.select_for_update().filter(
            Q(member_id=member_id, other_id=other_id) | Q(member_id=other_id, other_id=member_id)
        )
        for entry in entries:
            if entry.last_touched_at is not None and entry.last_touched_at >= at:
                continue
            entry.last_touched_at = at
            entry.last_touch_how = how
            entry.last_touch_note = ""
            entry.next_due_at = add_months(at, entry.interval_months)
            entry.reminded_at = None
            entry.save(
                update_fields=[
                    "last_touched_at",
                    "last_touch_how",
                    "last_touch_note",
                    "next_due_at",
                    "reminded_at",
                ]
            )
            moved.append(entry)
    return moved


def keep_in_touch_forget(a: int, b: int, *, history: bool = False) -> int:
    """The connection between a and b ended (a removal, or a block when `history`, which
    also drops their touches): both members' entries about each other go."""
    pair = Q(member_id=a, other_id=b) | Q(member_id=b, other_id=a)
    deleted, _ = KeepInTouch.objects.filter(pair).delete()
    if history:
        Touch.objects.filter(pair).delete()
    return deleted


def keep_in_touch_remind(*, now: datetime | None = None, limit: int = REMINDER_BATCH) -> int:
    """Beat: one KEEP_IN_TOUCH_DUE notification per due date. Safe to run twice, or on two
    workers at once: each entry is claimed with a conditional UPDATE first (reminded_at IS
    NULL and still due), and only the claimant notifies."""
    now = now or timezone.now()
    reminded = 0
    for pk, member_id, other_id in selectors.due_for_reminder(now=now, limit=limit):
        with transaction.atomic():
            claimed = KeepInTouch.objects.filter(
                pk=pk, reminded_at__isnull=True, next_due_at__lte=now
            ).update(reminded_at=now)
            if not claimed:
                continue
            notify(
                recipient_id=member_id,
                kind=Notification.Kind.KEEP_IN_TOUCH_DUE,
                actor_id=other_id,
                subject_id=pk,
            )
            reminded += 1
    return reminded


# -- digest preferences --------------------------------------------------------------


def digest_frequency(member: User) -> str:
    preference = DigestPreference.objects.filter(member=member).first()
    return preference.frequency if preference else DigestPreference.Frequency.WEEKLY


def digest_preference_set(*, member: User, frequency: str) -> DigestPreference:
    """Weekly, monthly or never. 400 for anything else. Idempotent."""
    if frequency not in DigestPreference.Frequency.values:
        raise ApplicationError("Choose weekly, monthly or never.", code="invalid", status=400)
    preference, _ = DigestPreference.objects.update_or_create(
        member=member, defaults={"frequency": frequency}
    )
    return preference


@dataclass(frozen=True)
class Claim:
    """This period's digest belongs to the caller: `claimed_at` is in last_sent_at now."""

    member_id: int
    frequency: str
    claimed_at: datetime
    previous: datetime | None  # the last digest before this one


def digest_claim(*, member_id: int, now: datetime | None = None) -> Claim | None:
    """Claim the member's digest for this period, or None when it is not due (sent within
    the period, or never wanted). At most one caller wins: the claim is a conditional
    UPDATE of last_sent_at (or, for a member without a row, the INSERT of it), each its
    own committed statement, so a second worker or a duplicate delivery finds it taken."""
    now = now or timezone.now()
    preference = DigestPreference.objects.filter(member_id=member_id).first()
    if preference is None:
        try:
            with transaction.atomic():
                DigestPreference.objects.create(member_id=member_id, last_sent_at=now)
        except IntegrityError:
            # Someone else created it first (their claim, or a settings change): re-read.
            preference = DigestPreference.objects.filter(member_id=member_id).first()
            if preference is None:
                return None
        else:
            return Claim(member_id, DigestPreference.Frequency.WEEKLY, now, None)
    frequency = preference.frequency
    if frequency == DigestPreference.Frequency.NEVER:
        return None
    threshold = selectors.due_threshold(frequency, now)
    claimed = (
        DigestPreference.objects.filter(member_id=member_id, frequency=frequency)
        .filter(Q(last_sent_at__isnull=True) | Q(last_sent_at__lt=threshold))
        .update(last_sent_at=now)
    )
    if not claimed:
        return None
    return Claim(member_id, frequency, now, preference.last_sent_at)


def digest_release(claim: Claim) -> None:
    """Give a claim back after a failure to send (the retry may claim it again). Only if
    nobody moved last_sent_at since."""
    DigestPreference.objects.filter(
        member_id=claim.member_id, last_sent_at=claim.claimed_at
    ).update(last_sent_at=claim.previous)


TRANSIENT = (SMTPException, ConnectionError, TimeoutError)


def digest_send(*, member_id: int, now: datetime | None = None) -> str:
    """Send the member's digest if it is due: claim the period, build the sections, send
    text + HTML, log it. Safe to run twice or on two workers at once (the claim decides);
    an empty digest is logged, not sent. A transient mail error gives the claim back and
    re-raises, for the task to retry. Returns what happened."""
    now = now or timezone.now()
    member = (
        User.objects.visible().filter(pk=member_id, profile__isnull=False).select_related("profile")
    ).first()
    if member is None:
        return "hidden"
    claim = digest_claim(member_id=member.pk, now=now)
    if claim is None:
        return "not due"
    if not member.email:
        DigestLog.objects.create(
            member=member, frequency=claim.frequency, status=DigestLog.Status.SKIPPED
        )
        return "skipped"
    since = claim.previous or now - selectors.digest_period(claim.frequency)
    digest = sections.build(member, now=now, since=since)
    if digest.is_empty:
        DigestLog.objects.create(
            member=member, frequency=claim.frequency, status=DigestLog.Status.EMPTY
        )
        return "empty"
    try:
        emails.send_digest(member=member, digest=digest, frequency=claim.frequency)
    except TRANSIENT:
        digest_release(claim)
        raise
    DigestLog.objects.create(
        member=member,
        frequency=claim.frequency,
        status=DigestLog.Status.SENT,
        sections=digest.counts(),
        items=digest.item_count,
    )
    return "sent"
