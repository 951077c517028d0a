from django.conf import settings
from django.db import models
from django.db.models import F, Q


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
