"""Writes to the member graph and its workflows: requests, blocks, invitations.

Every service runs in one transaction, lets Postgres hold the invariants
(partial unique index on open requests, check constraints, conditional
UPDATEs on status) and sends e-mail only after commit.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.db import connection as db
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from common.db import model_columns, run_prepared
from common.exceptions import ApplicationError
from connections import graph
from connections.models import Block, ConnectionRequest, EmailPreference, Invitation, Notification
from connections.network import network_changed
from moderation.services import restriction_check
from profiles.models import Profile, User

WEEK = timedelta(days=7)
REQUESTS_PER_WEEK = 100
INVITATIONS_PER_WEEK = 100
REREQUEST_COOLDOWN = timedelta(weeks=3)
INVITATION_TTL = timedelta(days=30)
INVITATION_REMINDER_AFTER = timedelta(days=7)


class RateLimited(ApplicationError):
    """A weekly limit is reached; `resets_at` says when a slot frees up."""

    status = 429

    def __init__(self, message: str, *, resets_at: datetime) -> None:
        retry_after = max(1, int((resets_at - timezone.now()).total_seconds()) + 1)
        super().__init__(
            f"{message} It resets on {resets_at:%d %b %Y at %H:%M} UTC.",
            code="limit_reached",
            extra={"retry_after": retry_after, "resets_at": resets_at.isoformat()},
        )
        self.resets_at = resets_at


def lock_pair(a: int, b: int) -> None:
    """Serialise every write about the pair {a, b} until the transaction ends.

    Two members requesting each other at the same moment, or a withdraw racing
    an accept, then run one after the other and the second sees the first.
    """
    low, high = min(a, b), max(a, b)
    with db.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s, %s)", [low % 2**31, high % 2**31])


def lock_member(member: User) -> None:
    """Serialise one member's quota-limited writes (weekly limits hold under parallelism).

    FOR NO KEY UPDATE: it must not block the FOR KEY SHARE locks that foreign-key
    checks take when *other* members' rows point at this member, or two members
    writing about each other would deadlock.
    """
    User.objects.select_for_update(no_key=True).filter(pk=member.pk).first()


def is_blocked_between(a: int, b: int) -> bool:
    return Block.objects.filter(
        Q(blocker_id=a, blocked_id=b) | Q(blocker_id=b, blocked_id=a)
    ).exists()


def is_visible_member(member_id: int) -> bool:
    return User.objects.visible().filter(pk=member_id).exists()


def notify(
    *,
    recipient_id: int,
    kind: str,
    actor_id: int | None,
    request_id: int | None = None,
    introduction_id: int | None = None,
    subject_id: int | None = None,
) -> Notification:
    """An in-app notification, e-mailed after commit (at most once) where its kind is."""
    notification = Notification.objects.create(
        recipient_id=recipient_id,
        kind=kind,
        actor_id=actor_id,
        request_id=request_id,
        introduction_id=introduction_id,
        subject_id=subject_id,
    )
    from connections.tasks import send_notification_email

    transaction.on_commit(lambda: enqueue(send_notification_email, notification.pk))
    return notification


def enqueue(task: object, *args: object) -> None:
    """Publish a task; if the broker is down the web request still succeeds.

    The database row is the record of the work (notification.emailed_at is
    NULL), and the periodic sweep re-sends what was never sent.
    """
    import logging

    try:
        task.delay(*args)  # type: ignore[attr-defined]
    except Exception:  # any broker failure: Redis down, a timeout
        logging.getLogger(__name__).warning("could not enqueue %s%r", task, args, exc_info=True)


# -- connection requests ------------------------------------------------------


@dataclass
class RequestOutcome:
    request: ConnectionRequest
    connected: bool  # True when the request met one going the other way and they are now connected


def _hidden_sql(viewer: str, member: str) -> str:
    """SQL that is true when `member` is hidden from `viewer` (two SQL expressions, such
    as %(s)s or a column): deactivated, suspended or without a profile, or a block
    between the two either way. What the API's 404s hide."""
    return (
        f"(NOT EXISTS (SELECT 1 FROM {User._meta.db_table} u"  # noqa: S608 (model metadata only)
        f" JOIN {Profile._meta.db_table} p ON p.user_id = u.id"
        f" WHERE u.id = {member} AND u.is_active AND NOT u.is_suspended)"
        f" OR EXISTS (SELECT 1 FROM {Block._meta.db_table} b"
        f" WHERE (b.blocker_id = {viewer} AND b.blocked_id = {member})"
        f" OR (b.blocker_id = {member} AND b.blocked_id = {viewer})))"
    )


