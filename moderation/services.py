"""Reports, moderators' actions and automatic limits.

Every write runs in one transaction and is logged as a ModerationAction when a
moderator (or the automatic limit) acts. The reporter is never named to the reported
member: warnings carry no actor, and nothing a member can read says who reported them.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from common.exceptions import ApplicationError
from moderation import targets
from moderation.models import (
    DontKnowAnswer,
    MemberRestriction,
    ModerationAction,
    Report,
    TargetType,
)
from profiles.models import User

DETAILS_MAX = 1000
LIMITED_MESSAGE = (
    "Your account is limited while our moderators review it: for now you cannot send"
    " connection requests, invitations, introduction requests or asks. Everything else"
    " works as usual."
)


def auto_limit_threshold() -> int:
    """Distinct members who reported someone or did not know them, in the window, that
    limit the member automatically."""
    return int(getattr(settings, "MODERATION_AUTO_LIMIT_THRESHOLD", 5))


def auto_limit_window() -> timedelta:
    return timedelta(days=int(getattr(settings, "MODERATION_AUTO_LIMIT_DAYS", 30)))


# -- the limit ------------------------------------------------------------------------


def is_limited(member_id: int) -> bool:
    return MemberRestriction.objects.filter(member_id=member_id, lifted_at__isnull=True).exists()


def restriction_check(member: User) -> None:
    """Refuse with a 403 if `member` is limited. Called by every service that creates
    something aimed at other people: connection requests, invitations, introduction
    requests and offers, asks."""
    if is_limited(member.pk):
        raise ApplicationError(LIMITED_MESSAGE, code="account_limited", status=403)


@dataclass(frozen=True)
class Complaints:
    reporters: int
    dont_know: int
    distinct: int  # members who did either (one member doing both counts once)


def complaints_about(member_id: int) -> Complaints:
    """Who complained about `member_id` within the window, since a moderator last lifted
    a limit on them (what a moderator reviewed does not count twice). Dismissed reports
    do not count."""
    since = timezone.now() - auto_limit_window()
    lifted = MemberRestriction.objects.filter(
        member_id=member_id, lifted_at__isnull=False
    ).aggregate(last=Max("lifted_at"))["last"]
    if lifted is not None and lifted > since:
        since = lifted
    reporters = set(
        Report.objects.filter(reported_member_id=member_id, created_at__gt=since)
        .exclude(status=Report.Status.DISMISSED)
        .values_list("reporter_id", flat=True)
    )
    strangers = set(
        DontKnowAnswer.objects.filter(sender_id=member_id, created_at__gt=since).values_list(
            "member_id", flat=True
        )
    )
    return Complaints(
        reporters=len(reporters), dont_know=len(strangers), distinct=len(reporters | strangers)
    )


def auto_limit_evaluate(member_id: int) -> MemberRestriction | None:
    """Limit `member_id` if enough distinct members complained about them lately.

    Idempotent: a member already limited stays limited once (a partial unique index
    holds one active limit per member, so two reports racing create one). Returns the
    new limit, or None.
    """
    # Complaints about one member are counted one at a time: two reports committing
    # together would otherwise each count the other's as missing, and neither limit.
    User.objects.select_for_update(no_key=True).filter(pk=member_id).first()
    if is_limited(member_id):
        return None
    complaints = complaints_about(member_id)
    if complaints.distinct < auto_limit_threshold():
        return None
    reason = (
        f"{complaints.distinct} members complained within {auto_limit_window().days} days:"
        f" {complaints.reporters} reported them, {complaints.dont_know} did not know them."
    )
    try:
        with transaction.atomic():
            restriction = MemberRestriction.objects.create(
                member_id=member_id, kind=MemberRestriction.Kind.AUTOMATIC, reason=reason
            )
    except IntegrityError:
        return None  # limited meanwhile
    ModerationAction.objects.create(
        moderator=None, action=ModerationAction.Action.RESTRICT, member_id=member_id, note=reason
    )
    return restriction


@transaction.atomic
def restriction_create(*, member: User, moderator: User, note: str = "") -> MemberRestriction:
    """A moderator limits a member by hand. Idempotent: an active limit is returned."""
    existing = MemberRestriction.objects.filter(member=member, lifted_at__isnull=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            restriction = MemberRestriction.objects.create(
                member=member,
                kind=MemberRestriction.Kind.MANUAL,
                reason=(note or "Limited by a moderator.")[:300],
            )
    except IntegrityError:
        return MemberRestriction.objects.get(member=member, lifted_at__isnull=True)
    ModerationAction.objects.create(
        moderator=moderator, action=ModerationAction.Action.RESTRICT, member=member, note=note
    )
    return restriction


@transaction.atomic
def restriction_lift(*, member: User, moderator: User, note: str = "") -> bool:
    """Lift the member's active limit (the claim is a conditional UPDATE). False if they
    were not limited. Complaints before this moment no longer count towards a new one."""
    lifted = MemberRestriction.objects.filter(member=member, lifted_at__isnull=True).update(
        lifted_at=timezone.now(), lifted_by=moderator
    )
    if lifted:
        ModerationAction.objects.create(
            moderator=moderator,
            action=ModerationAction.Action.LIFT_RESTRICTION,
            member=member,
            note=note,
        )
    return lifted > 0


# -- reports ----------------------------------------------------------------------------


def _check_report_input(reason: str, details: str) -> str:
    if reason not in Report.Reason.values:
        raise ApplicationError(
            "Choose one of the reasons.",
            code="invalid",
            status=400,
            extra={"fields": {"reason": ["Choose one of the reasons."]}},
        )
    details = details.strip()
    if len(details) > DETAILS_MAX:
        raise ApplicationError(
            f"The details are longer than {DETAILS_MAX} characters.",
            code="invalid",
            status=400,
            extra={"fields": {"details": [f"At most {DETAILS_MAX} characters."]}},
        )
    if reason == Report.Reason.OTHER and not details:
        raise ApplicationError(
            "Say what is wrong in a few words.",
            code="invalid",
            status=400,
            extra={"fields": {"details": ["Say what is wrong in a few words."]}},
        )
    return details


def report_record(
    *,
    reporter: User,
    target: targets.Target,
    reason: str,
    details: str = "",
) -> Report:
    """Store a report about content the caller already checked `reporter` may see, then
    limit its author if enough members complained. 409 while `reporter` has an open
    report about the same content. Runs inside the caller's transaction."""
    try:
        with transaction.atomic():
            report = Report.objects.create(
                reporter=reporter,
                reported_member_id=target.author_id,
                target_type=target.type,
                target_id=target.id,
                reason=reason,
                details=details,
            )
    except IntegrityError:
        raise ApplicationError(
            "You have already reported this. Moderators will look at it.",
            code="already_reported",
        ) from None
    auto_limit_evaluate(target.author_id)
    return report


