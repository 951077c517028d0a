"""Statements written once, prepared once per database connection.

On the API's hot paths (a token, a profile, a page of search results, closeness, a
connection request's preconditions) Postgres spent more time planning each statement
than running it: 4.2 s of planning against 1.8 s of execution in 20 s of the load test
(pg_stat_statements with track_planning, docs/benchmarks.md). A prepared statement is
parsed once per connection, and after a few executions Postgres keeps a generic plan.

`run_prepared(cursor, sql, params)` takes the SQL as the cursor would (%s or %(name)s
placeholders): it PREPAREs it on the connection's first use and EXECUTEs it from then
on. Prepared statements live as long as the server session and survive a rollback.
settings.DATABASE_PREPARED_STATEMENTS turns this off (a pooler in transaction mode,
such as PgBouncer's, does not keep them); tests run without it, so that a statement's
first use does not count as one more query, and tests/test_prepared_statements.py
checks it.
"""

import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Model

_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?s")
_lock = threading.Lock()
_statements: dict[str, "_Prepared"] = {}


class _Prepared:
    def __init__(self, sql: str, name: str) -> None:
        self.name = name
        self.order: list[int | str] = []

        def number(match: re.Match[str]) -> str:
            key: int | str = match.group(1) or len(self.order)
            if key not in self.order:
                self.order.append(key)
            return f"${self.order.index(key) + 1}"

        self.prepare = f"PREPARE {name} AS {_PLACEHOLDER.sub(number, sql)}"
        args = ", ".join(["%s"] * len(self.order))
        self.execute = f"EXECUTE {name}({args})" if self.order else f"EXECUTE {name}"

    def values(self, params: Sequence[Any] | Mapping[str, Any]) -> list[Any]:
        if isinstance(params, Mapping):
            return [params[str(key)] for key in self.order]
        return list(params)


def _prepared(sql: str) -> _Prepared:
    found = _statements.get(sql)
    if found is None:
        with _lock:
            found = _statements.get(sql)
            if found is None:
                found = _Prepared(sql, f"linkup_{len(_statements)}")
                _statements[sql] = found
    return found


def run_prepared(cursor: Any, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> None:
    """cursor.execute(sql, params), through a statement prepared on this connection."""
    if not settings.DATABASE_PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    statement = _prepared(sql)
    wrapper = cursor.db  # Django's DatabaseWrapper; .connection is the driver's connection
    raw = wrapper.connection
    state = getattr(wrapper, "_prepared_on", None)
    if state is None or state[0] is not raw:  # a new connection: nothing prepared yet
        state = (raw, set[str]())
        wrapper._prepared_on = state
    if statement.name not in state[1]:
        cursor.execute(statement.prepare)
        state[1].add(statement.name)
    cursor.execute(statement.execute, statement.values(params))


def model_columns(model: type[Model], alias: str) -> tuple[list[str], str]:
    """A model's concrete fields: their names as Model.from_db takes them, and the same
    columns in SQL, of the table aliased `alias`, in the same order."""
    fields = model._meta.concrete_fields
    return [f.attname for f in fields], ", ".join(f"{alias}.{f.column}" for f in fields)
