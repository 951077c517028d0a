from collections.abc import Iterator

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from connections import graph, memgraph
from profiles import search_memory
from profiles.models import User
from profiles.services import api_token_create
from tests.factories import PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Throttle and rate-limit counters live in the cache: start every test clean,
    # and with no in-memory graph or search match set left from another test's database.
    cache.clear()
    memgraph.forget()
    search_memory.graph_holder.set(None)
    search_memory.forget()
    yield
    search_memory.graph_holder.set(None)
    search_memory.forget()


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def make_member(db):
    def make(handle: str, **profile: object):
        kwargs = {f"profile__{k}": v for k, v in profile.items()}
        return UserFactory(username=handle, **kwargs)

    return make


@pytest.fixture
def alice(make_member):
    return make_member("alice", full_name="Alice Archer")


@pytest.fixture
def bob(make_member):
    return make_member("bob", full_name="Bob Baker")


@pytest.fixture
def carol(make_member):
    return make_member("carol", full_name="Carol Chen")


@pytest.fixture
def connect():
    def do(a: User, b: User) -> None:
        graph.add_edge(a.pk, b.pk)

    return do


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as():
    """An APIClient authenticated with a fresh personal token of `member`."""

    def make(member: User) -> APIClient:
        _, key = api_token_create(user=member, name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (task publishing) of the block, as a real commit would."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
