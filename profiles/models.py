import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from common.models import TimeStampedModel
from profiles.industries import Industry
from profiles.validators import handle_validator


class MemberQuerySet(models.QuerySet["User"]):
    def visible(self) -> "MemberQuerySet":
        """Members other people may see: active and not suspended."""
        return self.filter(is_active=True, is_suspended=False)


class MemberManager(UserManager["User"]):
    def get_queryset(self) -> MemberQuerySet:
        return MemberQuerySet(self.model, using=self._db)

    def visible(self) -> MemberQuerySet:
        return self.get_queryset().visible()


class User(AbstractUser):
    """A LinkUp account. `username` is the member's handle, the public LinkUp ID."""

    username = models.CharField(
        "handle",
        max_length=30,
        unique=True,
        validators=[handle_validator],
        help_text="Public LinkUp ID: linkup/in/<handle>/",
        error_messages={"unique": "That handle is taken."},
    )
    email = models.EmailField("e-mail address", blank=True)
    # The name lives on the profile; AbstractUser's split name is not used.
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    is_suspended = models.BooleanField(default=False, db_index=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=300, blank=True)

    objects = MemberManager()  # type: ignore[misc]

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_ci_unique"
            ),
            models.CheckConstraint(
                condition=Q(is_suspended=False) | Q(suspended_at__isnull=False),
                name="user_suspended_has_time",
            ),
        ]
        indexes = [
            # Tiny: only hidden members. Graph queries probe it for every intermediary.
            models.Index(
                fields=["id"],
                condition=Q(is_suspended=True) | Q(is_active=False),
                name="user_hidden",
            ),
        ]

    def __str__(self) -> str:
        return self.username

    def get_full_name(self) -> str:
        profile = getattr(self, "profile", None)
        return profile.full_name if profile and profile.full_name else self.username

    def get_short_name(self) -> str:
        return self.get_full_name().split(" ")[0]


class Profile(TimeStampedModel):
    """The resume-style profile. Its primary key is the member's id."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    full_name = models.CharField(max_length=120)
    headline = models.CharField(max_length=220, blank=True)
    summary = models.TextField(max_length=5000, blank=True)
    industry = models.CharField(max_length=40, choices=Industry.choices, blank=True, db_index=True)
    location = models.CharField(max_length=120, blank=True, db_index=True)
    photo = models.ImageField(upload_to="photos/", blank=True)
    # Contact details: only the member and their 1st-degree connections see them.
    contact_email = models.EmailField("contact e-mail", blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(max_length=300, blank=True)

    class Meta:
        indexes = [
            # People search (profiles.search): typo-tolerant name matching
            # (%, similarity, icontains) and full-text search. The search
            # module builds the very same expression so the planner can use it.
            GinIndex(fields=["full_name"], opclasses=["gin_trgm_ops"], name="profile_name_trgm"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} (@{self.user_id})"

    @property
    def handle(self) -> str:
        return self.user.username

    @property
    def current_position(self) -> "Position | None":
        for position in self.positions.all():
            if position.is_current:
                return position
        return None


class Position(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="positions")
    title = models.CharField(max_length=150)
    organization = models.CharField(max_length=150, db_index=True)
    start_date = models.DateField(help_text="First day of the start month.")
    end_date = models.DateField(null=True, blank=True, help_text="Empty while current.")
    is_current = models.BooleanField(default=False)
    description = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-is_current", "-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="position_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(end_date__isnull=True),
                name="position_current_has_no_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} at {self.organization}"

    @property
    def period(self) -> str:
        start = self.start_date.strftime("%b %Y")
        end = (
            "present"
            if self.is_current or self.end_date is None
            else self.end_date.strftime("%b %Y")
        )
        return f"{start} – {end}"


class Education(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="education")
    school = models.CharField(max_length=150, db_index=True)
    degree = models.CharField(max_length=120, blank=True)
    field_of_study = models.CharField(max_length=120, blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-end_year", "-start_year", "-id"]
        verbose_name_plural = "education"
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__isnull=True)
                | Q(end_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="education_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} ({self.degree})" if self.degree else self.school

    @property
    def period(self) -> str:
        if self.start_year and self.end_year:
            return f"{self.start_year} – {self.end_year}"
        return str(self.end_year or self.start_year or "")


class Skill(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint("profile", Lower("name"), name="skill_unique_per_profile"),
        ]

    def __str__(self) -> str:
        return self.name


def _hash_token(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 of the key is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8, help_text="First characters, to recognise a token.")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    # last_used_at is stamped at most this often: a busy client must not write on every
    # request (at 3,000 active clients, once a minute was a third of all API requests).
    TOUCH_MINUTES = 15
    TOUCH_EVERY = timedelta(minutes=TOUCH_MINUTES)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def used_recently(self) -> bool:
        """Used within TOUCH_EVERY: last_used_at may be up to that much behind."""
        return (
            self.last_used_at is not None and timezone.now() - self.last_used_at < self.TOUCH_EVERY
        )

    @staticmethod
    def generate_key() -> str:
        return secrets.token_urlsafe(30)

    @staticmethod
    def hash_key(key: str) -> str:
        return _hash_token(key)
