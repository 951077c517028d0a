"""Introduction brokering: the state machine and its rules.

Every transition is a conditional UPDATE on the current status (and hop), so
two brokers, two targets, or a withdraw racing an accept cannot both win; the
loser gets 409 and nothing changes. Quotas are counted under a lock on the
member whose quota it is.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.db import IntegrityError, transaction
from django.db import connection as db
from django.db.models import Q, QuerySet
from django.utils import timezone

from common.db import model_columns, run_prepared
from common.exceptions import ApplicationError
from connections import graph
from connections.models import Block, Connection, ConnectionRequest, Invitation, Notification
from connections.network import network_changed
from connections.services import (
    RateLimited,
    invitation_create,
    is_blocked_between,
    is_visible_member,
    lock_member,
    lock_pair,
    notify,
)
from introductions.models import (
    OPEN_STATES,
    BrokerSettings,
    Hop,
    Introduction,
    MessageReport,
    Outcome,
)
from moderation.services import restriction_check
from profiles.models import User

OPEN_LIMIT = 5
TTL = timedelta(days=30)
REMINDER_AFTER = timedelta(days=7)
CAPACITY_WINDOW = timedelta(days=30)
MAX_BROKERS = 2

Status = Introduction.Status
Kind = Introduction.Kind
N = Notification.Kind


def _refuse(message: str, *, code: str, status: int = 409) -> ApplicationError:
    return ApplicationError(message, code=code, status=status)


def _not_found() -> ApplicationError:
    return _refuse("No such introduction.", code="not_found", status=404)


def _check_text(message: str, note: str) -> tuple[str, str]:
    message, note = message.strip(), note.strip()
    if not message:
        raise ApplicationError(
            "Write a message for the person you want to meet.", code="invalid", status=400
        )
    if len(message) > 2000:
        raise ApplicationError(
            "The message is longer than 2000 characters.", code="invalid", status=400
        )
    if len(note) > 1000:
        raise ApplicationError(
            "The note is longer than 1000 characters.", code="invalid", status=400
        )
    return message, note


@dataclass(frozen=True)
class BrokerState:
    settings: BrokerSettings  # the member's, or the defaults (not saved) if they set none
    load: list[datetime]  # when each request reached them in the last 30 days, oldest first


@cache
def _broker_state_sql() -> str:
    _, columns = model_columns(BrokerSettings, "s")
    return (
        f"SELECT {columns},"  # noqa: S608 (model metadata only)
        f" ARRAY(SELECT h.reached_at FROM {Hop._meta.db_table} h"
        f" JOIN {Introduction._meta.db_table} i ON i.id = h.introduction_id"
        " WHERE h.broker_id = %(b)s AND h.reached_at > %(since)s"
        f" AND i.kind = '{Kind.REQUEST}' ORDER BY h.reached_at)"
        f" FROM (SELECT 1) one LEFT JOIN {BrokerSettings._meta.db_table} s"
        " ON s.member_id = %(b)s"
    )


def broker_state(member_id: int, *, now: datetime | None = None) -> BrokerState:
    """A broker's settings and load, in one statement written once: every introduction
    request checks them."""
    now = now or timezone.now()
    with db.cursor() as cur:
        run_prepared(cur, _broker_state_sql(), {"b": member_id, "since": now - CAPACITY_WINDOW})
        *row, load = cur.fetchone()
    if row[0] is None:  # no row: the defaults
        settings = BrokerSettings(member_id=member_id)
    else:
        fields, _ = model_columns(BrokerSettings, "s")
        settings = BrokerSettings.from_db(db.alias, fields, row)
    return BrokerState(settings=settings, load=list(load))


def broker_settings(member_id: int) -> BrokerSettings:
    return broker_state(member_id).settings


def broker_load(member_id: int, *, now: datetime | None = None) -> list[datetime]:
    """When each introduction reached this broker in the last 30 days, oldest first."""
    return broker_state(member_id, now=now).load


def _check_broker_available(broker: User) -> None:
    state = broker_state(broker.pk)
    settings, load = state.settings, state.load
    name = broker.get_full_name()
    if settings.paused:
        raise _refuse(
            f"{name} is not taking introduction requests right now.", code="broker_paused"
        )
    if len(load) >= settings.capacity_per_month:
        raise RateLimited(
            f"{name} has had as many introduction requests this month as they want.",
            resets_at=load[len(load) - settings.capacity_per_month] + CAPACITY_WINDOW,
        )


@dataclass(frozen=True)
class _PathFacts:
    hidden: bool  # a member on the path is deactivated or suspended
    blocked: bool  # someone on the path and the requester block each other (either way)
    connected: bool  # the requester and the target are connected already
    broken_at: int | None  # the first link (0-based) whose two members are not connected
    open_count: int  # the requester's open introduction requests
    first_expiry: datetime | None  # when the first of them expires


@cache
def _path_facts_sql() -> str:
    users, blocks = User._meta.db_table, Block._meta.db_table
    edges, introductions = Connection._meta.db_table, Introduction._meta.db_table
    open_ = ", ".join(f"'{state}'" for state in OPEN_STATES)
    mine = (
        f"FROM {introductions} i WHERE i.requester_id = %(r)s"
        f" AND i.kind = '{Kind.REQUEST}' AND i.status IN ({open_})"
    )
    return f"""
    SELECT
        EXISTS (SELECT 1 FROM unnest(%(path)s::bigint[]) m(id) WHERE NOT EXISTS (
            SELECT 1 FROM {users} u WHERE u.id = m.id AND u.is_active AND NOT u.is_suspended)),
        EXISTS (SELECT 1 FROM {blocks} b
                WHERE (b.blocker_id = %(r)s AND b.blocked_id = ANY(%(path)s::bigint[]))
                   OR (b.blocked_id = %(r)s AND b.blocker_id = ANY(%(path)s::bigint[]))),
        EXISTS (SELECT 1 FROM {edges} c WHERE c.member_id = %(r)s AND c.other_id = %(t)s),
        (SELECT min(n) - 1 FROM generate_series(1, cardinality(%(path)s::bigint[]) - 1) n
         WHERE NOT EXISTS (SELECT 1 FROM {edges} c WHERE c.member_id = (%(path)s::bigint[])[n]
                           AND c.other_id = (%(path)s::bigint[])[n + 1])),
        (SELECT count(*) {mine}),
        (SELECT min(i.expires_at) {mine})
    """  # noqa: S608 (model metadata only)


def _path_facts(path: list[User], target: User | None) -> _PathFacts:
    """What an introduction request along `path` (requester, brokers, target) depends on,
    in one statement written once: on the API's hot path, building a dozen ORM queries
    cost more than running them (docs/benchmarks.md, the load test)."""
    params = {
        "r": path[0].pk,
        "t": target.pk if target is not None else None,
        "path": [member.pk for member in path],
    }
    with db.cursor() as cur:
        run_prepared(cur, _path_facts_sql(), params)
        return _PathFacts(*cur.fetchone())


def _check_visible_and_unblocked(members: list[User]) -> None:
    """Every member visible, and none blocked with the first (the one acting): those look
    missing. A block between two *others* is not the actor's business: it ended their
    connection, so the path check reports a broken path instead."""
    facts = _path_facts(members, None)
    if facts.hidden or facts.blocked:
        raise _refuse("No such member.", code="not_found", status=404)


@transaction.atomic
def introduction_request(
    *,
    requester: User,
    via: list[User],
    target: User | None = None,
    target_email: str = "",
    message: str,
    note_to_broker: str = "",
) -> Introduction:
    """Ask to be introduced to `target` (a member at the 2nd or 3rd degree, or an e-mail
    address) through `via`: one broker, or two for the 3rd degree, along a real path.

    Raises 400 (bad text, not a path, connected already), 404 (hidden or blocked
    member anywhere on the path), 409 (an open request for this target, a paused
    broker), 429 (5 open requests, or the first broker's monthly capacity).
    """
    restriction_check(requester)
    message, note = _check_text(message, note_to_broker)
    if not via or len(via) > MAX_BROKERS or len({b.pk for b in via}) != len(via):
        raise _refuse(
            "Choose one broker, or two for a 3rd-degree introduction.", code="invalid", status=400
        )
    if target is None and not target_email.strip():
        raise _refuse("Say whom you want to meet.", code="invalid", status=400)
    if target is not None and target.pk == requester.pk:
        raise _refuse("You cannot ask to be introduced to yourself.", code="self", status=400)
    if requester.pk in {b.pk for b in via} or (
        target is not None and target.pk in {b.pk for b in via}
    ):
        raise _refuse(
            "A broker must be someone between you and the target.", code="invalid", status=400
        )
    if target is None and len(via) != 1:
        raise _refuse(
            "Introductions to an e-mail address go through one broker.", code="invalid", status=400
        )
    lock_member(requester)
    path = [requester, *via, *([target] if target else [])]
    facts = _path_facts(path, target)
    if facts.hidden or facts.blocked:  # as _check_visible_and_unblocked says
        raise _refuse("No such member.", code="not_found", status=404)
    if facts.connected:
        raise _refuse("You are already connected.", code="already_connected")
    if target is None:
        owner = User.objects.visible().filter(email__iexact=target_email.strip()).first()
        if owner is not None and owner.pk == requester.pk:
            raise _refuse("That is your own address.", code="self", status=400)
        if owner is not None and not is_blocked_between(requester.pk, owner.pk):
            # As for invitations: say so, so that the request goes to the member by name.
            raise _refuse(
                "That address belongs to a LinkUp member: ask for an introduction on their"
                " profile.",
                code="already_member",
            )
    # For an address, the last broker vouches for someone they know outside LinkUp.
    if facts.broken_at is not None:
        a, b = path[facts.broken_at], path[facts.broken_at + 1]
        raise _refuse(
            f"{b.get_full_name()} is not connected to {a.get_full_name()}: choose brokers"
            " along a real path.",
            code="not_a_path",
            status=400,
        )
    if facts.open_count >= OPEN_LIMIT:
        assert facts.first_expiry is not None  # every introduction has an expiry
        raise RateLimited(
            f"You have {OPEN_LIMIT} open introduction requests: one slot comes back when one"
            " completes, is declined, withdrawn or expires.",
            resets_at=facts.first_expiry,
        )
    lock_member(via[0])
    _check_broker_available(via[0])

    now = timezone.now()
    try:
        with transaction.atomic():
            introduction = Introduction.objects.create(
                kind=Kind.REQUEST,
                requester=requester,
                target=target,
                target_email="" if target else target_email.strip(),
                message=message,
                expires_at=now + TTL,
            )
    except IntegrityError:
        raise _refuse(
            "You already have an open introduction request for this person.", code="already_open"
        ) from None
    for position, broker in enumerate(via):
        Hop.objects.create(
            introduction=introduction,
            position=position,
            broker=broker,
            note=note if position == 0 else "",
            reached_at=now if position == 0 else None,
        )
    notify(
        recipient_id=via[0].pk,
        kind=N.INTRO_TO_FORWARD,
        actor_id=requester.pk,
        introduction_id=introduction.pk,
    )
    return introduction


@transaction.atomic
def introduction_offer(
    *,
    broker: User,
    first: User,
    second: User | None = None,
    second_email: str = "",
    message: str,
) -> Introduction:
    """A broker introduces two of their own connections (or a connection and someone to
    invite by e-mail). Double opt-in: both must accept before they are connected."""
    restriction_check(broker)
    message, _ = _check_text(message, "")
    if second is None and not second_email.strip():
        raise _refuse("Say whom you are introducing.", code="invalid", status=400)
    if second is not None and first.pk == second.pk:
        raise _refuse("Choose two different people.", code="invalid", status=400)
    if broker.pk in {first.pk, *([second.pk] if second else [])}:
        raise _refuse("Introduce two other people.", code="invalid", status=400)
    lock_member(broker)
    members = [broker, first, *([second] if second else [])]
    _check_visible_and_unblocked(members)
    for member in members[1:]:
        if not graph.are_connected(broker.pk, member.pk):
            raise _refuse(
                "You can only introduce your own connections;"
                f" {member.get_full_name()} is not one.",
                code="not_a_path",
                status=400,
            )
    if second is not None and graph.are_connected(first.pk, second.pk):
        raise _refuse("They are already connected.", code="already_connected")
    now = timezone.now()
    try:
        with transaction.atomic():
            introduction = Introduction.objects.create(
                kind=Kind.OFFER,
                status=Status.AT_TARGET,
                requester=first,
                target=second,
                target_email="" if second else second_email.strip(),
                message=message,
                current_hop=1,
                expires_at=now + TTL,
                forwarded_at=now,
            )
    except IntegrityError:
        raise _refuse("These two already have an open introduction.", code="already_open") from None
    Hop.objects.create(
        introduction=introduction,
        position=0,
        broker=broker,
        status=Hop.Status.FORWARDED,
        endorsement=message,
        reached_at=now,
        decided_at=now,
    )
    notify(
        recipient_id=first.pk,
        kind=N.INTRO_FOR_YOU,
        actor_id=broker.pk,
        introduction_id=introduction.pk,
    )
    if second is not None:
        notify(
            recipient_id=second.pk,
            kind=N.INTRO_FOR_YOU,
            actor_id=broker.pk,
            introduction_id=introduction.pk,
        )
    else:
        _invite_target(introduction, inviter=broker)
    return introduction


def _invite_target(introduction: Introduction, *, inviter: User) -> None:
    """The target is not a member: an invitation carries the introduction."""
    try:
        invitation = invitation_create(
            inviter=inviter, email=introduction.target_email, message=introduction.message[:1000]
        )
    except ApplicationError as exc:
        if exc.code == "already_invited":
            invitation = Invitation.objects.get(
                inviter=inviter,
                email__iexact=introduction.target_email,
                status=Invitation.Status.SENT,
            )
        elif exc.code == "already_member":
            raise _refuse(
                "That address belongs to a LinkUp member: introduce them by name.",
                code="already_member",
            ) from None
        else:
            raise
    Introduction.objects.filter(pk=introduction.pk).update(invitation=invitation)
    introduction.invitation = invitation


def _participant(introduction_id: int, member: User) -> Introduction:
    """The introduction if `member` takes part in it (requester, target or a broker); else 404."""
    introduction = (
        Introduction.objects.filter(pk=introduction_id)
        .filter(Q(requester=member) | Q(target=member) | Q(hops__broker=member))
        .select_related("requester", "target")
        .distinct()
        .first()
    )
    if introduction is None:
        raise _not_found()
    return introduction


def _close(
    introduction: Introduction, *, status: str, from_states: tuple[str, ...] = OPEN_STATES
) -> bool:
    now = timezone.now()
    updated = Introduction.objects.filter(pk=introduction.pk, status__in=from_states).update(
        status=status, closed_at=now
    )
    if updated:
        Hop.objects.filter(introduction=introduction, status=Hop.Status.WAITING).update(
            status=Hop.Status.CLOSED, decided_at=now
        )
        introduction.refresh_from_db()
    return updated == 1


def _current_hop(introduction: Introduction, broker: User) -> Hop:
    hop = Hop.objects.filter(introduction=introduction, broker=broker).first()
    if hop is None:
        raise _refuse("Only the broker it is with can do that.", code="forbidden", status=403)
    if introduction.status != Status.OPEN or hop.position != introduction.current_hop:
        raise _refuse("This introduction is not waiting for you.", code="not_waiting")
    return hop


@transaction.atomic
def introduction_forward(
    *, introduction_id: int, broker: User, endorsement: str = ""
) -> Introduction:
    """The current broker passes the request on, with words for the target. 403 for other
    participants, 409 if it is not with this broker (any more)."""
    endorsement = endorsement.strip()
    if len(endorsement) > 1000:
        raise _refuse("The endorsement is longer than 1000 characters.", code="invalid", status=400)
    introduction = _participant(introduction_id, broker)
    hop = _current_hop(introduction, broker)
    hops = list(introduction.hops.select_related("broker").order_by("position"))
    before = introduction.requester if hop.position == 0 else hops[hop.position - 1].broker
    after = hops[hop.position + 1].broker if hop.position + 1 < len(hops) else introduction.target
    # The path must still be real: connections may have been removed since.
    for other in (before, after):
        if other is not None and not graph.are_connected(broker.pk, other.pk):
            raise _refuse(
                f"You are no longer connected to {other.get_full_name()}.", code="not_a_path"
            )
    now = timezone.now()
    claimed = Hop.objects.filter(pk=hop.pk, status=Hop.Status.WAITING).update(
        status=Hop.Status.FORWARDED, endorsement=endorsement, decided_at=now
    )
    last = hop.position + 1 >= len(hops)
    moved = Introduction.objects.filter(
        pk=introduction.pk, status=Status.OPEN, current_hop=hop.position
    ).update(
        current_hop=hop.position + 1,
        **({"status": Status.AT_TARGET, "forwarded_at": now} if last else {}),
    )
    if not (claimed and moved):
        raise _refuse("This introduction is not waiting for you.", code="not_waiting")
    introduction.refresh_from_db()
    if not last:
        nxt = hops[hop.position + 1]
        Hop.objects.filter(pk=nxt.pk).update(reached_at=now, note=endorsement)
        notify(
            recipient_id=nxt.broker_id,
            kind=N.INTRO_TO_FORWARD,
            actor_id=broker.pk,
            introduction_id=introduction.pk,
        )
    elif introduction.target_id is not None:
        notify(
            recipient_id=introduction.target_id,
            kind=N.INTRO_FOR_YOU,
            actor_id=introduction.requester_id,
            introduction_id=introduction.pk,
        )
    else:
        _invite_target(introduction, inviter=broker)
    return introduction


@transaction.atomic
def introduction_decline(*, introduction_id: int, broker: User, reason: str = "") -> Introduction:
    """The current broker does not forward. The requester is told "not forwarded"; the
    reason only if this broker gave one and is the requester's own broker."""
    reason = reason.strip()[:300]
    introduction = _participant(introduction_id, broker)
    hop = _current_hop(introduction, broker)
    if not Hop.objects.filter(pk=hop.pk, status=Hop.Status.WAITING).update(
        status=Hop.Status.DECLINED, decline_reason=reason, decided_at=timezone.now()
    ):
        raise _refuse("This introduction is not waiting for you.", code="not_waiting")
    if not _close(introduction, status=Status.NOT_FORWARDED, from_states=(Status.OPEN,)):
        raise _refuse("This introduction is not waiting for you.", code="not_waiting")
    # Nobody is named: beyond their own broker the requester must not learn who declined.
    notify(
        recipient_id=introduction.requester_id,
        kind=N.INTRO_NOT_FORWARDED,
        actor_id=None,
        introduction_id=introduction.pk,
    )
    return introduction


def _connect(a: int, b: int) -> None:
    lock_pair(a, b)
    if graph.add_edge(a, b):
        ConnectionRequest.objects.filter(
            Q(from_member_id=a, to_member_id=b) | Q(from_member_id=b, to_member_id=a),
            status__in=[ConnectionRequest.Status.PENDING, ConnectionRequest.Status.IGNORED],
        ).update(status=ConnectionRequest.Status.CANCELLED, responded_at=timezone.now())
        network_changed(a, b)


@transaction.atomic
def introduction_accept(*, introduction_id: int, member: User) -> Introduction:
    """The target accepts (for an offer: either side; both must). Then the two are connected
    and see each other's contact details; both are told. 403 for others, 409 wrong state."""
    introduction = _participant(introduction_id, member)
    sides = {introduction.requester_id, introduction.target_id}
    if introduction.kind == Kind.REQUEST and member.pk != introduction.target_id:
        raise _refuse("Only the person introduced can accept.", code="forbidden", status=403)
    if introduction.kind == Kind.OFFER and member.pk not in sides:
        raise _refuse("Only the two people introduced can accept.", code="forbidden", status=403)
    if introduction.status != Status.AT_TARGET:
        raise _refuse("This introduction is not waiting for an answer.", code="not_waiting")
    requester_id, target_id = introduction.requester_id, introduction.target_id
    now = timezone.now()
    if target_id is None:
        # An offer to someone still invited: the first person's yes waits for them.
        if not Introduction.objects.filter(
            pk=introduction.pk, status=Status.AT_TARGET, requester_accepted_at__isnull=True
        ).update(requester_accepted_at=now):
            raise _refuse("You have already accepted.", code="already_accepted")
        introduction.refresh_from_db()
        return introduction
    lock_pair(requester_id, target_id)
    if not is_visible_member(requester_id) or is_blocked_between(requester_id, target_id):
        raise _not_found()
    qs = Introduction.objects.filter(pk=introduction.pk, status=Status.AT_TARGET)
    if introduction.kind == Kind.OFFER:
        field = "requester_accepted_at" if member.pk == requester_id else "target_accepted_at"
        if not qs.filter(**{f"{field}__isnull": True}).update(**{field: now}):
            raise _refuse("You have already accepted.", code="already_accepted")
        introduction.refresh_from_db()
        if introduction.requester_accepted_at is None or introduction.target_accepted_at is None:
            other = target_id if member.pk == requester_id else requester_id
            notify(
                recipient_id=other,
                kind=N.INTRO_REMINDER,
                actor_id=member.pk,
                introduction_id=introduction.pk,
            )
            return introduction
    elif not qs.update(target_accepted_at=now):
        raise _refuse("This introduction is not waiting for an answer.", code="not_waiting")
    if not _close(introduction, status=Status.ACCEPTED, from_states=(Status.AT_TARGET,)):
        raise _refuse("This introduction is not waiting for an answer.", code="not_waiting")
    _connect(requester_id, target_id)
    for recipient, actor in ((requester_id, target_id), (target_id, requester_id)):
        notify(
            recipient_id=recipient,
            kind=N.INTRO_ACCEPTED,
            actor_id=actor,
            introduction_id=introduction.pk,
        )
    for hop in introduction.hops.all():
        notify(
            recipient_id=hop.broker_id,
            kind=N.INTRO_ACCEPTED,
            actor_id=target_id,
            introduction_id=introduction.pk,
        )
    return introduction


@transaction.atomic
def introduction_decline_as_target(*, introduction_id: int, member: User) -> Introduction:
    """The target (or, for an offer, either side) says no. The requester sees "not accepted"."""
    introduction = _participant(introduction_id, member)
    allowed = {introduction.target_id} | (
        {introduction.requester_id} if introduction.kind == Kind.OFFER else set()
    )
    if member.pk not in allowed:
        raise _refuse("Only the person introduced can decline.", code="forbidden", status=403)
    if not _close(introduction, status=Status.NOT_ACCEPTED, from_states=(Status.AT_TARGET,)):
        raise _refuse("This introduction is not waiting for an answer.", code="not_waiting")
    if introduction.kind == Kind.REQUEST:
        notify(
            recipient_id=introduction.requester_id,
            kind=N.INTRO_NOT_ACCEPTED,
            actor_id=None,
            introduction_id=introduction.pk,
        )
    return introduction


@transaction.atomic
def introduction_withdraw(*, introduction_id: int, member: User) -> Introduction:
    """The requester (for an offer: the broker) withdraws before the target answers."""
    introduction = _participant(introduction_id, member)
    owner = (
        introduction.requester_id
        if introduction.kind == Kind.REQUEST
        else introduction.hops.get(position=0).broker_id
    )
    if member.pk != owner:
        raise _refuse("Only the one who asked can withdraw.", code="forbidden", status=403)
    if not _close(introduction, status=Status.WITHDRAWN):
        raise _refuse("This introduction is already closed.", code="closed")
    return introduction


def introductions_cancel_between(a: int, b: int) -> int:
    """A block between a and b ends every open introduction that involves both."""
    involving = (
        Introduction.objects.filter(status__in=OPEN_STATES)
        .filter(Q(requester_id=a) | Q(target_id=a) | Q(hops__broker_id=a))
        .filter(Q(requester_id=b) | Q(target_id=b) | Q(hops__broker_id=b))
    )
    return _cancel(involving)


def introductions_cancel_for(member_id: int) -> int:
    """A suspension ends every open introduction the member takes part in."""
    involving = Introduction.objects.filter(status__in=OPEN_STATES).filter(
        Q(requester_id=member_id) | Q(target_id=member_id) | Q(hops__broker_id=member_id)
    )
    return _cancel(involving)


def _cancel(queryset: QuerySet[Introduction]) -> int:
    ids = list(queryset.values_list("pk", flat=True).distinct())
    now = timezone.now()
    done = Introduction.objects.filter(pk__in=ids, status__in=OPEN_STATES).update(
        status=Status.CANCELLED, closed_at=now
    )
    Hop.objects.filter(introduction_id__in=ids, status=Hop.Status.WAITING).update(
        status=Hop.Status.CLOSED, decided_at=now
    )
    Notification.objects.filter(introduction_id__in=ids, read_at__isnull=True).delete()
    return done


@transaction.atomic
def introductions_on_signup(*, member: User, invitations: list[Invitation]) -> list[Introduction]:
    """A non-member target joined: their introductions continue where they stopped."""
    resumed = []
    for introduction in Introduction.objects.select_for_update().filter(
        invitation__in=invitations, target__isnull=True, status__in=OPEN_STATES
    ):
        if (
            is_blocked_between(introduction.requester_id, member.pk)
            or member.pk == introduction.requester_id
        ):
            _close(introduction, status=Status.CANCELLED)
            continue
        Introduction.objects.filter(pk=introduction.pk).update(target=member)
        introduction.refresh_from_db()
        actor = (
            introduction.requester_id
            if introduction.kind == Kind.REQUEST
            else introduction.hops.get(position=0).broker_id
        )
        notify(
            recipient_id=member.pk,
            kind=N.INTRO_FOR_YOU,
            actor_id=actor,
            introduction_id=introduction.pk,
        )
        resumed.append(introduction)
    return resumed


def introductions_expire() -> int:
    """Beat: close introductions past 30 days; everyone involved is told. Safe to rerun."""
    now = timezone.now()
    expired = 0
    for introduction in Introduction.objects.filter(status__in=OPEN_STATES, expires_at__lte=now):
        with transaction.atomic():
            if not _close(introduction, status=Status.EXPIRED):
                continue
            expired += 1
            people: set[int | None] = {introduction.requester_id, introduction.target_id}
            people |= set(
                introduction.hops.filter(reached_at__isnull=False).values_list(
                    "broker_id", flat=True
                )
            )
            for recipient in people:
                if recipient is None:
                    continue
                notify(
                    recipient_id=recipient,
                    kind=N.INTRO_EXPIRED,
                    actor_id=None,
                    introduction_id=introduction.pk,
                )
    return expired


def introductions_remind() -> int:
    """Beat: one reminder, a week in, to whoever the introduction is waiting for."""
    now = timezone.now()
    reminded = 0
    for introduction in Introduction.objects.filter(
        status__in=OPEN_STATES, reminded_at__isnull=True, created_at__lte=now - REMINDER_AFTER
    ):
        with transaction.atomic():
            if not Introduction.objects.filter(pk=introduction.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            if introduction.status == Status.OPEN:
                waiting = [introduction.hops.get(position=introduction.current_hop).broker_id]
            elif introduction.kind == Kind.OFFER:
                waiting = [
                    m
                    for m, at in (
                        (introduction.requester_id, introduction.requester_accepted_at),
                        (introduction.target_id, introduction.target_accepted_at),
                    )
                    if at is None and m is not None
                ]
            else:
                waiting = [introduction.target_id] if introduction.target_id else []
            for recipient in waiting:
                notify(
                    recipient_id=recipient,
                    kind=N.INTRO_REMINDER,
                    actor_id=None,
                    introduction_id=introduction.pk,
                )
                reminded += 1
    return reminded


@transaction.atomic
def outcome_record(*, introduction_id: int, member: User, result: str) -> Outcome:
    """Either side of an accepted introduction says what came of it (again to change it)."""
    introduction = _participant(introduction_id, member)
    if member.pk not in {introduction.requester_id, introduction.target_id}:
        raise _refuse(
            "Only the two people introduced record the outcome.", code="forbidden", status=403
        )
    if introduction.status != Status.ACCEPTED:
        raise _refuse("Only an accepted introduction has an outcome.", code="not_accepted")
    if result not in Outcome.Result.values:
        raise _refuse("Choose met, working or nothing.", code="invalid", status=400)
    outcome, _ = Outcome.objects.update_or_create(
        introduction=introduction, member=member, defaults={"result": result}
    )
    return outcome


def broker_settings_update(
    *, member: User, capacity_per_month: int, topics: str, paused: bool
) -> BrokerSettings:
    if not 0 <= capacity_per_month <= 200:
        raise _refuse("Capacity is between 0 and 200 a month.", code="invalid", status=400)
    settings, _ = BrokerSettings.objects.update_or_create(
        member=member,
        defaults={
            "capacity_per_month": capacity_per_month,
            "topics": topics.strip()[:300],
            "paused": paused,
        },
    )
    return settings


@transaction.atomic
def introduction_report(*, introduction_id: int, reporter: User, reason: str) -> MessageReport:
    """Report an introduction's message (or note) as abusive.

    Only a participant who did not write the message may report it; once per member.
    Raises 400 (no reason, too long), 403 (the author), 404 (not a participant: the same
    as a missing introduction), 409 (already reported).
    """
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise ApplicationError(
            "Say what is wrong with the message, in at most 500 characters.",
            code="invalid",
            status=400,
        )
    introduction = (
        Introduction.objects.filter(pk=introduction_id)
        .filter(Q(requester=reporter) | Q(target=reporter) | Q(hops__broker=reporter))
        .distinct()
        .first()
    )
    if introduction is None:
        raise ApplicationError("No such introduction.", code="not_found", status=404)
    author_id = (
        introduction.requester_id
        if introduction.kind == Kind.REQUEST
        else Hop.objects.filter(introduction=introduction, position=0)
        .values_list("broker_id", flat=True)
        .first()
    )
    if author_id == reporter.pk:
        raise ApplicationError(
            "You wrote this message: withdraw the introduction instead.",
            code="forbidden",
            status=403,
        )
    try:
        with transaction.atomic():
            report = MessageReport.objects.create(
                introduction=introduction, reporter=reporter, reason=reason
            )
    except IntegrityError:
        raise ApplicationError(
            "You have already reported this introduction.", code="already_reported"
        ) from None
    # The moderators' queue (moderation.Report) has it too.
    from moderation.services import introduction_reported

    introduction_reported(introduction=introduction, reporter=reporter, details=reason)
    return report