def _is_hidden(viewer_id: int, member_id: int) -> bool:
    with db.cursor() as cur:
        run_prepared(cur, _is_hidden_sql(), {"v": viewer_id, "m": member_id})
        return bool(cur.fetchone()[0])


@cache
def _is_hidden_sql() -> str:
    return f"SELECT {_hidden_sql('%(v)s', '%(m)s')}"


@dataclass(frozen=True)
class _RequestFacts:
    hidden: bool  # the recipient is hidden from the sender (_hidden_sql)
    reverse_id: int | None  # their open (pending or ignored) request to the sender
    pending: bool  # the sender's own open request to them
    withdrawn_at: datetime | None  # the sender's last withdrawal within the cooldown
    this_week: int  # the sender's requests in the last 7 days
    oldest_this_week: datetime | None  # the first of them (a slot frees up a week after)


@cache
def _request_facts_sql() -> str:
    requests = ConnectionRequest._meta.db_table
    status = ConnectionRequest.Status
    open_ = f"('{status.PENDING}', '{status.IGNORED}')"
    return f"""
    SELECT
        {_hidden_sql("%(s)s", "%(r)s")},
        (SELECT q.id FROM {requests} q WHERE q.from_member_id = %(r)s
            AND q.to_member_id = %(s)s AND q.status IN {open_} ORDER BY q.id LIMIT 1),
        EXISTS (SELECT 1 FROM {requests} q WHERE q.from_member_id = %(s)s
                AND q.to_member_id = %(r)s AND q.status IN {open_}),
        (SELECT max(q.responded_at) FROM {requests} q WHERE q.from_member_id = %(s)s
            AND q.to_member_id = %(r)s AND q.status = '{status.WITHDRAWN}'
            AND q.responded_at > %(cooldown)s),
        (SELECT count(*) FROM {requests} q WHERE q.from_member_id = %(s)s
            AND q.created_at > %(week)s),
        (SELECT min(q.created_at) FROM {requests} q WHERE q.from_member_id = %(s)s
            AND q.created_at > %(week)s)
    """  # noqa: S608 (model metadata only)


def _request_facts(sender_id: int, recipient_id: int, now: datetime) -> _RequestFacts:
    """What a new request from sender to recipient depends on, in one statement written
    once: on the API's hot path, building and compiling six ORM queries cost more than
    running them (docs/benchmarks.md, the load test)."""
    params: dict[str, Any] = {
        "s": sender_id,
        "r": recipient_id,
        "cooldown": now - REREQUEST_COOLDOWN,
        "week": now - WEEK,
    }
    with db.cursor() as cur:
        run_prepared(cur, _request_facts_sql(), params)
        return _RequestFacts(*cur.fetchone())


