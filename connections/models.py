from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Greatest, Least, Lower


class Connection(models.Model):
    """One direction of a connection between two members: the member graph.

    Every connection is stored as two rows, (a, b) and (b, a), written in one
    transaction, so "neighbours of X" is one range scan of the primary key
    index and 2nd/3rd-degree questions are plain joins. The row also holds
    `member`'s private note about `other` ("how we know each other").

    Only connections/graph.py reads or writes this table directly.
    """

    pk = models.CompositePrimaryKey("member_id", "other_id")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    other = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(member=F("other")), name="connection_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} → {self.other_id}"


class ConnectionRequest(models.Model):
    """A request from one member to another to connect.

    At most one *pending* request exists per unordered pair (partial unique
    index on least/greatest of the two ids); state moves only by conditional
    UPDATEs on status='pending', so accept, ignore and withdraw cannot both win.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        IGNORED = "ignored", "Ignored"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # Cancelled: by a block, a suspension, or a connection made another way.
        CANCELLED = "cancelled", "Cancelled"

    from_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_requests"
    )
    to_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="received_requests"
    )
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_member=F("to_member")), name="request_not_self"
            ),
            models.UniqueConstraint(
                Least("from_member", "to_member"),
                Greatest("from_member", "to_member"),
                condition=Q(status="pending"),
                name="request_one_pending_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", responded_at__isnull=True)
                | (~Q(status="pending") & Q(responded_at__isnull=False)),
                name="request_responded_iff_not_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["to_member", "status", "-created_at"], name="request_inbox"),
            models.Index(fields=["from_member", "status", "-created_at"], name="request_outbox"),
        ]

    def __str__(self) -> str:
        return f"{self.from_member_id} → {self.to_member_id} ({self.status})"


class Block(models.Model):
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_unique_pair"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_reverse")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Invitation(models.Model):
    """An invitation to join LinkUp, sent by e-mail to someone who is not a member.

    The e-mail address is visible only to the inviter and to admins.
    """

    class Status(models.TextChoices):
        SENT = "sent", "Sent"
        ACCEPTED = "accepted", "Accepted"  # joined through the invitation link
        JOINED = "joined", "Joined independently"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"

    inviter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent"
    )
    email = models.EmailField()
    message = models.TextField(max_length=1000, blank=True)
    # The signup link carries nonce + an HMAC of it under SECRET_KEY: a leaked
    # database alone cannot forge a link, and the reminder can rebuild it.
    nonce = models.CharField(max_length=32, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the e-mail went out.")
    reminder_due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_cancelled_at = models.DateTimeField(null=True, blank=True)
    joined_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "inviter",
                Lower("email"),
                condition=Q(status="sent"),
                name="invitation_one_open_per_address",
            ),
        ]
        indexes = [
            models.Index(Lower("email"), name="invitation_email_ci"),
            models.Index(fields=["inviter", "-created_at"], name="invitation_outbox"),
        ]

    def __str__(self) -> str:
        return f"Invitation from {self.inviter_id} ({self.status})"


class Notification(models.Model):
    """An in-app notification; some kinds are also e-mailed (at most once, by Celery)."""

    class Kind(models.TextChoices):
        REQUEST_RECEIVED = "request_received", "Connection request received"
        REQUEST_ACCEPTED = "request_accepted", "Connection request accepted"
        INVITATION_JOINED = "invitation_joined", "Invitation accepted"
        INTRO_TO_FORWARD = "intro_to_forward", "Introduction to forward"
        INTRO_FOR_YOU = "intro_for_you", "Introduction for you"
        INTRO_ACCEPTED = "intro_accepted", "Introduction accepted"
        INTRO_NOT_FORWARDED = "intro_not_forwarded", "Introduction not forwarded"
        INTRO_NOT_ACCEPTED = "intro_not_accepted", "Introduction not accepted"
        INTRO_EXPIRED = "intro_expired", "Introduction expired"
        INTRO_REMINDER = "intro_reminder", "Introduction waiting for you"
        # Kinds of the other apps; each describes its own (connections.notification_text).
        RECOMMENDATION_REQUESTED = "recommendation_requested", "Recommendation requested"
        RECOMMENDATION_RECEIVED = "recommendation_received", "Recommendation received"
        RECOMMENDATION_REVISION = "recommendation_revision", "Recommendation revision requested"
        RECOMMENDATION_PUBLISHED = "recommendation_published", "Recommendation published"
        ASK_PASSED = "ask_passed", "Ask passed on to you"
        ASK_ANSWERED = "ask_answered", "Ask answered"
        ASK_REFERRAL = "ask_referral", "Referral for your ask"
        ASK_CLOSED = "ask_closed", "Ask closed"
        KEEP_IN_TOUCH_DUE = "keep_in_touch_due", "Time to get in touch"
        EXPORT_READY = "export_ready", "Data export ready"
        MODERATION_WARNING = "moderation_warning", "Warning from the moderators"
        APP_AUTHORIZED = "app_authorized", "App authorized"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    # Who did it; empty where naming them would reveal too much (a decline).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    request = models.ForeignKey(
        ConnectionRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    introduction = models.ForeignKey(
        "introductions.Introduction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    # The id of the thing a notification of another app is about (a recommendation,
    # an ask, an export...): its kind says which model; its describer loads it.
    subject_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class EmailPreference(models.Model):
    """Which notification e-mails a member receives. No row means all of them."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    notifications = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"e-mail preferences of {self.member_id}"


