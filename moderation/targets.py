"""What a report can be about, per type: who may report it, what it says, how to remove it.

The only module that knows the other apps' models behind a report's
(`target_type`, `target_id`). Each type imports its app lazily, so moderation does
not depend on the order apps load in (and not at all on an app nobody reports).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from common.exceptions import ApplicationError
from moderation.models import TargetType
from profiles.models import User
from profiles.validators import HANDLE_RE


@dataclass(frozen=True)
class Target:
    """One piece of reportable content."""

    type: str
    id: int  # stored as Report.target_id
    author_id: int  # whose content it is: the member a moderator acts on
    label: str  # what the reporter is shown ("Bob Baker's profile")
    text: str  # the content itself, for moderators
    url: str = ""  # where it lives on the site, for whom may see it
    admin_url: str = ""


def _not_found() -> ApplicationError:
    # The same for "never existed" and "exists but not for you": no existence oracle.
    return ApplicationError("Nothing to report there.", code="not_found", status=404)


def _own() -> ApplicationError:
    return ApplicationError(
        "This is your own: you cannot report it.", code="own_content", status=403
    )


def _int_id(raw: object) -> int:
    try:
        value = int(str(raw))
    except ValueError:
        raise _not_found() from None
    if not 0 < value < 2**63:
        raise _not_found()
    return value


def _name(user: User) -> str:
    return user.get_full_name()


def _admin(viewname: str, pk: int) -> str:
    try:
        return reverse(viewname, args=[pk])
    except NoReverseMatch:
        return ""


def _hidden_between(a: int, b: int) -> bool:
    from connections.services import is_blocked_between, is_visible_member

    return not is_visible_member(b) or is_blocked_between(a, b)


# -- profile: target_id is the member's id; the reporter names them by handle -------


def _profile_for_reporter(raw: object, reporter: User) -> Target:
    from profiles.selectors import profile_for_viewer

    handle = str(raw).lower()
    if not re.fullmatch(HANDLE_RE, handle):
        raise _not_found()
    try:
        profile = profile_for_viewer(handle=handle, viewer=reporter)
    except Http404:
        raise _not_found() from None
    if profile.user_id == reporter.pk:
        raise _own()
    if _hidden_between(reporter.pk, profile.user_id):
        raise _not_found()
    return _profile_target(profile.user)


def _profile_target(member: User) -> Target:
    profile = getattr(member, "profile", None)
    text = "\n\n".join(p for p in (profile.headline, profile.summary) if p) if profile else ""
    return Target(
        type=TargetType.PROFILE,
        id=member.pk,
        author_id=member.pk,
        label=f"{_name(member)}’s profile",
        text=text,
        url=reverse("profile-detail", args=[member.username]),
        admin_url=_admin("admin:profiles_user_change", member.pk),
    )


def _profile_for_admin(target_id: int) -> Target | None:
    member = User.objects.select_related("profile").filter(pk=target_id).first()
    return _profile_target(member) if member is not None else None


def _profile_remove(target_id: int) -> bool:
    from profiles.models import Profile

    return (
        Profile.objects.filter(pk=target_id)
        .exclude(headline="", summary="")
        .update(headline="", summary="")
        > 0
    )


# -- the note on a connection request: only its recipient reads it -------------------


def _request_target(request: object) -> Target:
    from connections.models import ConnectionRequest

    assert isinstance(request, ConnectionRequest)
    sender = request.from_member
    return Target(
        type=TargetType.REQUEST_NOTE,
        id=request.pk,
        author_id=sender.pk,
        label=f"the note in {_name(sender)}’s connection request",
        text=request.note,
        url=reverse("network-requests"),
        admin_url=_admin("admin:connections_connectionrequest_change", request.pk),
    )


def _request_for_reporter(raw: object, reporter: User) -> Target:
    from connections.models import ConnectionRequest

    request = (
        ConnectionRequest.objects.select_related("from_member__profile")
        .filter(Q(to_member=reporter) | Q(from_member=reporter), pk=_int_id(raw))
        .first()
    )
    if request is None:
        raise _not_found()
    if request.from_member_id == reporter.pk:
        raise _own()
    if _hidden_between(reporter.pk, request.from_member_id):
        raise _not_found()
    if not request.note:
        raise ApplicationError(
            "This request has no note to report.", code="nothing_to_report", status=400
        )
    return _request_target(request)


def _request_for_admin(target_id: int) -> Target | None:
    from connections.models import ConnectionRequest

    request = (
        ConnectionRequest.objects.select_related("from_member__profile")
        .filter(pk=target_id)
        .first()
    )
    return _request_target(request) if request is not None else None


def _request_remove(target_id: int) -> bool:
    from connections.models import ConnectionRequest

    return ConnectionRequest.objects.filter(pk=target_id).exclude(note="").update(note="") > 0


# -- an introduction's message (and the author's note to the first broker) ----------


def _introduction_author_id(introduction: object) -> int:
    from introductions.models import Hop, Introduction

    assert isinstance(introduction, Introduction)
    if introduction.kind == Introduction.Kind.REQUEST:
        return introduction.requester_id
    # An offer's message is its broker's.
    broker_id = (
        Hop.objects.filter(introduction=introduction, position=0)
        .values_list("broker_id", flat=True)
        .first()
    )
    assert broker_id is not None
    return broker_id


def _introduction_target(introduction: object, *, for_admin: bool) -> Target:
    from introductions.models import Introduction

    assert isinstance(introduction, Introduction)
    author_id = _introduction_author_id(introduction)
    author = User.objects.select_related("profile").get(pk=author_id)
    text = introduction.message
    if for_admin:
        # Moderators see everything the author wrote along the way.
        notes = [
            f"Note for broker {hop.position + 1}: {hop.note}"
            for hop in introduction.hops.all()
            if hop.note and hop.position == 0 and introduction.kind == Introduction.Kind.REQUEST
        ]
        text = "\n\n".join([text, *notes])
    return Target(
        type=TargetType.INTRODUCTION,
        id=introduction.pk,
        author_id=author_id,
        label=f"the message {_name(author)} wrote in an introduction",
        text=text,
        url=reverse("introduction-detail", args=[introduction.pk]),
        admin_url=_admin("admin:introductions_introduction_change", introduction.pk),
    )


def _introduction_for_reporter(raw: object, reporter: User) -> Target:
    from introductions.selectors import introduction_view, introductions_for

    introduction = introductions_for(reporter).filter(pk=_int_id(raw)).first()
    if introduction is None or introduction_view(introduction, reporter) is None:
        raise _not_found()
    if _introduction_author_id(introduction) == reporter.pk:
        raise _own()
    return _introduction_target(introduction, for_admin=False)


def introduction_target(introduction: object) -> Target:
    return _introduction_target(introduction, for_admin=False)


def _introduction_for_admin(target_id: int) -> Target | None:
    from introductions.models import Introduction

    introduction = Introduction.objects.filter(pk=target_id).first()
    return _introduction_target(introduction, for_admin=True) if introduction else None


def _introduction_remove(target_id: int) -> bool:
    """Blank the message and what its author wrote with it: for a request, the note to the
    first broker; for an offer, the broker's words (the same text)."""
    from introductions.models import Hop, Introduction

    introduction = Introduction.objects.filter(pk=target_id).first()
    if introduction is None:
        return False
    changed = Introduction.objects.filter(pk=target_id).exclude(message="").update(message="")
    hops = Hop.objects.filter(introduction_id=target_id, position=0)
    if introduction.kind == Introduction.Kind.REQUEST:
        changed += hops.exclude(note="").update(note="")
    else:
        changed += hops.exclude(endorsement="").update(endorsement="")
    return changed > 0