@transaction.atomic
def connection_request_create(*, sender: User, recipient: User, note: str = "") -> RequestOutcome:
    """Ask `recipient` to connect.

    If the recipient had already asked the sender, that request is accepted
    instead and the two are connected (two members requesting each other at
    once end up connected once). Raises ApplicationError: 400 self or note too
    long, 404 hidden or blocked recipient, 409 already connected or pending or
    within 3 weeks of a withdrawal, 429 weekly limit.
    """
    if sender.pk == recipient.pk:
        raise ApplicationError("You cannot connect with yourself.", code="self", status=400)
    note = note.strip()
    if len(note) > 300:
        raise ApplicationError(
            "The note is longer than 300 characters.", code="invalid", status=400
        )
    lock_member(sender)
    lock_pair(sender.pk, recipient.pk)
    now = timezone.now()
    facts = _request_facts(sender.pk, recipient.pk, now)
    if facts.hidden:
        raise ApplicationError("No such member.", code="not_found", status=404)
    if graph.are_connected(sender.pk, recipient.pk):
        raise ApplicationError("You are already connected.", code="already_connected")

    # They asked us before (even if we ignored it then): asking them back is consent.
    if facts.reverse_id is not None:
        reverse = ConnectionRequest.objects.get(pk=facts.reverse_id)
        _accept(reverse, from_states=("pending", "ignored"))
        return RequestOutcome(request=reverse, connected=True)

    restriction_check(sender)  # a limited member may still accept, by asking back
    if facts.pending:
        # An ignored request still looks pending to its sender: never say "declined".
        raise ApplicationError(
            "You already have a pending request to this member.", code="already_pending"
        )
    if facts.withdrawn_at is not None:
        again = facts.withdrawn_at + REREQUEST_COOLDOWN
        raise ApplicationError(
            f"You withdrew a request to this member recently; you can ask again on"
            f" {again:%d %b %Y}.",
            code="cooldown",
            extra={"retry_after": int((again - now).total_seconds()) + 1},
        )
    if facts.this_week >= REQUESTS_PER_WEEK and facts.oldest_this_week is not None:
        raise RateLimited(
            f"You can send {REQUESTS_PER_WEEK} connection requests a week.",
            resets_at=facts.oldest_this_week + WEEK,
        )
    request = ConnectionRequest.objects.create(from_member=sender, to_member=recipient, note=note)
    notify(
        recipient_id=recipient.pk,
        kind=Notification.Kind.REQUEST_RECEIVED,
        actor_id=sender.pk,
        request_id=request.pk,
    )
    return RequestOutcome(request=request, connected=False)


def _claim(
    request: ConnectionRequest, *, to_status: str, from_states: tuple[str, ...] = ("pending",)
) -> bool:
    """Move a request from one of `from_states` to `to_status`; False if someone got there
    first (the conditional UPDATE is the claim). The request object follows."""
    table = ConnectionRequest._meta.db_table
    with db.cursor() as cur:
        run_prepared(
            cur,
            f"UPDATE {table} SET status = %(to)s, responded_at = %(now)s"  # noqa: S608 (model metadata only)
            " WHERE id = %(id)s AND status = ANY(%(from)s) RETURNING responded_at",
            {"id": request.pk, "to": to_status, "from": list(from_states), "now": timezone.now()},
        )
        row = cur.fetchone()
    if row is None:
        return False
    request.status, request.responded_at = to_status, row[0]
    return True


def _accept(request: ConnectionRequest, *, from_states: tuple[str, ...] = ("pending",)) -> None:
    if not _claim(request, to_status=ConnectionRequest.Status.ACCEPTED, from_states=from_states):
        raise ApplicationError("This request is no longer pending.", code="not_pending")
    graph.add_edge(request.from_member_id, request.to_member_id)
    # No open request may outlive the connection (an ignored one the other way, say).
    _cancel_requests_between(request.from_member_id, request.to_member_id)
    notify(
        recipient_id=request.from_member_id,
        kind=Notification.Kind.REQUEST_ACCEPTED,
        actor_id=request.to_member_id,
        request_id=request.pk,
    )
    network_changed(request.from_member_id, request.to_member_id)


@cache
def _request_for_sql() -> str:
    _, columns = model_columns(ConnectionRequest, "r")
    other = "CASE WHEN r.from_member_id = %(m)s THEN r.to_member_id ELSE r.from_member_id END"
    return (
        f"SELECT {columns}, {_hidden_sql('%(m)s', other)}"  # noqa: S608 (model metadata only)
        f" FROM {ConnectionRequest._meta.db_table} r"
        " WHERE r.id = %(id)s AND (r.from_member_id = %(m)s OR r.to_member_id = %(m)s)"
    )


