"""Writes for recommendations: asking, writing, approving, hiding, revising, withdrawing.

Every service runs in one transaction. Postgres holds the invariants: CHECK constraints
on statuses, partial unique indexes for one open request and one live recommendation per
(author, subject, position), and each transition is a conditional UPDATE on the current
status, so a double approve or an approve racing a withdrawal has one winner and the
loser gets 409 with nothing changed.

Who may do what: only the subject approves, hides, shows, asks for a revision or declines;
only the author edits, withdraws, writes for a request or declines one; only the asker
withdraws a request. Someone who takes no part gets 404 (they learn nothing), as does a
participant whose other side is now hidden from them (suspended, deactivated, blocked
either way); the other participant gets 403; the wrong state gets 409.

New things (requests, recommendations) need a 1st-degree connection at that moment and no
block either way. A block or a removed connection later deletes nothing: selectors hide
what a block stands between, and suspended authors' recommendations vanish from display.
"""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from common.exceptions import ApplicationError
from common.signals import member_touched
from connections import graph
from connections.models import Notification
from connections.services import is_blocked_between, is_visible_member, lock_pair, notify
from profiles.models import Education, Position, User
from recommendations.models import (
    BODY_MAX,
    LIVE_STATES,
    MESSAGE_MAX,
    Recommendation,
    RecommendationRequest,
    Relationship,
)

Status = Recommendation.Status
RequestStatus = RecommendationRequest.Status
K = Notification.Kind


def _refuse(message: str, *, code: str, status: int = 409) -> ApplicationError:
    return ApplicationError(message, code=code, status=status)


def _no_member() -> ApplicationError:
    return _refuse("No such member.", code="not_found", status=404)


def _no_recommendation() -> ApplicationError:
    return _refuse("No such recommendation.", code="not_found", status=404)


def _no_request() -> ApplicationError:
    return _refuse("No such request.", code="not_found", status=404)


@dataclass(frozen=True)
class Tie:
    """What a recommendation is about: one of the subject's positions or schools."""

    position: Position | None = None
    education: Education | None = None

    @property
    def filter(self) -> dict[str, Any]:
        if self.position is not None:
            return {"position": self.position}
        return {"education": self.education}


def resolve_tie(
    *, owner_id: int, position_id: int | None, education_id: int | None, whose: str = "your"
) -> Tie:
    """The position or school (exactly one) of member `owner_id`. 400 otherwise."""
    if (position_id is None) == (education_id is None):
        raise _refuse(
            "Choose one position or one school the recommendation is about.",
            code="invalid",
            status=400,
        )
    if position_id is not None:
        position = Position.objects.filter(pk=position_id, profile_id=owner_id).first()
        if position is None:
            raise _refuse(f"That is not one of {whose} positions.", code="invalid", status=400)
        return Tie(position=position)
    education = Education.objects.filter(pk=education_id or 0, profile_id=owner_id).first()
    if education is None:
        raise _refuse(f"That is not one of {whose} schools.", code="invalid", status=400)
    return Tie(education=education)


def _check_pair(*, actor: User, other: User) -> None:
    """A new request or recommendation: the other member visible, no block either way,
    and connected now (1st degree)."""
    if actor.pk == other.pk:
        raise _refuse("You cannot recommend yourself.", code="self", status=400)
    if not is_visible_member(other.pk) or is_blocked_between(actor.pk, other.pk):
        raise _no_member()
    if not graph.are_connected(actor.pk, other.pk):
        raise _refuse(
            "Recommendations are only between 1st-degree connections.", code="not_connected"
        )


def _check_text(text: str, *, limit: int, what: str, required: bool) -> str:
    text = text.strip()
    if required and not text:
        raise _refuse(f"Write the {what}.", code="invalid", status=400)
    if len(text) > limit:
        raise _refuse(f"The {what} is longer than {limit} characters.", code="invalid", status=400)
    return text


def _check_relationship(relationship: str) -> str:
    if relationship not in Relationship.values:
        raise _refuse("Say how you know them.", code="invalid", status=400)
    return relationship


def _live_exists(*, author_id: int, subject_id: int, tie: Tie) -> bool:
    return Recommendation.objects.filter(
        author_id=author_id, subject_id=subject_id, status__in=LIVE_STATES, **tie.filter
    ).exists()


# -- requests ------------------------------------------------------------------------


