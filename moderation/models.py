"""Reports, moderators' actions, "I don't know this person" answers and automatic limits.

A report points at what it is about generically (`target_type` + `target_id`):
a profile (the member's id), a connection request's note (the request's id), an
introduction's message (the introduction's id) or a recommendation (its id).
`moderation.targets` is the only module that knows how to load, show and remove
each kind of content.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class TargetType(models.TextChoices):
    PROFILE = "profile", "Profile"
    REQUEST_NOTE = "request_note", "Connection request note"
    INTRODUCTION = "introduction", "Introduction message"
    RECOMMENDATION = "recommendation", "Recommendation"


class Report(models.Model):
    """A member reports someone's content. The reporter is never shown to the reported member.

    At most one *open* report per reporter and target (partial unique index): a second
    report of the same thing is a 409, and once a moderator resolved it the member may
    report it again.
    """

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or unwanted advertising"
        HARASSMENT = "harassment", "Harassment, hate or threats"
        INAPPROPRIATE = "inappropriate", "Inappropriate or offensive content"
        FAKE = "fake", "Fake profile or impersonation"
        SCAM = "scam", "Scam or fraud"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DISMISSED = "dismissed", "Dismissed"
        ACTIONED = "actioned", "Action taken"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made"
    )
    # Whose content it is: the member a moderator acts on. Never from client input.
    reported_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_received"
    )
    target_type = models.CharField(max_length=20, choices=TargetType.choices)
    target_id = models.BigIntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    details = models.TextField(max_length=1000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "target_type", "target_id"],
                condition=Q(status="open"),
                name="report_one_open_per_target",
            ),
            models.CheckConstraint(
                condition=~Q(reporter=F("reported_member")), name="report_not_self"
            ),
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="report_resolved_iff_closed",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="report_queue"),
            models.Index(fields=["reported_member", "-created_at"], name="report_member"),
            models.Index(fields=["target_type", "target_id"], name="report_target"),
        ]

    def __str__(self) -> str:
        return f"report {self.pk}: {self.get_target_type_display()} {self.target_id}"


class DontKnowAnswer(models.Model):
    """The recipient ignored a connection request saying "I don't know this person".

    The sender is never told; many such answers limit the sender automatically.
    """

    request = models.OneToOneField(
        "connections.ConnectionRequest", on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dont_know_answers"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "“I don't know this person” answer"
        indexes = [models.Index(fields=["sender", "-created_at"], name="dontknow_sender")]

    def __str__(self) -> str:
        return f"{self.member_id} does not know {self.sender_id}"


class MemberRestriction(models.Model):
    """A limited member may not send connection requests, invitations, introduction
    requests or asks until a moderator lifts the limit. One active limit per member."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatic", "Automatic"
        MANUAL = "manual", "By a moderator"

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="restrictions"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(lifted_at__isnull=True),
                name="restriction_one_active_per_member",
            ),
        ]

    def __str__(self) -> str:
        state = "active" if self.lifted_at is None else "lifted"
        return f"limit on {self.member_id} ({state})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ModerationAction(models.Model):
    """The log: every moderator action (and every automatic limit), never edited."""

    class Action(models.TextChoices):
        DISMISS = "dismiss", "Dismissed the report"
        WARN = "warn", "Warned the member"
        REMOVE_CONTENT = "remove_content", "Removed the content"
        SUSPEND = "suspend", "Suspended the member"
        RESTRICT = "restrict", "Limited the member"
        LIFT_RESTRICTION = "lift_restriction", "Lifted the limit"

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for automatic actions.",
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    report = models.ForeignKey(
        Report, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_actions"
    )
    note = models.TextField(
        blank=True, help_text="The moderator's note; for a warning, the message the member reads."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["member", "-created_at"], name="modaction_member")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.member_id})"
