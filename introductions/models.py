from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

OPEN_STATES = ("open", "at_target")


class BrokerSettings(models.Model):
    """How much a member is willing to broker. No row means the defaults."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="broker_settings",
    )
    capacity_per_month = models.PositiveSmallIntegerField(
        default=10, help_text="Introduction requests you accept to receive in 30 days."
    )
    topics = models.CharField(
        max_length=300, blank=True, help_text="What you are happy to introduce people for."
    )
    paused = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "broker settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_per_month__lte=200), name="broker_capacity_max"
            ),
        ]

    def __str__(self) -> str:
        return f"broker settings of {self.member_id}"


class Introduction(models.Model):
    """Getting `requester` introduced to `target` through one or two brokers.

    REQUEST: the requester asks; each broker (hop) in turn forwards or declines;
    the target accepts or declines. OFFER: a broker introduces two of their own
    connections; both must accept (double opt-in). The target may be a
    non-member e-mail address: an invitation then carries the introduction,
    which resumes when they join.
    """

    class Kind(models.TextChoices):
        REQUEST = "request", "Requested"
        OFFER = "offer", "Broker-initiated"

    class Status(models.TextChoices):
        OPEN = "open", "With a broker"
        AT_TARGET = "at_target", "Waiting for the target"
        ACCEPTED = "accepted", "Accepted"
        NOT_FORWARDED = "not_forwarded", "Not forwarded"
        NOT_ACCEPTED = "not_accepted", "Not accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REQUEST)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="introductions_requested"
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="introductions_received",
    )
    # A non-member target: the address (seen only by the requester's side and admins).
    target_email = models.EmailField(blank=True)
    invitation = models.ForeignKey(
        "connections.Invitation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(max_length=2000, help_text="For the target.")
    current_hop = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True, help_text="Reached the target.")
    closed_at = models.DateTimeField(null=True, blank=True)
    requester_accepted_at = models.DateTimeField(null=True, blank=True)
    target_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=False) | ~Q(target_email=""),
                name="introduction_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(requester=F("target")), name="introduction_not_self"
            ),
            # One open introduction per requester and target.
            models.UniqueConstraint(
                "requester",
                "target",
                condition=Q(status__in=OPEN_STATES, target__isnull=False),
                name="introduction_one_open_per_pair",
            ),
            models.UniqueConstraint(
                "requester",
                Lower("target_email"),
                condition=Q(status__in=OPEN_STATES, target__isnull=True),
                name="introduction_one_open_per_address",
            ),
            models.CheckConstraint(
                condition=Q(status__in=OPEN_STATES, closed_at__isnull=True)
                | (~Q(status__in=OPEN_STATES) & Q(closed_at__isnull=False)),
                name="introduction_closed_iff_terminal",
            ),
        ]
        indexes = [
            models.Index(fields=["requester", "status"], name="intro_requester"),
            models.Index(fields=["target", "status"], name="intro_target"),
            models.Index(Lower("target_email"), name="intro_target_email"),
            models.Index(
                fields=["expires_at"], condition=Q(status__in=OPEN_STATES), name="intro_open_expiry"
            ),
        ]

    def __str__(self) -> str:
        return f"introduction {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES


class Hop(models.Model):
    """One broker's step along the path: requester → broker 0 → broker 1 → target."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"  # not reached yet, or with this broker now
        FORWARDED = "forwarded", "Forwarded"
        DECLINED = "declined", "Declined"
        CLOSED = "closed", "Closed"  # the introduction ended before this hop acted

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="hops")
    position = models.PositiveSmallIntegerField()
    broker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hops_brokered"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    note = models.TextField(
        max_length=1000, blank=True, help_text="Private note for this broker from the one before."
    )
    endorsement = models.TextField(
        max_length=1000, blank=True, help_text="The broker's words for the target."
    )
    decline_reason = models.CharField(
        max_length=300, blank=True, help_text="Shown to the requester only if given."
    )
    reached_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["introduction", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["introduction", "position"], name="hop_unique_position"
            ),
            models.UniqueConstraint(fields=["introduction", "broker"], name="hop_broker_once"),
        ]
        indexes = [models.Index(fields=["broker", "status"], name="hop_inbox")]

    def __str__(self) -> str:
        return f"hop {self.position} of introduction {self.introduction_id}"


class Outcome(models.Model):
    """What came of an accepted introduction, as one side tells it."""

    class Result(models.TextChoices):
        MET = "met", "We met"
        WORKING = "working", "We are working together"
        NOTHING = "nothing", "Nothing came of it"

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="outcomes"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    result = models.CharField(max_length=10, choices=Result.choices)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["introduction", "member"], name="outcome_once_per_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.result} ({self.introduction_id})"


class MessageReport(models.Model):
    """A participant reports an introduction's message or note as abusive."""

    introduction = models.ForeignKey(Introduction, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["introduction", "reporter"], name="report_once_per_reporter"
            ),
        ]

    def __str__(self) -> str:
        return f"report on introduction {self.introduction_id}"
