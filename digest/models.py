"""Keep in touch (a private list of connections with a reminder interval) and the digest
(a weekly or monthly e-mail that puts giving first)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

INTERVAL_CHOICES = [
    (1, "Every month"),
    (3, "Every 3 months"),
    (6, "Every 6 months"),
    (12, "Every year"),
]
INTERVALS = [months for months, _ in INTERVAL_CHOICES]


class KeepInTouch(models.Model):
    """A connection `member` wants to stay in touch with, privately: `other` never sees it.

    `next_due_at` is the last touch (or the day the entry was made) plus the interval.
    `reminded_at` is set when LinkUp reminded the member for the current due date; the
    reminder task claims it with a conditional UPDATE (reminded_at IS NULL AND
    next_due_at <= now), so each due date gives at most one reminder whatever the number
    of workers. A touch moves `next_due_at` forward and clears `reminded_at`.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    other = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    interval_months = models.PositiveSmallIntegerField(choices=INTERVAL_CHOICES, default=3)
    created_at = models.DateTimeField(default=timezone.now)
    last_touched_at = models.DateTimeField(null=True, blank=True)
    # How the last touch happened ("manual", "introduction", "recommendation", ...).
    last_touch_how = models.CharField(max_length=20, blank=True)
    # The member's private note of the last touch they recorded by hand ("had coffee").
    last_touch_note = models.CharField(max_length=300, blank=True)
    next_due_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "keep-in-touch entry"
        verbose_name_plural = "keep-in-touch entries"
        constraints = [
            models.UniqueConstraint(fields=["member", "other"], name="keepintouch_unique_pair"),
            models.CheckConstraint(condition=~Q(member=F("other")), name="keepintouch_not_self"),
            models.CheckConstraint(
                condition=Q(interval_months__in=INTERVALS), name="keepintouch_interval_valid"
            ),
        ]
        indexes = [
            # The member's list, sorted by due date.
            models.Index(fields=["member", "next_due_at"], name="keepintouch_list"),
            # The reminder task: due entries not reminded yet (a small partial index).
            models.Index(
                fields=["next_due_at"],
                condition=Q(reminded_at__isnull=True),
                name="keepintouch_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} keeps in touch with {self.other_id}"

    @property
    def is_overdue(self) -> bool:
        return self.next_due_at <= timezone.now()


class Touch(models.Model):
    """One moment `member` was in touch with `other`: the history behind "last in touch".

    Touches from other apps (member_touched: an introduction, a recommendation, a
    referral) are recorded for both members; a touch marked by hand only for the member
    who marked it (its note is private to them).
    """

    class How(models.TextChoices):
        MANUAL = "manual", "Marked by hand"
        INTRODUCTION = "introduction", "Introduction"
        RECOMMENDATION = "recommendation", "Recommendation"
        REFERRAL = "referral", "Referral"
        MESSAGE = "message", "Message"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    other = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    how = models.CharField(max_length=20, choices=How.choices)
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(member=F("other")), name="touch_not_self"),
        ]
        indexes = [models.Index(fields=["member", "other", "-at"], name="touch_pair")]

    def __str__(self) -> str:
        return f"{self.member_id} in touch with {self.other_id} ({self.how})"


class DigestPreference(models.Model):
    """How often a member gets the digest. No row means weekly (the default).

    `last_sent_at` is the claim: the sending task moves it with a conditional UPDATE
    (or creates the row with INSERT ... ON CONFLICT DO NOTHING), so each period's digest
    goes out at most once even with duplicate deliveries or two workers.
    """

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        NEVER = "never", "Never"

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="digest_preference",
    )
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    last_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the last digest was claimed for sending."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["frequency", "last_sent_at"], name="digestpref_due")]

    def __str__(self) -> str:
        return f"digest of {self.member_id}: {self.frequency}"


class DigestLog(models.Model):
    """One digest run for a member: sent, or not sent because it was empty."""

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        EMPTY = "empty", "Empty: not sent"
        SKIPPED = "skipped", "Skipped: no address"

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=DigestPreference.Frequency.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # {section key: number of items}, for admins: what the digest contained (never its text).
    sections = models.JSONField(default=dict, blank=True)
    items = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "-created_at"], name="digestlog_member")]

    def __str__(self) -> str:
        return f"digest for {self.member_id} ({self.status})"
