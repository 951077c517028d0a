"""The member graph. The only module that knows how connections are stored.

Layout: table connections_connection, one row per direction, primary key
(member_id, other_id). Every function here takes and returns member ids.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db import connection as db
from django.db import transaction
from django.utils import timezone

from connections.models import Connection


def first_degree_ids(member_id: int) -> list[int]:
    return list(Connection.objects.filter(member_id=member_id).values_list("other_id", flat=True))


def connection_count(member_id: int) -> int:
    return Connection.objects.filter(member_id=member_id).count()


def are_connected(a: int, b: int) -> bool:
    if a == b:
        return False
    return Connection.objects.filter(member_id=a, other_id=b).exists()


def connected_among(member_id: int, others: Iterable[int]) -> set[int]:
    """Which of `others` are 1st-degree connections of `member_id` (one query)."""
    ids = list(set(others))
    if not ids:
        return set()
    return set(
        Connection.objects.filter(member_id=member_id, other_id__in=ids).values_list(
            "other_id", flat=True
        )
    )


@transaction.atomic
def add_edge(a: int, b: int, *, at: datetime | None = None) -> bool:
    """Connect a and b (both directions). Returns False if they already were."""
    if a == b:
        raise ValueError("a member cannot connect to themself")
    at = at or timezone.now()
    with db.cursor() as cur:
        cur.execute(
            "INSERT INTO connections_connection (member_id, other_id, created_at, note)"
            " VALUES (%s, %s, %s, ''), (%s, %s, %s, '')"
            " ON CONFLICT DO NOTHING",
            [a, b, at, b, a, at],
        )
        return cur.rowcount == 2


@transaction.atomic
def remove_edge(a: int, b: int) -> bool:
    deleted, _ = Connection.objects.filter(member_id__in=[a, b], other_id__in=[a, b]).delete()
    return deleted > 0


def copy_edges(pairs: Sequence[tuple[int, int]], *, at: datetime) -> int:
    """Bulk-load undirected pairs (a < b, no duplicates) with COPY. For seeding and benchmarks."""
    import io

    buf = io.StringIO()
    stamp = at.isoformat()
    for a, b in pairs:
        buf.write(f"{a}\t{b}\t{stamp}\t\n{b}\t{a}\t{stamp}\t\n")
    buf.seek(0)
    with db.cursor() as cur:
        cur.copy_expert(
            "COPY connections_connection (member_id, other_id, created_at, note) FROM STDIN",
            buf,
        )
    return 2 * len(pairs)
