"""Writes to members and profiles. Views and the API call these, never .save() directly."""

import io
import uuid
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from common.exceptions import ApplicationError
from connections.network import member_changed
from profiles.models import ApiToken, Education, Position, Profile, Skill, User

# Write allow-lists: only these fields ever come from member input.
PROFILE_FIELDS = (
    "full_name",
    "headline",
    "summary",
    "industry",
    "location",
    "contact_email",
    "phone",
    "website",
)
POSITION_FIELDS = ("title", "organization", "start_date", "end_date", "is_current", "description")
EDUCATION_FIELDS = ("school", "degree", "field_of_study", "start_year", "end_year")
ALLOWED_PHOTO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_SKILLS = 50


def profile_create(*, user: User, full_name: str = "") -> Profile:
    profile, _ = Profile.objects.get_or_create(
        user=user, defaults={"full_name": full_name.strip() or user.username}
    )
    return profile


def _only(data: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    return {key: data[key] for key in allowed if key in data}


@transaction.atomic
def profile_update(*, profile: Profile, data: Mapping[str, Any]) -> Profile:
    """Update the profile's own fields from `data`; keys outside the allow-list are ignored."""
    changes = _only(data, PROFILE_FIELDS)
    for key, value in changes.items():
        setattr(profile, key, value)
    if changes:
        profile.save(update_fields=[*changes, "updated_at"])
    return profile


def _check_position(values: Mapping[str, Any]) -> None:
    if values.get("is_current") and values.get("end_date"):
        raise ApplicationError("A current position has no end date.", code="invalid", status=400)
    end, start = values.get("end_date"), values.get("start_date")
    if end and start and end < start:
        raise ApplicationError("The end date is before the start date.", code="invalid", status=400)


def position_create(*, profile: Profile, data: Mapping[str, Any]) -> Position:
    values = _only(data, POSITION_FIELDS)
    _check_position(values)
    return Position.objects.create(profile=profile, **values)


def position_update(*, position: Position, data: Mapping[str, Any]) -> Position:
    values = _only(data, POSITION_FIELDS)
    merged = {f: getattr(position, f) for f in POSITION_FIELDS} | values
    if merged.get("is_current"):
        merged["end_date"] = values["end_date"] = None
    _check_position(merged)
    for key, value in values.items():
        setattr(position, key, value)
    position.save()
    return position


def position_delete(*, position: Position) -> None:
    position.delete()


def _check_education(values: Mapping[str, Any]) -> None:
    start, end = values.get("start_year"), values.get("end_year")
    if start and end and end < start:
        raise ApplicationError("The end year is before the start year.", code="invalid", status=400)


def education_create(*, profile: Profile, data: Mapping[str, Any]) -> Education:
    values = _only(data, EDUCATION_FIELDS)
    _check_education(values)
    return Education.objects.create(profile=profile, **values)


def education_update(*, education: Education, data: Mapping[str, Any]) -> Education:
    values = _only(data, EDUCATION_FIELDS)
    _check_education({f: getattr(education, f) for f in EDUCATION_FIELDS} | values)
    for key, value in values.items():
        setattr(education, key, value)
    education.save()
    return education


def education_delete(*, education: Education) -> None:
    education.delete()


def skill_add(*, profile: Profile, name: str) -> Skill:
    """Add a skill; adding one the profile already lists (any case) returns the existing one."""
    name = " ".join(name.split())
    if not name:
        raise ApplicationError("Name the skill.", code="invalid", status=400)
    existing = profile.skills.filter(name__iexact=name).first()
    if existing:
        return existing
    if profile.skills.count() >= MAX_SKILLS:
        raise ApplicationError(
            f"A profile lists at most {MAX_SKILLS} skills.", code="too_many_skills", status=400
        )
    return Skill.objects.create(profile=profile, name=name)


def skill_remove(*, skill: Skill) -> None:
    skill.delete()


@transaction.atomic
def profile_replace_nested(
    *,
    profile: Profile,
    positions: list[Mapping[str, Any]] | None = None,
    education: list[Mapping[str, Any]] | None = None,
    skills: list[str] | None = None,
) -> Profile:
    """Replace whole lists (the API PATCH semantics for nested lists); None leaves one alone."""
    if positions is not None:
        profile.positions.all().delete()
        for item in positions:
            position_create(profile=profile, data=item)
    if education is not None:
        profile.education.all().delete()
        for item in education:
            education_create(profile=profile, data=item)
    if skills is not None:
        if len({s.strip().lower() for s in skills}) > MAX_SKILLS:
            raise ApplicationError(
                f"A profile lists at most {MAX_SKILLS} skills.", code="too_many_skills", status=400
            )
        profile.skills.all().delete()
        for name in skills:
            skill_add(profile=profile, name=name)
    return profile


def profile_set_photo(*, profile: Profile, upload: UploadedFile) -> Profile:
    """Check an uploaded image, crop it square and store it as a JPEG of PHOTO_SIZE pixels.

    Raises ApplicationError (400) for files that are too large or not images.
    """
    if upload.size is not None and upload.size > settings.PHOTO_MAX_BYTES:
        raise ApplicationError(
            f"The photo is larger than {settings.PHOTO_MAX_BYTES // (1024 * 1024)} MB.",
            code="photo_too_large",
            status=400,
        )
    try:
        image = Image.open(upload)
        image_format = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ApplicationError(
            "The file is not an image we can read (use JPEG, PNG, WebP or GIF).",
            code="photo_invalid",
            status=400,
        ) from exc
    if image_format not in ALLOWED_PHOTO_FORMATS:
        raise ApplicationError(
            "Use a JPEG, PNG, WebP or GIF photo.", code="photo_invalid", status=400
        )
    upright = ImageOps.exif_transpose(image).convert("RGB")
    size = settings.PHOTO_SIZE
    square = ImageOps.fit(upright, (size, size), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, format="JPEG", quality=85, optimize=True)

    old = profile.photo.name if profile.photo else None
    profile.photo.save(
        f"{profile.user_id}-{uuid.uuid4().hex[:12]}.jpg", ContentFile(out.getvalue()), save=False
    )
    profile.save(update_fields=["photo", "updated_at"])
    if old:
        profile.photo.storage.delete(old)
    return profile


def profile_remove_photo(*, profile: Profile) -> Profile:
    if profile.photo:
        name = profile.photo.name
        profile.photo = ""
        profile.save(update_fields=["photo", "updated_at"])
        profile.photo.storage.delete(name)
    return profile


@transaction.atomic
def member_suspend(*, member: User, reason: str = "") -> bool:
    """Suspend a member: they cannot log in, their sessions and tokens stop working at once,
    and they vanish from every page and API response but admin. Idempotent."""
    updated = User.objects.filter(pk=member.pk, is_suspended=False).update(
        is_suspended=True, suspended_at=timezone.now(), suspension_reason=reason[:300]
    )
    if updated:
        member_changed(member.pk)  # their connections leave everyone's counts
        from connections.services import requests_cancel_for
        from introductions.services import introductions_cancel_for

        requests_cancel_for(member.pk)
        introductions_cancel_for(member.pk)
    return updated == 1


@transaction.atomic
def member_unsuspend(*, member: User) -> bool:
    updated = User.objects.filter(pk=member.pk, is_suspended=True).update(
        is_suspended=False, suspended_at=None, suspension_reason=""
    )
    if updated:
        member_changed(member.pk)
    return updated == 1


API_TOKEN_TTL = timedelta(days=90)
# The lifetimes a member may choose for a personal token; None: it never expires.
API_TOKEN_LIFETIME_DAYS = (30, 90, 365)


def api_token_create(
    *, user: User, name: str, ttl: timedelta | None = API_TOKEN_TTL
) -> tuple[ApiToken, str]:
    """Create a personal API token. Returns the row and the key, which is shown only once."""
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100] or "API token",
        key_hash=ApiToken.hash_key(key),
        prefix=key[:8],
        expires_at=timezone.now() + ttl if ttl else None,
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> bool:
    return (
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        == 1
    )
