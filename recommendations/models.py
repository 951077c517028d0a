"""Recommendations: one member's words about another, tied to a position or a school.

A member asks a 1st-degree connection for one (RecommendationRequest), or a member
writes one unprompted for a connection. Either way the subject approves it before it
appears on their profile; they may later hide it, show it again, or ask the author for
a revision. Postgres holds the rules: statuses and relationships by CHECK, one open
request and one live recommendation per (author, subject, position) by partial unique
indexes, and every transition is a conditional UPDATE on the current status.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

BODY_MAX = 3000
MESSAGE_MAX = 1000


class Relationship(models.TextChoices):
    """How the author knows the subject. Labels are in the author's voice ("I ...")."""

    MANAGED = "managed", "I managed them directly"
    REPORTED_TO = "reported_to", "I reported to them directly"
    SENIOR = "senior", "I was senior to them, but did not manage them directly"
    JUNIOR = "junior", "They were senior to me, but did not manage me directly"
    SAME_TEAM = "same_team", "We worked on the same team"
    OTHER_TEAM = "other_team", "We worked together, on different teams"
    CLIENT = "client", "I was their client"
    SERVED = "served", "They were my client"
    TAUGHT = "taught", "I taught them"
    MENTORED = "mentored", "I mentored them"
    STUDIED = "studied", "We studied together"


# How a profile says it: "{author} managed {subject} directly".
RELATIONSHIP_SENTENCES: dict[str, str] = {
    Relationship.MANAGED: "{author} managed {subject} directly",
    Relationship.REPORTED_TO: "{author} reported directly to {subject}",
    Relationship.SENIOR: "{author} was senior to {subject} but didn’t manage {subject} directly",
    Relationship.JUNIOR: "{subject} was senior to {author} but didn’t manage {author} directly",
    Relationship.SAME_TEAM: "{author} worked with {subject} on the same team",
    Relationship.OTHER_TEAM: "{author} worked with {subject} but on different teams",
    Relationship.CLIENT: "{author} was {subject}’s client",
    Relationship.SERVED: "{subject} was {author}’s client",
    Relationship.TAUGHT: "{author} taught {subject}",
    Relationship.MENTORED: "{author} mentored {subject}",
    Relationship.STUDIED: "{author} studied with {subject}",
}


def relationship_sentence(relationship: str, *, author: str, subject: str) -> str:
    template = RELATIONSHIP_SENTENCES.get(relationship, "{author} knows {subject}")
    return template.format(author=author, subject=subject)


class RecommendationRequest(models.Model):
    """`asker` asks `author` (a 1st-degree connection) to recommend them for one of the
    asker's positions or schools.

    open → written (the author wrote it) | declined (by the author) | withdrawn (by the
    asker). Terminal states are final.
    """

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        WRITTEN = "written", "Written"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recommendation_requests_sent",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recommendation_requests_received",
    )
    # One of the asker's positions or schools. Deleting it from the profile keeps the
    # request (the tie becomes empty) rather than failing the profile edit.
    position = models.ForeignKey(
        "profiles.Position", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    education = models.ForeignKey(
        "profiles.Education", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.TextField(max_length=MESSAGE_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "written", "declined", "withdrawn"]),
                name="recrequest_status_valid",
            ),
            models.CheckConstraint(condition=~Q(asker=F("author")), name="recrequest_not_self"),
            models.CheckConstraint(
                condition=Q(position__isnull=True) | Q(education__isnull=True),
                name="recrequest_one_tie",
            ),
            models.CheckConstraint(
                condition=Q(status="open", responded_at__isnull=True)
                | (~Q(status="open") & Q(responded_at__isnull=False)),
                name="recrequest_responded_iff_closed",
            ),
            models.UniqueConstraint(
                "author",
                "asker",
                "position",
                condition=Q(status="open", position__isnull=False),
                name="recrequest_one_open_per_position",
            ),
            models.UniqueConstraint(
                "author",
                "asker",
                "education",
                condition=Q(status="open", education__isnull=False),
                name="recrequest_one_open_per_school",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "status", "-created_at"], name="recrequest_inbox"),
            models.Index(fields=["asker", "status", "-created_at"], name="recrequest_outbox"),
        ]

    def __str__(self) -> str:
        return f"recommendation request {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


LIVE_STATES = ("pending", "published", "hidden", "revision")


class Recommendation(models.Model):
    """`author`'s recommendation of `subject`.

    pending (waiting for the subject's approval) → published (on the profile)
    ⇄ hidden (by the subject); pending/published/hidden → revision (the subject asked the
    author for changes) → pending (the author edited it); pending/revision → declined (by
    the subject); any live state → withdrawn (by the author). Declined and withdrawn are
    final. A moderator can take any recommendation down (`moderated_at`) whatever its state.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        PUBLISHED = "published", "On the profile"
        HIDDEN = "hidden", "Hidden"
        REVISION = "revision", "Revision asked"
        DECLINED = "declined", "Not accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations_written"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations_received"
    )
    position = models.ForeignKey(
        "profiles.Position", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    education = models.ForeignKey(
        "profiles.Education", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    request = models.OneToOneField(
        RecommendationRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommendation",
        help_text="The request it answers, if it was asked for.",
    )
    relationship = models.CharField(max_length=12, choices=Relationship.choices)
    body = models.TextField(max_length=BODY_MAX)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    revision_note = models.TextField(
        max_length=MESSAGE_MAX, blank=True, help_text="What the subject asked to change."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    written_at = models.DateTimeField(help_text="Last submitted for approval.")
    published_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(
        null=True, blank=True, help_text="Taken down by a moderator: shown nowhere."
    )
    moderation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "pending",
                        "published",
                        "hidden",
                        "revision",
                        "declined",
                        "withdrawn",
                    ]
                ),
                name="recommendation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(relationship__in=Relationship.values),
                name="recommendation_relationship_valid",
            ),
            models.CheckConstraint(
                condition=~Q(author=F("subject")), name="recommendation_not_self"
            ),
            models.CheckConstraint(
                condition=Q(position__isnull=True) | Q(education__isnull=True),
                name="recommendation_one_tie",
            ),
            models.CheckConstraint(condition=~Q(body=""), name="recommendation_has_body"),
            models.CheckConstraint(
                condition=~Q(status="revision") | ~Q(revision_note=""),
                name="recommendation_revision_has_note",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["published", "hidden"]) | Q(published_at__isnull=False),
                name="recommendation_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(status__in=LIVE_STATES, closed_at__isnull=True)
                | (~Q(status__in=LIVE_STATES) & Q(closed_at__isnull=False)),
                name="recommendation_closed_iff_final",
            ),
            # One live recommendation per author, subject and position (or school).
            models.UniqueConstraint(
                "author",
                "subject",
                "position",
                condition=Q(status__in=LIVE_STATES, position__isnull=False),
                name="recommendation_one_live_per_position",
            ),
            models.UniqueConstraint(
                "author",
                "subject",
                "education",
                condition=Q(status__in=LIVE_STATES, education__isnull=False),
                name="recommendation_one_live_per_school",
            ),
        ]
        indexes = [
            models.Index(
                fields=["subject", "status", "-published_at"], name="recommendation_about"
            ),
            models.Index(fields=["author", "status"], name="recommendation_by"),
        ]

    def __str__(self) -> str:
        return f"recommendation {self.pk} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATES
