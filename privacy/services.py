"""Download my data, delete my account."""

import csv
import io
import json
import logging
import secrets
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from common.exceptions import ApplicationError
from common.signals import member_deleting
from connections import graph
from connections.models import Block, Invitation, Notification
from connections.network import network_changed
from connections.services import RateLimited, enqueue, notify, requests_cancel_for
from privacy.exporters import SECTIONS
from privacy.models import AccountDeletion, DataExport
from profiles.models import Profile, User

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(hours=72)
EXPORTS_PER_DAY = 5
STUCK_AFTER = timedelta(minutes=30)
REQUEUE_AFTER = timedelta(minutes=2)

# -- download my data -------------------------------------------------------------


def export_path(export: DataExport) -> Path:
    return Path(settings.EXPORT_ROOT) / export.file_name


@transaction.atomic
def export_request(*, member: User) -> DataExport:
    """Queue a new archive of the member's data. One at a time; a few a day."""
    day_ago = timezone.now() - timedelta(days=1)
    recent = list(
        DataExport.objects.filter(member=member, created_at__gte=day_ago)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    if len(recent) >= EXPORTS_PER_DAY:
        raise RateLimited(
            f"You can prepare {EXPORTS_PER_DAY} archives a day.",
            resets_at=recent[0] + timedelta(days=1),
        )
    try:
        with transaction.atomic():
            export = DataExport.objects.create(member=member)
    except IntegrityError:
        raise ApplicationError(
            "Your archive is already being prepared.", code="export_in_progress", status=409
        ) from None
    from privacy.tasks import build_export

    transaction.on_commit(lambda: enqueue(build_export, export.pk))
    return export


def _progress(export_id: int, done: int, total: int, step: str) -> None:
    DataExport.objects.filter(pk=export_id, status=DataExport.Status.RUNNING).update(
        progress=min(99, int(100 * done / max(total, 1))), step=step[:80]
    )


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


README = """Your LinkUp data, as of {when} (UTC).

data.json holds every section; each section is also a CSV file of its own.
Members who are hidden from you (blocked either way, suspended) are left out,
and contact details appear only for your current connections.
This archive is deleted from LinkUp 72 hours after it was prepared.
"""


def export_build(
    export_id: int, *, on_progress: Callable[[int, int, int, str], None] = _progress
) -> DataExport | None:
    """Claim a queued export and build its archive. None if someone else has it."""
    now = timezone.now()
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.RUNNING, started_at=now, progress=0, step="Starting"
    )
    if not claimed:
        return None
    export = DataExport.objects.select_related("member").get(pk=export_id)
    member = export.member
    try:
        data: dict[str, list[dict]] = {}
        total = len(SECTIONS) + 1
        for done, (name, gather) in enumerate(SECTIONS.items()):
            on_progress(export_id, done, total, f"Gathering {name.replace('_', ' ')}")
            data[name] = gather(member)
        on_progress(export_id, total - 1, total, "Writing the archive")
        file_name = f"linkup-{member.pk}-{secrets.token_hex(16)}.zip"
        path = Path(settings.EXPORT_ROOT) / file_name
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("linkup-data/README.txt", README.format(when=f"{now:%Y-%m-%d %H:%M}"))
            archive.writestr(
                "linkup-data/data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str)
            )
            for name, rows in data.items():
                archive.writestr(f"linkup-data/{name}.csv", _csv(rows))
    except Exception as exc:
        log.exception("export %s failed", export_id)
        DataExport.objects.filter(pk=export_id).update(
            status=DataExport.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: the archive could not be prepared."[:300],
        )
        return DataExport.objects.get(pk=export_id)
    finished = timezone.now()
    with transaction.atomic():
        DataExport.objects.filter(pk=export_id, status=DataExport.Status.RUNNING).update(
            status=DataExport.Status.READY,
            progress=100,
            step="",
            finished_at=finished,
            expires_at=finished + KEEP_FOR,
            file_name=file_name,
            size=path.stat().st_size,
        )
        notify(
            recipient_id=member.pk,
            kind=Notification.Kind.EXPORT_READY,
            actor_id=None,
            subject_id=export_id,
        )
    return DataExport.objects.get(pk=export_id)


def exports_sweep() -> dict[str, int]:
    """Periodic: re-publish exports whose task was lost (Redis down), fail stuck ones,
    delete archives older than 72 hours."""
    from privacy.tasks import build_export

    now = timezone.now()
    lost = list(
        DataExport.objects.filter(
            status=DataExport.Status.QUEUED, created_at__lt=now - REQUEUE_AFTER
        ).values_list("pk", flat=True)
    )
    for export_id in lost:
        enqueue(build_export, export_id)
    stuck = DataExport.objects.filter(
        status=DataExport.Status.RUNNING, started_at__lt=now - STUCK_AFTER
    ).update(
        status=DataExport.Status.FAILED,
        finished_at=now,
        error="The archive took too long to prepare; please ask again.",
    )
    expired = 0
    for export in DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now):
        export_path(export).unlink(missing_ok=True)
        expired += DataExport.objects.filter(pk=export.pk, status=DataExport.Status.READY).update(
            status=DataExport.Status.EXPIRED, file_name=""
        )
    return {"requeued": len(lost), "failed": stuck, "expired": expired}