@transaction.atomic
def report_create(
    *, reporter: User, target_type: str, target_id: object, reason: str, details: str = ""
) -> Report:
    """Report content `reporter` can see: a profile (by handle), a connection request's
    note, an introduction's message or a recommendation (by id).

    Raises 400 (bad reason or details, nothing to report), 403 (their own content), 404
    (missing, or nothing they may see: the same answer), 409 (an open report of theirs
    about it already exists). The reported member is never told who reported them.
    """
    details = _check_report_input(reason, details)
    target = targets.for_reporter(target_type, target_id, reporter)
    report = report_record(reporter=reporter, target=target, reason=reason, details=details)
    if target.type == TargetType.INTRODUCTION:
        # The introduction page shows "you reported this" from its own record.
        from introductions.models import MessageReport

        MessageReport.objects.get_or_create(
            introduction_id=target.id,
            reporter=reporter,
            defaults={"reason": (details or Report.Reason(reason).label)[:500]},
        )
    return report


def introduction_reported(*, introduction: object, reporter: User, details: str) -> Report:
    """The introduction page's own report (introductions.services.introduction_report,
    which checked that `reporter` takes part and did not write it) joins the queue."""
    target = targets.introduction_target(introduction)
    return report_record(
        reporter=reporter,
        target=target,
        reason=Report.Reason.OTHER,
        details=details.strip()[:DETAILS_MAX],
    )


def open_report_of(*, reporter: User, target_type: str, target_id: int) -> Report | None:
    return Report.objects.filter(
        reporter=reporter,
        target_type=target_type,
        target_id=target_id,
        status=Report.Status.OPEN,
    ).first()