def _request_for(request_id: int, *, member: User, role: str) -> ConnectionRequest:
    """The request if `member` takes part in it and may see the other member; 404
    otherwise (others learn nothing), 403 in the other role. One statement written once."""
    with db.cursor() as cur:
        run_prepared(cur, _request_for_sql(), {"id": request_id, "m": member.pk})
        row = cur.fetchone()
    if row is None or row[-1]:
        raise ApplicationError("No such request.", code="not_found", status=404)
    fields, _ = model_columns(ConnectionRequest, "r")
    request = ConnectionRequest.from_db(db.alias, fields, row[:-1])
    expected = request.to_member_id if role == "recipient" else request.from_member_id
    if expected != member.pk:
        raise ApplicationError(f"Only the {role} can do that.", code="forbidden", status=403)
    return request


@transaction.atomic
def connection_request_accept(*, request_id: int, member: User) -> ConnectionRequest:
    """Accept a request sent to `member`: both are connected. 404/403 for others, 409 if not
    pending (a second accept, or after a withdrawal)."""
    request = _request_for(request_id, member=member, role="recipient")
    lock_pair(request.from_member_id, request.to_member_id)
    # Again under the pair's lock: a block or a suspension may have come meanwhile.
    if _is_hidden(request.to_member_id, request.from_member_id):
        raise ApplicationError("No such request.", code="not_found", status=404)
    _accept(request)
    return request


@transaction.atomic
def connection_request_ignore(
    *, request_id: int, member: User, dont_know: bool = False
) -> ConnectionRequest:
    """Ignore a request sent to `member`. The sender is never told. `dont_know`: the
    member does not know the sender (moderation counts it towards a limit on them)."""
    request = _request_for(request_id, member=member, role="recipient")
    lock_pair(request.from_member_id, request.to_member_id)
    if not _claim(request, to_status=ConnectionRequest.Status.IGNORED):
        raise ApplicationError("This request is no longer pending.", code="not_pending")
    if dont_know:
        from moderation.services import dont_know_record

        dont_know_record(request_id=request.pk, member=member)
    return request


@transaction.atomic
def connection_request_withdraw(*, request_id: int, member: User) -> ConnectionRequest:
    """Withdraw a request `member` sent (pending, or ignored unbeknown to them).
    The same member cannot be asked again for 3 weeks."""
    request = _request_for(request_id, member=member, role="sender")
    updated = ConnectionRequest.objects.filter(
        pk=request.pk,
        status__in=[ConnectionRequest.Status.PENDING, ConnectionRequest.Status.IGNORED],
    ).update(status=ConnectionRequest.Status.WITHDRAWN, responded_at=timezone.now())
    if updated != 1:
        raise ApplicationError("This request is no longer pending.", code="not_pending")
    request.refresh_from_db()
    return request


def requests_cancel_for(member_id: int) -> int:
    """A suspended member's open requests, both ways, end (they do not come back)."""
    return ConnectionRequest.objects.filter(
        Q(from_member_id=member_id) | Q(to_member_id=member_id),
        status__in=[ConnectionRequest.Status.PENDING, ConnectionRequest.Status.IGNORED],
    ).update(status=ConnectionRequest.Status.CANCELLED, responded_at=timezone.now())


def _cancel_requests_between(a: int, b: int) -> int:
    status = ConnectionRequest.Status
    with db.cursor() as cur:
        run_prepared(
            cur,
            f"UPDATE {ConnectionRequest._meta.db_table} SET status = %(to)s,"  # noqa: S608 (model metadata only)
            " responded_at = %(now)s WHERE ((from_member_id = %(a)s AND to_member_id = %(b)s)"
            " OR (from_member_id = %(b)s AND to_member_id = %(a)s)) AND status = ANY(%(open)s)",
            {
                "a": a,
                "b": b,
                "to": status.CANCELLED,
                "open": [status.PENDING, status.IGNORED],
                "now": timezone.now(),
            },
        )
        return int(cur.rowcount)


# -- connections ---------------------------------------------------------------


@transaction.atomic
def connection_remove(*, member: User, other: User) -> None:
    """Remove a connection, silently (the other member is not told). 404 if not connected."""
    lock_pair(member.pk, other.pk)
    if not graph.remove_edge(member.pk, other.pk):
        raise ApplicationError("You are not connected.", code="not_found", status=404)
    network_changed(member.pk, other.pk)


