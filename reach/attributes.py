"""Member attributes as arrays, for breaking a member's network down in numpy.

Every member's industry, current company and location become small integer
codes (0 = not given), read from Postgres once per worker process with one
binary COPY, like connections/memgraph.py reads the edges. A breakdown is
then a gather and a bincount over the member's 2nd/3rd-degree node lists,
never a query per member.

Companies and locations are free text: members who write "Acme" and
" acme" are in one bucket (the key is lower(btrim(text)), the label its most
common spelling). "Current company" is the member's first current position,
in the profile's order (start date, newest first).

Reloaded with the in-memory graph (a new MemGraph object) or after MAX_AGE.
Until then an edited profile keeps its old bucket, like the counts themselves
are "as last computed".
"""

import io
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from django.db import connection as db
from django.db import transaction
from django.utils import timezone

from connections.memgraph import MemGraph
from profiles.industries import Industry

DIMENSIONS = ("industry", "company", "location")
MAX_AGE = timedelta(minutes=30)

_ROW = np.dtype(
    [
        ("n", ">i2"),
        ("l0", ">i4"),
        ("id", ">i4"),
        ("l1", ">i4"),
        ("industry", ">i4"),
        ("l2", ">i4"),
        ("company", ">i4"),
        ("l3", ">i4"),
        ("location", ">i4"),
    ]
)
_COPY_HEADER = 19

# The member's current company: their first current position, as the profile lists it.
CURRENT_COMPANIES = """
SELECT DISTINCT ON (o.profile_id) o.profile_id, btrim(o.organization) AS org
FROM profiles_position o
WHERE o.is_current
ORDER BY o.profile_id, o.start_date DESC, o.id DESC
"""

COMPANY_DICTIONARY = f"""
WITH cur AS ({CURRENT_COMPANIES})
SELECT lower(org) AS key, mode() WITHIN GROUP (ORDER BY org) AS label
FROM cur WHERE org <> '' GROUP BY 1 ORDER BY 1
"""  # noqa: S608 - module constants only

LOCATION_DICTIONARY = """
SELECT lower(btrim(location)) AS key, mode() WITHIN GROUP (ORDER BY btrim(location)) AS label
FROM profiles_profile WHERE btrim(location) <> '' GROUP BY 1 ORDER BY 1
"""

MEMBER_CODES = f"""
WITH cur AS ({CURRENT_COMPANIES}),
ind AS (SELECT * FROM unnest(%(industry)s::text[]) WITH ORDINALITY AS d(key, code)),
org AS (SELECT * FROM unnest(%(company)s::text[]) WITH ORDINALITY AS d(key, code)),
loc AS (SELECT * FROM unnest(%(location)s::text[]) WITH ORDINALITY AS d(key, code))
SELECT p.user_id::int4, coalesce(ind.code, 0)::int4, coalesce(org.code, 0)::int4,
       coalesce(loc.code, 0)::int4
FROM profiles_profile p
LEFT JOIN cur ON cur.profile_id = p.user_id
LEFT JOIN ind ON ind.key = p.industry
LEFT JOIN org ON org.key = lower(cur.org)
LEFT JOIN loc ON loc.key = lower(btrim(p.location))
ORDER BY p.user_id
"""  # noqa: S608 - module constants only


def normalise(text: str) -> str:
    """The bucket key of a company or location as a member wrote it."""
    return text.strip().lower()


@dataclass
class Dimension:
    """The buckets of one attribute: code → value (the key used in URLs) and label."""

    name: str
    values: list[str]  # values[0] == "": not given
    labels: list[str]
    _index: dict[str, int] | None = field(default=None, repr=False)

    @property
    def size(self) -> int:
        return len(self.values)

    def code(self, value: str) -> int | None:
        if self._index is None:
            self._index = {v: i for i, v in enumerate(self.values) if i}
        return self._index.get(value)


@dataclass
class Attributes:
    ids: np.ndarray  # int64, sorted member ids
    codes: np.ndarray  # int32, shape (len(DIMENSIONS), len(ids))
    dimensions: dict[str, Dimension]
    loaded_at: datetime
    seconds: float
    _graph_key: tuple[datetime, int] | None = field(default=None, repr=False)
    _graph_codes: np.ndarray | None = field(default=None, repr=False)

    def for_graph(self, mem: MemGraph) -> np.ndarray:
        """Codes aligned with the graph's nodes, shape (len(DIMENSIONS), mem.n). Cached per
        graph; members unknown here (joined after the load) have code 0, not given."""
        key = (mem.taken_at, mem.n)
        if self._graph_key != key or self._graph_codes is None:
            node_ids = np.fromiter(
                (mem.member_id(i) for i in range(mem.n_base, mem.n)),
                dtype=np.int64,
                count=mem.n - mem.n_base,
            )
            all_ids = np.concatenate((mem.ids.astype(np.int64), node_ids))
            pos = np.searchsorted(self.ids, all_ids)
            pos = np.minimum(pos, max(len(self.ids) - 1, 0))
            codes = np.zeros((len(DIMENSIONS), len(all_ids)), dtype=np.int32)
            if len(self.ids):
                found = self.ids[pos] == all_ids
                codes[:, found] = self.codes[:, pos[found]]
            self._graph_key, self._graph_codes = key, codes
        return self._graph_codes

    def too_old(self) -> bool:
        return timezone.now() - self.loaded_at > MAX_AGE


def _rows(sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
    with db.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


def _dimension(name: str, rows: list[tuple[Any, ...]]) -> Dimension:
    return Dimension(name, ["", *(key for key, _ in rows)], ["", *(label for _, label in rows)])


def load() -> Attributes:
    """Read every member's codes: two dictionary queries and one binary COPY, in one
    REPEATABLE READ snapshot when not inside a caller's transaction."""
    started = time.perf_counter()
    outermost = not db.in_atomic_block
    with transaction.atomic():
        if outermost:
            with db.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        companies = _rows(COMPANY_DICTIONARY)
        locations = _rows(LOCATION_DICTIONARY)
        dimensions = {
            "industry": Dimension("industry", ["", *Industry.values], ["", *Industry.labels]),
            "company": _dimension("company", companies),
            "location": _dimension("location", locations),
        }
        with db.cursor() as cur:
            sql = cur.mogrify(
                MEMBER_CODES,
                {name: dimensions[name].values[1:] for name in DIMENSIONS},
            ).decode()
            buf = io.BytesIO()
            cur.copy_expert(f"COPY ({sql}) TO STDOUT WITH (FORMAT binary)", buf)
    raw = buf.getbuffer()
    count = (len(raw) - _COPY_HEADER - 2) // _ROW.itemsize
    rows = np.frombuffer(raw, dtype=_ROW, count=count, offset=_COPY_HEADER)
    codes = np.empty((len(DIMENSIONS), count), dtype=np.int32)
    for i, name in enumerate(DIMENSIONS):
        codes[i] = rows[name]
    return Attributes(
        ids=rows["id"].astype(np.int64),
        codes=codes,
        dimensions=dimensions,
        loaded_at=timezone.now(),
        seconds=time.perf_counter() - started,
    )


_cached: Attributes | None = None
_cached_for: datetime | None = None


def current(mem: MemGraph) -> Attributes:
    """This process's attributes: loaded on first use, again with each newly loaded graph
    (so both describe about the same moment) and after MAX_AGE."""
    global _cached, _cached_for
    if _cached is None or _cached_for != mem.taken_at or _cached.too_old():
        _cached = load()
        _cached_for = mem.taken_at
    return _cached


def forget() -> None:
    global _cached, _cached_for
    _cached = None
    _cached_for = None
