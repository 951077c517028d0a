"""common.db: hot statements prepared once per connection give what plain ones give."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.db import run_prepared
from connections import graph
from profiles import selectors
from profiles.api_auth import token_with_user
from profiles.models import ApiToken
from profiles.services import api_token_create
from tests.factories import PositionFactory, SkillFactory

pytestmark = pytest.mark.django_db


def test_positional_and_named_placeholders(settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    with connection.cursor() as cur:
        run_prepared(cur, "SELECT %s::int + %s::int", [2, 3])
        assert cur.fetchone() == (5,)
        # A name used twice is one parameter.
        run_prepared(cur, "SELECT %(a)s::int * %(a)s::int + %(b)s::int", {"a": 4, "b": 1})
        assert cur.fetchone() == (17,)
        run_prepared(cur, "SELECT cardinality(%s::bigint[])", [[]])
        assert cur.fetchone() == (0,)


def test_prepared_once_per_connection_then_executed(settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    sql = "SELECT %s::int * 10"
    with CaptureQueriesContext(connection) as first, connection.cursor() as cur:
        run_prepared(cur, sql, [1])
        run_prepared(cur, sql, [2])
        assert cur.fetchone() == (20,)
    statements = [q["sql"] for q in first.captured_queries]
    name = statements[0].split()[1]
    assert statements[0].startswith(f"PREPARE {name} AS ")
    assert statements[1:] == [f"EXECUTE {name}(1)", f"EXECUTE {name}(2)"]
    # On another connection (as after a reconnect: nothing prepared there), prepared again.
    with connection.cursor() as cur:
        cur.execute("DEALLOCATE ALL")
    connection._prepared_on = (object(), set())
    try:
        with CaptureQueriesContext(connection) as again, connection.cursor() as cur:
            run_prepared(cur, sql, [3])
            assert cur.fetchone() == (30,)
        assert [q["sql"].split()[0] for q in again.captured_queries] == ["PREPARE", "EXECUTE"]
    finally:  # leave the connection as the next test expects it: nothing prepared
        with connection.cursor() as cur:
            cur.execute("DEALLOCATE ALL")
        del connection._prepared_on


def test_hot_reads_agree_with_and_without_preparing(settings, make_member, connect):
    alice, bob, carol = make_member("alice"), make_member("bob"), make_member("carol")
    connect(alice, bob)
    connect(bob, carol)
    PositionFactory(profile=carol.profile)
    SkillFactory(profile=carol.profile)
    _, key = api_token_create(user=alice, name="cli")

    def reads() -> tuple:
        token = token_with_user(ApiToken.hash_key(key))
        assert token is not None
        profile = selectors.profile_for_viewer(handle="carol", viewer=alice)
        return (
            token.pk,
            token.user.username,
            profile.full_name,
            [p.title for p in profile.positions.all()],
            [s.name for s in profile.skills.all()],
            sorted(selectors.visible_profiles_by_id([bob.pk, carol.pk])),
            sorted(selectors.visible_members_by_handle(alice.pk, ["bob", "carol"])),
        )

    settings.DATABASE_PREPARED_STATEMENTS = False
    plain = reads()
    settings.DATABASE_PREPARED_STATEMENTS = True
    assert reads() == plain
    assert reads() == plain  # executed, not prepared, the second time
    assert plain[3] and plain[4]


def test_closeness_exact_part_prepared(settings, make_member, connect):
    from connections import memgraph

    alice, bob, carol = make_member("alice"), make_member("bob"), make_member("carol")
    connect(alice, bob)
    connect(bob, carol)
    settings.SEARCH_GRAPH = "inline"
    settings.DATABASE_PREPARED_STATEMENTS = True
    try:
        found = graph.closeness(alice.pk, [bob.pk, carol.pk])
        again = graph.closeness(alice.pk, [bob.pk, carol.pk])
    finally:
        memgraph.holder.set(None)
    assert found == again
    assert (found[bob.pk].degree, found[carol.pk].degree, found[carol.pk].mutual_count) == (1, 2, 1)


def test_a_profiles_lists_read_without_queries_and_filter_further_as_the_orm(
    make_member, django_assert_num_queries
):
    carol, dave = make_member("carol"), make_member("dave")
    PositionFactory(profile=carol.profile, title="Now", is_current=True)
    PositionFactory(profile=carol.profile, title="Before", is_current=False)
    PositionFactory(profile=dave.profile, title="Dave's", is_current=True)
    profile = selectors.profile_for_viewer(handle="carol", viewer=dave)
    with django_assert_num_queries(0):
        assert [p.title for p in profile.positions.all()] == ["Now", "Before"]
    # Filtered further, the list is the profile's own (the deferred filter applies).
    assert [p.title for p in profile.positions.all().filter(is_current=True)] == ["Now"]
    assert profile.positions.all().count() == 2