# -- a recommendation -------------------------------------------------------------


def _recommendation_target(recommendation: object) -> Target:
    from recommendations.models import Recommendation

    assert isinstance(recommendation, Recommendation)
    author = recommendation.author
    subject = recommendation.subject
    return Target(
        type=TargetType.RECOMMENDATION,
        id=recommendation.pk,
        author_id=author.pk,
        label=f"{_name(author)}’s recommendation of {_name(subject)}",
        text=recommendation.body,
        url=reverse("profile-detail", args=[subject.username]),
        admin_url=_admin("admin:recommendations_recommendation_change", recommendation.pk),
    )


def _recommendation_for_reporter(raw: object, reporter: User) -> Target:
    """As recommendations.selectors shows them: the subject may report one they received
    (in any live state), anyone else one published on a profile they may see."""
    from recommendations import selectors
    from recommendations.models import Recommendation

    pk = _int_id(raw)
    sides = Recommendation.objects.filter(pk=pk).values("author_id", "subject_id").first()
    if sides is None:
        raise _not_found()
    if sides["author_id"] == reporter.pk:
        raise _own()
    if sides["subject_id"] == reporter.pk:
        shown = selectors.received(reporter)
    elif _hidden_between(reporter.pk, sides["subject_id"]):
        raise _not_found()
    else:
        shown = selectors.published_about(sides["subject_id"], viewer=reporter)
    recommendation = shown.filter(pk=pk, moderated_at__isnull=True).first()
    if recommendation is None:
        raise _not_found()
    return _recommendation_target(recommendation)


def _recommendation_for_admin(target_id: int) -> Target | None:
    from recommendations.models import Recommendation

    recommendation = (
        Recommendation.objects.select_related("author__profile", "subject__profile")
        .filter(pk=target_id)
        .first()
    )
    return _recommendation_target(recommendation) if recommendation else None


def _recommendation_remove(target_id: int) -> bool:
    from recommendations.services import recommendations_take_down

    return recommendations_take_down(ids=[target_id], reason="Removed after a report") > 0


@dataclass(frozen=True)
class Kind:
    for_reporter: Callable[[object, User], Target]
    for_admin: Callable[[int], Target | None]
    remove: Callable[[int], bool]
    removal: str  # what "remove content" does, for the admin


KINDS: dict[str, Kind] = {
    TargetType.PROFILE: Kind(
        _profile_for_reporter,
        _profile_for_admin,
        _profile_remove,
        "clears the headline and summary",
    ),
    TargetType.REQUEST_NOTE: Kind(
        _request_for_reporter, _request_for_admin, _request_remove, "clears the note"
    ),
    TargetType.INTRODUCTION: Kind(
        _introduction_for_reporter,
        _introduction_for_admin,
        _introduction_remove,
        "blanks the message and the author's note",
    ),
    TargetType.RECOMMENDATION: Kind(
        _recommendation_for_reporter,
        _recommendation_for_admin,
        _recommendation_remove,
        "takes the recommendation down everywhere",
    ),
}


def for_reporter(target_type: str, raw_id: object, reporter: User) -> Target:
    """The content as `reporter` may report it. Raises 404 (unknown type, missing, or
    not visible to them: the same answer), 403 (their own), 400 (nothing to report)."""
    kind = KINDS.get(target_type)
    if kind is None:
        raise _not_found()
    return kind.for_reporter(raw_id, reporter)


def for_admin(target_type: str, target_id: int) -> Target | None:
    """The content as moderators see it, whoever may see it; None once it is gone."""
    kind = KINDS.get(target_type)
    return kind.for_admin(target_id) if kind is not None else None


def remove(target_type: str, target_id: int) -> bool:
    """Remove the content (per type); False if there was nothing left to remove."""
    return KINDS[target_type].remove(target_id)