@transaction.atomic
def recommendation_request_create(
    *,
    asker: User,
    author: User,
    position_id: int | None = None,
    education_id: int | None = None,
    message: str = "",
) -> RecommendationRequest:
    """Ask `author`, a 1st-degree connection, to recommend `asker` for one of the asker's
    positions or schools. The author is notified.

    Raises 400 (self, no or foreign position/school, message too long), 404 (author hidden
    or blocked either way), 409 (not connected, already asked them for this, or they
    already recommended you for it).
    """
    message = _check_text(message, limit=MESSAGE_MAX, what="message", required=False)
    if asker.pk == author.pk:
        raise _refuse("You cannot ask yourself for a recommendation.", code="self", status=400)
    tie = resolve_tie(owner_id=asker.pk, position_id=position_id, education_id=education_id)
    lock_pair(asker.pk, author.pk)
    _check_pair(actor=asker, other=author)
    if _live_exists(author_id=author.pk, subject_id=asker.pk, tie=tie):
        raise _refuse("They have already recommended you for this.", code="already_recommended")
    if RecommendationRequest.objects.filter(
        author=author, asker=asker, status=RequestStatus.OPEN, **tie.filter
    ).exists():
        raise _refuse("You have already asked them for this.", code="already_asked")
    try:
        with transaction.atomic():
            request = RecommendationRequest.objects.create(
                asker=asker, author=author, message=message, **tie.filter
            )
    except IntegrityError:  # a parallel ask for the same thing won (the partial unique index)
        raise _refuse("You have already asked them for this.", code="already_asked") from None
    notify(
        recipient_id=author.pk,
        kind=K.RECOMMENDATION_REQUESTED,
        actor_id=asker.pk,
        subject_id=request.pk,
    )
    return request


def _request_for(request_id: int, *, member: User, role: str) -> RecommendationRequest:
    """The request if `member` takes part in it and its other side is visible to them;
    404 otherwise. 403 if they take part in the other role."""
    request = (
        RecommendationRequest.objects.select_related("asker", "author")
        .filter(Q(asker=member) | Q(author=member), pk=request_id)
        .first()
    )
    if request is None:
        raise _no_request()
    other = request.author if request.asker_id == member.pk else request.asker
    if not is_visible_member(other.pk) or is_blocked_between(member.pk, other.pk):
        raise _no_request()
    expected = request.author_id if role == "author" else request.asker_id
    if expected != member.pk:
        who = "the person asked" if role == "author" else "the person who asked"
        raise _refuse(f"Only {who} can do that.", code="forbidden", status=403)
    return request


def _close_request(request: RecommendationRequest, *, to_status: str) -> None:
    claimed = RecommendationRequest.objects.filter(pk=request.pk, status=RequestStatus.OPEN).update(
        status=to_status, responded_at=timezone.now()
    )
    if not claimed:
        raise _refuse("This request is no longer open.", code="not_open")
    request.refresh_from_db()


@transaction.atomic
def recommendation_request_decline(*, request_id: int, member: User) -> RecommendationRequest:
    """The person asked declines to write. 404/403 for others, 409 unless open."""
    request = _request_for(request_id, member=member, role="author")
    _close_request(request, to_status=RequestStatus.DECLINED)
    return request


@transaction.atomic
def recommendation_request_withdraw(*, request_id: int, member: User) -> RecommendationRequest:
    """The asker withdraws their request. 404/403 for others, 409 unless open."""
    request = _request_for(request_id, member=member, role="asker")
    _close_request(request, to_status=RequestStatus.WITHDRAWN)
    return request


# -- writing -------------------------------------------------------------------------


