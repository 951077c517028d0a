"""The authorization suite's world, built once for the package and rolled back after it.

The world is created inside one outer transaction that stays open while the package's
tests run; each test runs in its own savepoint (pytest-django's `db`), so a test that
blocks, suspends or deletes someone leaves the world as it found it. Nothing here is
ever committed, and the package-scoped fixture ends before any other package's tests.
"""

from collections.abc import Iterator

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import transaction
from django.test import TestCase

from connections import memgraph
from reach import attributes
from tests.authz.world import World, build


@pytest.fixture(scope="package")
def world(django_db_setup: None, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            cache.clear()
            memgraph.forget()
            attributes.forget()
            mail.outbox = []
            # E-mails and other tasks go out as a commit would send them (Celery is eager).
            with TestCase.captureOnCommitCallbacks(execute=True):
                built = build()
            built.emails = list(mail.outbox)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            memgraph.forget()
            attributes.forget()


@pytest.fixture(autouse=True)
def _fresh_derived_state() -> None:
    # tests/conftest.py forgets the in-memory graph; the reach attributes are cached too.
    attributes.forget()
