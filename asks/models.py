"""Asks: a member posts a need to their network, and their network helps.

Who sees an ask (asks.selectors.asks_visible_to holds the rule): the asker, the
asker's 1st-degree connections, and the members a connection passed it to. Only
the asker's own connections pass an ask on, so it reaches at most the asker's 2nd
degree, and only those people a connection chose.

Reach is never a counter that a client (or a race) could bend: it is counted from
the rows below — one row per member who saw the ask (AskView), per pass (AskPass),
per referral (AskReferral).
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from profiles.industries import Industry

MAX_OPEN_FOR = timedelta(days=90)


class Ask(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SOLVED = "solved", "Solved"
        UNSOLVED = "unsolved", "Closed, not solved"
        EXPIRED = "expired", "Expired"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="asks"
    )
    title = models.CharField(max_length=150)
    body = models.TextField(max_length=2000)
    topic = models.CharField(max_length=60, blank=True, help_text="A few words: what it is about.")
    industry = models.CharField(max_length=40, choices=Industry.choices, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True)
                | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="ask_closed_iff_not_open",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at"))
                & Q(expires_at__lte=F("created_at") + MAX_OPEN_FOR),
                name="ask_expiry_within_90_days",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "-created_at"], name="ask_by_author"),
            models.Index(fields=["expires_at"], condition=Q(status="open"), name="ask_open_expiry"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in (self.Status.SOLVED, self.Status.UNSOLVED)


class AskAnswer(models.Model):
    """A reply to an ask. Only the asker (and its author) ever read it."""

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ask", "author"], name="ask_answer_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"answer by {self.author_id} to ask {self.ask_id}"


class AskPass(models.Model):
    """A connection of the asker passed the ask on to one of their own connections."""

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="passes")
    from_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    to_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="asks_received"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "ask passes"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ask", "from_member", "to_member"], name="ask_pass_once_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(from_member=F("to_member")), name="ask_pass_not_self"
            ),
        ]
        indexes = [
            models.Index(fields=["to_member", "ask"], name="ask_pass_inbox"),
            models.Index(fields=["from_member", "created_at"], name="ask_pass_quota"),
        ]

    def __str__(self) -> str:
        return f"ask {self.ask_id}: {self.from_member_id} → {self.to_member_id}"


class AskReferral(models.Model):
    """A connection of the asker refers someone they know: a broker-initiated
    introduction (double opt-in) between the asker and the referred member."""

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="referrals")
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    referred = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    note = models.TextField(max_length=1000, blank=True)
    introduction = models.OneToOneField(
        "introductions.Introduction", on_delete=models.CASCADE, related_name="ask_referral"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["ask", "referred"], name="ask_referral_once_per_member"
            ),
            models.CheckConstraint(
                condition=~Q(referrer=F("referred")), name="ask_referral_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"ask {self.ask_id}: {self.referrer_id} refers {self.referred_id}"


class AskView(models.Model):
    """A member saw the ask (in their feed or on its page): counted once per member."""

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="views")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ask", "member"], name="ask_view_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"ask {self.ask_id} seen by {self.member_id}"


class AskHelper(models.Model):
    """Someone the asker thanked, on closing, for helping."""

    ask = models.ForeignKey(Ask, on_delete=models.CASCADE, related_name="helpers")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ask", "member"], name="ask_helper_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} helped with ask {self.ask_id}"