@transaction.atomic
def recommendation_write(
    *,
    author: User,
    relationship: str,
    body: str,
    request_id: int | None = None,
    subject: User | None = None,
    position_id: int | None = None,
    education_id: int | None = None,
) -> Recommendation:
    """Write a recommendation: for a request made to `author` (`request_id`), or unprompted
    for `subject` about one of the subject's positions or schools (an open request of
    theirs for the same thing is answered by it). It waits for the subject's approval;
    the subject is notified.

    Raises 400 (bad text or relationship, foreign position/school), 403 (the asker of the
    request), 404 (no such request, subject hidden or blocked either way), 409 (not
    connected, the request is no longer open, or a live recommendation of yours for the
    same thing exists).
    """
    body = _check_text(body, limit=BODY_MAX, what="recommendation", required=True)
    relationship = _check_relationship(relationship)
    request: RecommendationRequest | None = None
    if request_id is not None:
        request = _request_for(request_id, member=author, role="author")
        subject = request.asker
        tie = Tie(position=request.position, education=request.education)
    elif subject is None:
        raise _refuse("Say whom you recommend.", code="invalid", status=400)
    else:
        if subject.pk == author.pk:
            raise _refuse("You cannot recommend yourself.", code="self", status=400)
        tie = resolve_tie(
            owner_id=subject.pk,
            position_id=position_id,
            education_id=education_id,
            whose="their",
        )
    lock_pair(author.pk, subject.pk)
    _check_pair(actor=author, other=subject)
    has_tie = tie.position is not None or tie.education is not None
    if has_tie and _live_exists(author_id=author.pk, subject_id=subject.pk, tie=tie):
        raise _refuse(
            "You have already recommended them for this: edit or withdraw that one.",
            code="already_recommended",
        )
    if request is None and has_tie:
        # Writing unprompted what they had asked for answers their request.
        request = RecommendationRequest.objects.filter(
            author=author, asker=subject, status=RequestStatus.OPEN, **tie.filter
        ).first()
    if request is not None:
        _close_request(request, to_status=RequestStatus.WRITTEN)
    try:
        with transaction.atomic():
            recommendation = Recommendation.objects.create(
                author=author,
                subject=subject,
                position=tie.position,
                education=tie.education,
                request=request,
                relationship=relationship,
                body=body,
                written_at=timezone.now(),
            )
    except IntegrityError:  # a parallel write of the same thing won
        raise _refuse(
            "You have already recommended them for this.", code="already_recommended"
        ) from None
    notify(
        recipient_id=subject.pk,
        kind=K.RECOMMENDATION_RECEIVED,
        actor_id=author.pk,
        subject_id=recommendation.pk,
    )
    # Being in touch (the keep-in-touch list records it), in this same transaction.
    member_touched.send(
        sender=Recommendation, member_id=author.pk, other_id=subject.pk, how="recommendation"
    )
    return recommendation


# -- the state machine ----------------------------------------------------------------


def _recommendation_for(recommendation_id: int, *, member: User, role: str) -> Recommendation:
    """The recommendation if `member` takes part in it and its other side is visible to
    them; 404 otherwise (and for a withdrawn one: it is gone). 403 in the other role."""
    recommendation = (
        Recommendation.objects.select_related("author", "subject")
        .filter(Q(author=member) | Q(subject=member), pk=recommendation_id)
        .exclude(status=Status.WITHDRAWN)
        .first()
    )
    if recommendation is None:
        raise _no_recommendation()
    other = (
        recommendation.subject if recommendation.author_id == member.pk else recommendation.author
    )
    if not is_visible_member(other.pk) or is_blocked_between(member.pk, other.pk):
        raise _no_recommendation()
    expected = recommendation.subject_id if role == "subject" else recommendation.author_id
    if expected != member.pk:
        who = "the person recommended" if role == "subject" else "its author"
        raise _refuse(f"Only {who} can do that.", code="forbidden", status=403)
    return recommendation


def _move(
    recommendation: Recommendation,
    *,
    from_states: tuple[str, ...],
    to_status: str,
    allow_moderated: bool = False,
    **changes: Any,
) -> None:
    """The conditional UPDATE that is the transition: 409 if someone got there first or
    the state does not allow it."""
    qs = Recommendation.objects.filter(pk=recommendation.pk, status__in=from_states)
    if not allow_moderated:
        qs = qs.filter(moderated_at__isnull=True)
    if not qs.update(status=to_status, **changes):
        recommendation.refresh_from_db()
        if recommendation.moderated_at is not None and not allow_moderated:
            raise _refuse("The moderators took this recommendation down.", code="moderated")
        label = Status(recommendation.status).label.lower()
        raise _refuse(f"Not possible now: this recommendation is {label}.", code="wrong_state")
    recommendation.refresh_from_db()


@transaction.atomic
def recommendation_approve(*, recommendation_id: int, member: User) -> Recommendation:
    """The subject approves a pending recommendation: it appears on their profile and the
    author is told. 409 unless pending (a second approve is one)."""
    recommendation = _recommendation_for(recommendation_id, member=member, role="subject")
    now = timezone.now()
    _move(
        recommendation,
        from_states=(Status.PENDING,),
        to_status=Status.PUBLISHED,
        published_at=now,
        hidden_at=None,
    )
    notify(
        recipient_id=recommendation.author_id,
        kind=K.RECOMMENDATION_PUBLISHED,
        actor_id=member.pk,
        subject_id=recommendation.pk,
    )
    return recommendation


