"""People you may know (suggestions computed by Celery) and the names behind "Who do I know at …?".

A member's suggestions are computed in the background into Suggestion rows and
shown with one indexed query that drops, at read time, whoever became connected,
pending, blocked, hidden or dismissed since. SuggestionState records, per member,
when they were computed, asked for and last looked at: the periodic sweep reads it
to know whose suggestions to recompute.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower


class Suggestion(models.Model):
    """A member the `member` may know, as last computed."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField()
    mutual_count = models.PositiveIntegerField(default=0)
    # Why: {"mutual": n, "companies": [{"name", "overlap"}], "schools": [{"name", "overlap"}]}.
    reason = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["member", "candidate"], name="suggestion_unique_pair"),
            models.CheckConstraint(condition=~Q(member=F("candidate")), name="suggestion_not_self"),
        ]
        indexes = [
            # The page reads a member's best suggestions straight off this index.
            models.Index(F("member"), F("score").desc(), F("candidate"), name="suggestion_ranked"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} may know {self.candidate_id} ({self.score:.1f})"


class SuggestionState(models.Model):
    """Where a member's suggestions stand. No row: never asked for (never visited)."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When a computation was last asked for."
    )
    computed_at = models.DateTimeField(
        null=True, blank=True, help_text="The graph as of this moment was used."
    )
    visited_at = models.DateTimeField(
        null=True, blank=True, help_text="Last look at the suggestions (to the hour)."
    )
    candidates = models.PositiveIntegerField(default=0, help_text="Suggestions stored.")
    seconds = models.FloatField(null=True, blank=True, help_text="Time the last computation took.")

    class Meta:
        indexes = [
            models.Index(
                fields=["visited_at"], condition=Q(visited_at__isnull=False), name="pymk_visited"
            ),
            models.Index(
                fields=["requested_at"],
                condition=Q(computed_at__isnull=True),
                name="pymk_never_computed",
            ),
        ]

    def __str__(self) -> str:
        return f"suggestions of {self.member_id}"

    @property
    def ready(self) -> bool:
        return self.computed_at is not None


class PymkDismissal(models.Model):
    """ "Don't know them": `member` will not be suggested `dismissed` again.

    Also a signal for moderation: a member many people say they do not know
    may be sending requests to strangers.
    """

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    dismissed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "PYMK dismissal"
        constraints = [
            models.UniqueConstraint(fields=["member", "dismissed"], name="pymk_dismissal_unique"),
            models.CheckConstraint(
                condition=~Q(member=F("dismissed")), name="pymk_dismissal_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} does not know {self.dismissed_id}"


class DirectoryName(models.Model):
    """A company or school name members use, with how many visible members use it.

    Rebuilt periodically from positions (current ones) and education: it feeds the
    type-ahead of "Who do I know at …?" and resolves what a member typed to the
    spellings stored on profiles ("acme" finds "Acme" and "ACME").
    """

    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        SCHOOL = "school", "School"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=150)
    members = models.PositiveIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="directory_unique_name"),
        ]
        indexes = [
            models.Index(F("kind"), Lower("name"), name="directory_name_ci"),
            models.Index(F("kind"), F("members").desc(), name="directory_popular"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"