# -- "I don't know this person" ------------------------------------------------------------


def dont_know_record(*, request_id: int, member: User) -> DontKnowAnswer | None:
    """The recipient ignored a connection request saying they do not know its sender.
    Idempotent (one answer per request); the sender is never told. Runs inside the
    caller's transaction (connections.services.connection_request_ignore)."""
    from connections.models import ConnectionRequest

    request = ConnectionRequest.objects.filter(pk=request_id, to_member=member).first()
    if request is None:
        return None
    answer, created = DontKnowAnswer.objects.get_or_create(
        request=request, defaults={"member": member, "sender_id": request.from_member_id}
    )
    if created:
        auto_limit_evaluate(request.from_member_id)
    return answer


# -- moderators' actions ----------------------------------------------------------------------


def _log(
    *, moderator: User, action: str, report: Report | None, member_id: int, note: str
) -> ModerationAction:
    return ModerationAction.objects.create(
        moderator=moderator, action=action, report=report, member_id=member_id, note=note
    )


def _resolve(reports: QuerySet[Report], *, status: str, moderator: User) -> int:
    return reports.filter(status=Report.Status.OPEN).update(
        status=status, resolved_at=timezone.now(), resolved_by=moderator
    )


@transaction.atomic
def report_dismiss(*, report: Report, moderator: User, note: str = "") -> ModerationAction:
    """Nothing wrong: close the report. It no longer counts towards an automatic limit."""
    _resolve(
        Report.objects.filter(pk=report.pk), status=Report.Status.DISMISSED, moderator=moderator
    )
    return _log(
        moderator=moderator,
        action=ModerationAction.Action.DISMISS,
        report=report,
        member_id=report.reported_member_id,
        note=note,
    )


@transaction.atomic
def member_warn(
    *, member: User, moderator: User, message: str, reports: Sequence[Report] = ()
) -> ModerationAction:
    """Send the member a MODERATION_WARNING notification with the moderator's message, and
    close `reports` (about them) as acted on. The notification has no actor and says
    nothing of the reports: it never reveals who reported them."""
    from connections.models import Notification
    from connections.services import notify

    message = message.strip()
    if not message:
        raise ApplicationError(
            "Write the message the member will read.", code="invalid", status=400
        )
    action = _log(
        moderator=moderator,
        action=ModerationAction.Action.WARN,
        report=reports[0] if reports else None,
        member_id=member.pk,
        note=message,
    )
    notify(
        recipient_id=member.pk,
        kind=Notification.Kind.MODERATION_WARNING,
        actor_id=None,
        subject_id=action.pk,
    )
    _resolve(
        Report.objects.filter(pk__in=[r.pk for r in reports], reported_member=member),
        status=Report.Status.ACTIONED,
        moderator=moderator,
    )
    return action


@transaction.atomic
def content_remove(*, report: Report, moderator: User, note: str = "") -> ModerationAction:
    """Remove the reported content (per type, see moderation.targets) and close every open
    report about it."""
    targets.remove(report.target_type, report.target_id)
    action = _log(
        moderator=moderator,
        action=ModerationAction.Action.REMOVE_CONTENT,
        report=report,
        member_id=report.reported_member_id,
        note=note,
    )
    _resolve(
        Report.objects.filter(target_type=report.target_type, target_id=report.target_id),
        status=Report.Status.ACTIONED,
        moderator=moderator,
    )
    return action


@transaction.atomic
def member_suspend_for_report(
    *, report: Report, moderator: User, note: str = ""
) -> ModerationAction:
    """Suspend the reported member (profiles.services.member_suspend: they vanish at once)
    and close every open report about them."""
    from profiles.services import member_suspend

    member = User.objects.get(pk=report.reported_member_id)
    member_suspend(member=member, reason=(note or f"Report {report.pk}")[:300])
    action = _log(
        moderator=moderator,
        action=ModerationAction.Action.SUSPEND,
        report=report,
        member_id=member.pk,
        note=note,
    )
    _resolve(
        Report.objects.filter(reported_member=member),
        status=Report.Status.ACTIONED,
        moderator=moderator,
    )
    return action