class GraphChange(models.Model):
    """One change to the graph, written in the same transaction as the change itself.

    The record of what is stale is here in Postgres, not in the task queue: if
    Redis is down or a worker dies, the next worker run finds the unprocessed
    rows and catches up. `other` is empty for a change to a member as a whole
    (suspended, unsuspended, deleted), which touches all their connections.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    other = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"], condition=Q(processed_at__isnull=True), name="graphchange_pending"
            ),
            models.Index(fields=["member"], name="graphchange_member"),
        ]

    def __str__(self) -> str:
        return f"change {self.member_id}–{self.other_id or '*'}"


class CountRun(models.Model):
    """One run of the whole-graph job: exact 1st/2nd/3rd counts for every member."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    snapshot_at = models.DateTimeField(help_text="The graph as of this moment was counted.")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    partitions = models.PositiveIntegerField()
    partitions_done = models.PositiveIntegerField(default=0)
    members = models.PositiveIntegerField(default=0)
    edges = models.BigIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # At most one run at a time: a burst of changes cannot queue a pile of runs.
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="countrun_one_running"
            ),
        ]

    def __str__(self) -> str:
        return f"count run {self.pk} ({self.status})"


class CountResult(models.Model):
    """A partition's results, staged until the whole run is applied in one transaction."""

    run = models.ForeignKey(CountRun, on_delete=models.CASCADE, related_name="+")
    partition = models.PositiveIntegerField()
    member_id = models.BigIntegerField()
    first = models.IntegerField()
    second = models.IntegerField()
    third = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["run", "partition"], name="countresult_partition")]

    def __str__(self) -> str:
        return f"run {self.run_id}: {self.member_id}"


class NetworkCounts(models.Model):
    """A member's network size by degree, as last computed."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    first = models.IntegerField()
    second = models.IntegerField()
    third = models.IntegerField()
    computed_at = models.DateTimeField()
    exact = models.BooleanField(default=True)
    # Stale: a connection within reach changed after computed_at.
    stale_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "network counts"
        indexes = [
            models.Index(
                fields=["stale_since"],
                condition=Q(stale_since__isnull=False),
                name="networkcounts_stale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.first}/{self.second}/{self.third}"

    @property
    def stale(self) -> bool:
        return self.stale_since is not None
