from django.conf import settings
from django.db import models
from django.db.models import F, Q


class ReachSummary(models.Model):
    """A member's reach as last computed by a worker: their network by degree, broken down
    by industry, current company and location, and how much of each bucket they can reach
    through brokers active lately (reach.compute).

    The row is also the record that a computation is wanted: `requested_at` later than
    `computed_at` (or no `computed_at`) means one is on its way. If the queue loses the
    task, the page asks again and the sweep after each whole-graph run picks it up.
    """

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    computed_at = models.DateTimeField(
        null=True, blank=True, help_text="The graph as of this moment was counted."
    )
    requested_at = models.DateTimeField(null=True, blank=True)
    # Totals, also in `data`; columns so that admins can sort and filter.
    first = models.IntegerField(default=0)
    second = models.IntegerField(default=0)
    third = models.IntegerField(default=0)
    second_reachable = models.IntegerField(default=0)
    third_reachable = models.IntegerField(default=0)
    active_brokers = models.IntegerField(default=0)
    # {"totals": {...}, "buckets": {"industry": [...], "company": [...], "location": [...]},
    #  "not_given": {...}, "bucket_count": {...}}: see reach.compute.MemberReach.as_data.
    data = models.JSONField(default=dict, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="Time the computation took.")

    class Meta:
        verbose_name_plural = "reach summaries"
        indexes = [
            models.Index(
                fields=["requested_at"],
                condition=Q(computed_at__isnull=True) | Q(requested_at__gt=F("computed_at")),
                name="reach_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"reach of {self.member_id}"

    @property
    def pending(self) -> bool:
        return self.computed_at is None or (
            self.requested_at is not None and self.requested_at > self.computed_at
        )


class ReachHistory(models.Model):
    """One day of a member's network size by degree, for the growth chart.

    The last computation of the day wins (one row per member and day).
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    day = models.DateField()
    first = models.IntegerField()
    second = models.IntegerField()
    third = models.IntegerField()

    class Meta:
        verbose_name_plural = "reach history"
        ordering = ["member", "day"]
        constraints = [
            # Also the index the chart reads: a member's days in order.
            models.UniqueConstraint(fields=["member", "day"], name="reach_history_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} on {self.day}: {self.first}/{self.second}/{self.third}"
