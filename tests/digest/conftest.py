from datetime import timedelta

import pytest
from django.utils import timezone

from digest.models import KeepInTouch


@pytest.fixture
def circle(make_member, connect):
    """Alice is connected to Bob, Carol and Dave; Eve is 2nd degree (through Bob).

    alice — bob — eve
      |  \\
    carol  dave
    """
    people = {
        name: make_member(name, full_name=f"{name.title()} {surname}")
        for name, surname in [
            ("alice", "Archer"),
            ("bob", "Baker"),
            ("carol", "Chen"),
            ("dave", "Dunn"),
            ("eve", "Evans"),
        ]
    }
    for other in ("bob", "carol", "dave"):
        connect(people["alice"], people[other])
    connect(people["bob"], people["eve"])
    return people


@pytest.fixture
def overdue():
    """Move an entry's due date into the past (as if months went by)."""

    def move(entry: KeepInTouch, *, days: int = 1) -> KeepInTouch:
        KeepInTouch.objects.filter(pk=entry.pk).update(
            next_due_at=timezone.now() - timedelta(days=days)
        )
        entry.refresh_from_db()
        return entry

    return move