def export_for_download(*, member: User, export_id: int) -> DataExport:
    export = DataExport.objects.filter(
        pk=export_id, member=member, status=DataExport.Status.READY, expires_at__gt=timezone.now()
    ).first()
    if export is None or not export_path(export).exists():
        raise ApplicationError("No such archive, or it has expired.", code="not_found", status=404)
    return export


# -- delete my account --------------------------------------------------------------


def _blank_authored_introduction_text(member_id: int) -> None:
    from introductions.models import Hop, Introduction

    Introduction.objects.filter(kind=Introduction.Kind.REQUEST, requester_id=member_id).update(
        message=""
    )
    offered = Hop.objects.filter(position=0, broker_id=member_id).values("introduction_id")
    Introduction.objects.filter(kind=Introduction.Kind.OFFER, pk__in=offered).update(message="")
    Hop.objects.filter(broker_id=member_id).update(endorsement="", decline_reason="")
    # The note for hop 0 is the requester's; the note for hop k+1 is broker k's.
    Hop.objects.filter(position=0, introduction__requester_id=member_id).update(note="")
    before = Hop.objects.filter(
        introduction_id=OuterRef("introduction_id"), position=OuterRef("position") - 1
    ).values("broker_id")[:1]
    Hop.objects.filter(position__gt=0).annotate(previous=Subquery(before)).filter(
        previous=member_id
    ).update(note="")


@transaction.atomic
def account_delete(*, member: User, password: str, confirm: str) -> AccountDeletion:
    """Delete a member's account: their links go (their former connections' counts are
    refreshed), everything personal is erased, and the user row stays only as a hidden,
    anonymous tombstone. Asks for the password and the handle typed out."""
    errors: dict[str, list[str]] = {}
    if not member.check_password(password):
        errors["password"] = ["The password is not right."]
    if confirm.strip().lower() != member.username.lower():
        errors["confirm"] = [f"Type your handle, {member.username}, to confirm."]
    if errors:
        raise ApplicationError(
            "Your account was not deleted.", code="invalid", status=400, extra={"fields": errors}
        )
    locked = get_user_model().objects.select_for_update().get(pk=member.pk)
    if AccountDeletion.objects.filter(member_id=locked.pk).exists():
        raise ApplicationError("This account is already deleted.", code="gone", status=410)

    former = graph.first_degree_ids(locked.pk)
    for other_id in former:
        graph.remove_edge(locked.pk, other_id)
        network_changed(locked.pk, other_id)  # the other's counts are refreshed by Celery
    requests_cancel_for(locked.pk)
    from introductions.services import introductions_cancel_for

    introductions_cancel_for(locked.pk)
    _blank_authored_introduction_text(locked.pk)
    member_deleting.send(sender=account_delete, member_id=locked.pk)

    profile = Profile.objects.get(pk=locked.pk)
    if profile.photo:
        profile.photo.delete(save=False)
    Profile.objects.filter(pk=locked.pk).update(
        full_name="Deleted member",
        headline="",
        summary="",
        industry="",
        location="",
        photo="",
        contact_email="",
        phone="",
        website="",
    )
    profile.positions.all().delete()
    profile.education.all().delete()
    profile.skills.all().delete()
    for export in DataExport.objects.filter(member_id=locked.pk):
        if export.file_name:
            export_path(export).unlink(missing_ok=True)
    DataExport.objects.filter(member_id=locked.pk).delete()
    Notification.objects.filter(Q(recipient_id=locked.pk) | Q(actor_id=locked.pk)).delete()
    Invitation.objects.filter(inviter_id=locked.pk).delete()
    Block.objects.filter(Q(blocker_id=locked.pk) | Q(blocked_id=locked.pk)).delete()
    locked.api_tokens.all().delete()
    _delete_oauth_tokens(locked.pk)
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user_id=locked.pk).delete()
    get_user_model().objects.filter(pk=locked.pk).update(
        username=f"deleted-{locked.pk}",
        email="",
        password="!" + secrets.token_urlsafe(30),  # unusable
        is_active=False,
        is_staff=False,
        is_superuser=False,
        is_suspended=True,
        suspended_at=timezone.now(),
        suspension_reason="Account deleted by the member.",
    )
    return AccountDeletion.objects.create(member_id=locked.pk, connections_removed=len(former))


def _delete_oauth_tokens(member_id: int) -> None:
    from django.apps import apps

    if not apps.is_installed("oauth2_provider"):
        return
    for name in ("RefreshToken", "AccessToken", "Grant", "IDToken"):
        model = apps.get_model("oauth2_provider", name)
        model.objects.filter(user_id=member_id).delete()