def connection_note_set(*, member: User, other: User, note: str) -> str:
    note = note.strip()
    if len(note) > 300:
        raise ApplicationError(
            "The note is longer than 300 characters.", code="invalid", status=400
        )
    if not graph.set_connection_note(member.pk, other.pk, note):
        raise ApplicationError("You are not connected.", code="not_found", status=404)
    return note


# -- blocks --------------------------------------------------------------------


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> Block:
    """Block a member: ends the connection and every pending request between the two,
    and hides each from the other everywhere. Idempotent."""
    if blocker.pk == blocked.pk:
        raise ApplicationError("You cannot block yourself.", code="self", status=400)
    lock_pair(blocker.pk, blocked.pk)
    block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    removed = graph.remove_edge(blocker.pk, blocked.pk)
    _cancel_requests_between(blocker.pk, blocked.pk)
    Notification.objects.filter(
        Q(recipient=blocker, actor=blocked) | Q(recipient=blocked, actor=blocker)
    ).delete()
    from introductions.services import introductions_cancel_between

    introductions_cancel_between(blocker.pk, blocked.pk)
    if removed:
        network_changed(blocker.pk, blocked.pk)
    return block


@transaction.atomic
def block_remove(*, blocker: User, blocked_id: int) -> bool:
    """Lift a block. The two are not reconnected. Idempotent."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()
    return deleted > 0


# -- invitations ---------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """The secret part of the signup link."""
    mac = salted_hmac("linkup.invitation", invitation.nonce).hexdigest()[:32]
    return f"{invitation.nonce}.{mac}"


@transaction.atomic
def invitation_create(*, inviter: User, email: str, message: str = "") -> Invitation:
    """Invite someone who is not a member by e-mail, with a one-time expiring signup link.

    Raises 400 for a bad address or message, 409 when the address already has an
    open invitation from this member or belongs to a visible member (ask them
    to connect instead), 429 past 100 invitations a week.
    """
    restriction_check(inviter)
    email = email.strip()
    if not email or "@" not in email:
        raise ApplicationError("Give a valid e-mail address.", code="invalid", status=400)
    if len(message) > 1000:
        raise ApplicationError(
            "The message is longer than 1000 characters.", code="invalid", status=400
        )
    lock_member(inviter)
    member = User.objects.visible().filter(email__iexact=email).first()
    if member is not None and not is_blocked_between(inviter.pk, member.pk):
        if member.pk == inviter.pk:
            raise ApplicationError("That is your own address.", code="self", status=400)
        raise ApplicationError(
            "That address belongs to a LinkUp member: send them a connection request instead.",
            code="already_member",
        )
    if Invitation.objects.filter(
        inviter=inviter, email__iexact=email, status=Invitation.Status.SENT
    ).exists():
        raise ApplicationError("You have already invited this address.", code="already_invited")
    now = timezone.now()
    recent = list(
        Invitation.objects.filter(inviter=inviter, created_at__gt=now - WEEK)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:INVITATIONS_PER_WEEK]
    )
    if len(recent) >= INVITATIONS_PER_WEEK:
        raise RateLimited(
            f"You can send {INVITATIONS_PER_WEEK} invitations a week.", resets_at=recent[0] + WEEK
        )
    invitation = Invitation.objects.create(
        inviter=inviter,
        email=email,
        message=message.strip(),
        nonce=secrets.token_hex(16),
        expires_at=now + INVITATION_TTL,
        reminder_due_at=now + INVITATION_REMINDER_AFTER,
    )
    from connections.tasks import send_invitation_email

    transaction.on_commit(lambda: enqueue(send_invitation_email, invitation.pk))
    return invitation


def invitation_by_token(token: str) -> Invitation | None:
    """The open, unexpired invitation behind a signup link, or None."""
    nonce, _, _mac = token.partition(".")
    invitation = (
        Invitation.objects.select_related("inviter__profile")
        .filter(nonce=nonce, status=Invitation.Status.SENT, expires_at__gt=timezone.now())
        .first()
    )
    if invitation is None or not constant_time_compare(invitation_token(invitation), token):
        return None
    return invitation


@transaction.atomic
def invitations_on_signup(*, member: User, token: str | None = None) -> list[Invitation]:
    """A new member joined: the invitation they came through becomes accepted, any others
    to their address become "joined independently", and each inviter's connection request
    is waiting for them. Idempotent."""
    now = timezone.now()
    used = invitation_by_token(token) if token else None
    open_ = Invitation.objects.select_for_update().filter(
        Q(email__iexact=member.email) | Q(pk=used.pk if used else None),
        status=Invitation.Status.SENT,
        expires_at__gt=now,
    )
    touched = []
    for invitation in open_:
        status = (
            Invitation.Status.ACCEPTED
            if used is not None and invitation.pk == used.pk
            else Invitation.Status.JOINED
        )
        claimed = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.SENT).update(
            status=status, joined_member=member, joined_at=now
        )
        if not claimed:
            continue
        touched.append(invitation)
        inviter = invitation.inviter
        if inviter.pk == member.pk or not is_visible_member(inviter.pk):
            continue
        if is_blocked_between(inviter.pk, member.pk) or graph.are_connected(inviter.pk, member.pk):
            continue
        if not ConnectionRequest.objects.filter(
            Q(from_member=inviter, to_member=member) | Q(from_member=member, to_member=inviter),
            status=ConnectionRequest.Status.PENDING,
        ).exists():
            request = ConnectionRequest.objects.create(
                from_member=inviter, to_member=member, note=invitation.message[:300]
            )
            notify(
                recipient_id=member.pk,
                kind=Notification.Kind.REQUEST_RECEIVED,
                actor_id=inviter.pk,
                request_id=request.pk,
            )
        notify(
            recipient_id=inviter.pk, kind=Notification.Kind.INVITATION_JOINED, actor_id=member.pk
        )
    # Introductions that carried an invitation continue where they stopped.
    from introductions.services import introductions_on_signup

    introductions_on_signup(member=member, invitations=touched)
    return touched


def _own_invitation(invitation_id: int, inviter: User) -> Invitation:
    invitation = Invitation.objects.filter(pk=invitation_id, inviter=inviter).first()
    if invitation is None:
        raise ApplicationError("No such invitation.", code="not_found", status=404)
    return invitation


@transaction.atomic
def invitation_cancel_reminder(*, invitation_id: int, inviter: User) -> Invitation:
    """Cancel the one reminder LinkUp would send. Idempotent; 409 once it was sent."""
    invitation = _own_invitation(invitation_id, inviter)
    if invitation.reminded_at is not None:
        raise ApplicationError("The reminder was already sent.", code="reminder_sent")
    Invitation.objects.filter(pk=invitation.pk, reminder_cancelled_at__isnull=True).update(
        reminder_cancelled_at=timezone.now()
    )
    invitation.refresh_from_db()
    return invitation


@transaction.atomic
def invitation_cancel(*, invitation_id: int, inviter: User) -> Invitation:
    """Withdraw an invitation: its link stops working. 409 unless it is still open."""
    invitation = _own_invitation(invitation_id, inviter)
    if not Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.SENT).update(
        status=Invitation.Status.CANCELLED
    ):
        raise ApplicationError("This invitation is no longer open.", code="not_open")
    invitation.refresh_from_db()
    return invitation


def invitations_expire() -> int:
    """Mark invitations past their expiry. Safe to run any number of times."""
    return Invitation.objects.filter(
        status=Invitation.Status.SENT, expires_at__lte=timezone.now()
    ).update(status=Invitation.Status.EXPIRED)


# -- notifications ------------------------------------------------------------


def notifications_mark_read(*, member: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=member, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def email_preference_set(*, member: User, notifications: bool) -> EmailPreference:
    preference, _ = EmailPreference.objects.update_or_create(
        member=member, defaults={"notifications": notifications}
    )
    return preference


def wants_email(member_id: int) -> bool:
    preference = EmailPreference.objects.filter(member_id=member_id).first()
    return preference is None or preference.notifications
