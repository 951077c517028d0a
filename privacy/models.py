from django.conf import settings
from django.db import models
from django.db.models import Q


class DataExport(models.Model):
    """One "Download my data" archive: prepared by Celery, kept for 72 hours."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Expired"

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    step = models.CharField(max_length=80, blank=True, help_text="What is being gathered now.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file_name = models.CharField(max_length=80, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One archive in preparation per member at a time.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(status__in=["queued", "running"]),
                name="export_one_active_per_member",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_pct"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "ready", "failed", "expired"]),
                name="export_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | (Q(expires_at__isnull=False) & ~Q(file_name="")),
                name="export_ready_has_file",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "created_at"],
                condition=Q(status__in=["queued", "running", "ready"]),
                name="export_sweep",
            )
        ]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.member_id} ({self.status})"


class AccountDeletion(models.Model):
    """The record that a member deleted their account. Their user row stays as an
    anonymous, hidden tombstone so that the graph's change log and the counts of
    their former connections stay consistent; everything personal is gone."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    deleted_at = models.DateTimeField(auto_now_add=True)
    connections_removed = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"account {self.member_id} deleted {self.deleted_at:%Y-%m-%d}"