@transaction.atomic
def recommendation_hide(*, recommendation_id: int, member: User) -> Recommendation:
    """The subject takes a published recommendation off their profile (the author is not
    told). 409 unless published."""
    recommendation = _recommendation_for(recommendation_id, member=member, role="subject")
    _move(
        recommendation,
        from_states=(Status.PUBLISHED,),
        to_status=Status.HIDDEN,
        hidden_at=timezone.now(),
    )
    return recommendation


@transaction.atomic
def recommendation_show(*, recommendation_id: int, member: User) -> Recommendation:
    """The subject shows a hidden recommendation again. 409 unless hidden."""
    recommendation = _recommendation_for(recommendation_id, member=member, role="subject")
    _move(recommendation, from_states=(Status.HIDDEN,), to_status=Status.PUBLISHED, hidden_at=None)
    return recommendation


@transaction.atomic
def recommendation_request_revision(
    *, recommendation_id: int, member: User, message: str
) -> Recommendation:
    """The subject asks the author to change it, saying what. It leaves the profile until
    the author edits it and the subject approves it again; the author is told.
    400 without a message; 409 unless pending, published or hidden."""
    message = _check_text(message, limit=MESSAGE_MAX, what="message", required=True)
    recommendation = _recommendation_for(recommendation_id, member=member, role="subject")
    _move(
        recommendation,
        from_states=(Status.PENDING, Status.PUBLISHED, Status.HIDDEN),
        to_status=Status.REVISION,
        revision_note=message,
    )
    notify(
        recipient_id=recommendation.author_id,
        kind=K.RECOMMENDATION_REVISION,
        actor_id=member.pk,
        subject_id=recommendation.pk,
    )
    return recommendation


@transaction.atomic
def recommendation_decline(*, recommendation_id: int, member: User) -> Recommendation:
    """The subject does not want it on their profile (the author sees "not accepted").
    409 unless pending or waiting for a revision."""
    recommendation = _recommendation_for(recommendation_id, member=member, role="subject")
    _move(
        recommendation,
        from_states=(Status.PENDING, Status.REVISION),
        to_status=Status.DECLINED,
        closed_at=timezone.now(),
    )
    return recommendation


@transaction.atomic
def recommendation_edit(
    *,
    recommendation_id: int,
    author: User,
    relationship: str | None = None,
    body: str | None = None,
) -> Recommendation:
    """The author changes a recommendation not yet approved (pending, or sent back for a
    revision). It goes (back) to the subject for approval; after a revision the subject
    is told. 400 for bad text; 409 once published, hidden or closed."""
    changes: dict[str, Any] = {}
    if body is not None:
        changes["body"] = _check_text(body, limit=BODY_MAX, what="recommendation", required=True)
    if relationship is not None:
        changes["relationship"] = _check_relationship(relationship)
    recommendation = _recommendation_for(recommendation_id, member=author, role="author")
    was = recommendation.status
    _move(
        recommendation,
        from_states=(Status.PENDING, Status.REVISION),
        to_status=Status.PENDING,
        written_at=timezone.now(),
        **changes,
    )
    if was == Status.REVISION:
        notify(
            recipient_id=recommendation.subject_id,
            kind=K.RECOMMENDATION_RECEIVED,
            actor_id=author.pk,
            subject_id=recommendation.pk,
        )
    return recommendation


@transaction.atomic
def recommendation_withdraw(*, recommendation_id: int, member: User) -> Recommendation:
    """The author withdraws (deletes) their recommendation, in any live state, even one a
    moderator took down: it disappears everywhere. 409 once declined."""
    recommendation = _recommendation_for(recommendation_id, member=member, role="author")
    _move(
        recommendation,
        from_states=LIVE_STATES,
        to_status=Status.WITHDRAWN,
        allow_moderated=True,
        closed_at=timezone.now(),
    )
    return recommendation


# -- moderation (admin) ---------------------------------------------------------------


def recommendations_take_down(*, ids: list[int], reason: str = "") -> int:
    """Moderators take recommendations down: shown nowhere, whatever their state.
    Idempotent."""
    return Recommendation.objects.filter(pk__in=ids, moderated_at__isnull=True).update(
        moderated_at=timezone.now(), moderation_reason=reason[:300]
    )


def recommendations_restore(*, ids: list[int]) -> int:
    """Undo a take-down. Idempotent."""
    return Recommendation.objects.filter(pk__in=ids, moderated_at__isnull=False).update(
        moderated_at=None, moderation_reason=""
    )
