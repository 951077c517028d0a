"""Suggestions from shared history: whom to ask, whom to recommend.

john — pete — maya        (zoe knows nobody)
"""

import pytest

from connections import graph
from connections import services as connection_services
from profiles.services import member_suspend
from recommendations import selectors, services
from tests.recommendations.conftest import ask, position, published, school

pytestmark = pytest.mark.django_db


def suggested(member, direction="ask"):
    rows = selectors.suggestions(member, direction=direction)
    selectors.with_members(rows)
    return rows


def test_overlapping_positions_at_the_same_company_suggest_each_other(people):
    johns = position(people["john"], "Acme, Inc.", start=(2003, 3), end=(2006, 6))
    petes = position(people["pete"], "ACME", start=(2004, 1), end=(2008, 1))
    (row,) = suggested(people["john"], "ask")
    assert row.member == people["pete"].profile
    assert row.text == "You and Pete both list Acme, Inc., 2004–2006"
    assert (row.kind, row.tie_id, row.about) == ("position", johns.pk, f"p:{johns.pk}")
    (row,) = suggested(people["john"], "write")
    assert row.member == people["pete"].profile
    assert (row.tie_id, row.name) == (petes.pk, "ACME")
    # And from Pete's side, the other way round.
    assert [r.tie_id for r in suggested(people["pete"], "ask")] == [petes.pk]
    assert [r.tie_id for r in suggested(people["pete"], "write")] == [johns.pk]


@pytest.mark.parametrize(
    ("mine", "theirs"),
    [
        ("The Acme Company", "acme corp."),
        ("Acme GmbH", "ACME gmbh"),
        ("Acme Co., Ltd.", "Acme"),
    ],
)
def test_company_names_are_compared_without_case_punctuation_or_legal_forms(people, mine, theirs):
    position(people["john"], mine)
    position(people["pete"], theirs)
    assert len(suggested(people["john"])) == 1


def test_different_companies_or_dates_that_do_not_overlap_suggest_nobody(people):
    position(people["john"], "Acme", start=(2001, 1), end=(2003, 12))
    position(people["pete"], "Acme", start=(2004, 1), end=(2006, 1))
    position(people["pete"], "Acme Airlines", start=(2001, 1), end=(2003, 1))
    assert suggested(people["john"]) == []
    assert suggested(people["john"], "write") == []


def test_current_positions_overlap_until_today(people):
    position(people["john"], "Nordic Rail", start=(2019, 5), end=None)
    position(people["pete"], "Nordic Rail", start=(2021, 2), end=None)
    (row,) = suggested(people["john"])
    assert row.ongoing and row.text == "You and Pete both list Nordic Rail, since 2021"


def test_schools_with_overlapping_years(people):
    mine = school(people["john"], "Universidade de Lisboa", 2000, 2004)
    school(people["pete"], "universidade de lisboa", 2003, 2007)
    (row,) = suggested(people["john"])
    assert (row.kind, row.tie_id, row.about) == ("education", mine.pk, f"e:{mine.pk}")
    assert row.text == "You and Pete both list Universidade de Lisboa, 2003–2004"
    assert "were at Universidade de Lisboa" in row.default_message


def test_only_connections_are_suggested(people):
    position(people["john"])
    position(people["maya"])  # 2nd degree
    position(people["zoe"])  # out of network
    assert suggested(people["john"]) == []


def test_hidden_members_are_not_suggested(people):
    position(people["john"])
    position(people["pete"])
    graph.add_edge(people["john"].pk, people["maya"].pk)
    position(people["maya"])
    member_suspend(member=people["maya"])
    assert [r.member_id for r in suggested(people["john"])] == [people["pete"].pk]
    connection_services.block_create(blocker=people["pete"], blocked=people["john"])
    assert suggested(people["john"]) == []


def test_what_is_asked_or_recommended_already_is_left_out(people):
    johns = position(people["john"])
    position(people["pete"])
    request = ask(people, johns)
    assert suggested(people["john"], "ask") == []  # John asked Pete already
    assert suggested(people["pete"], "write") == []  # it waits in Pete's "asked of you"
    assert len(suggested(people["pete"], "ask")) == 1  # Pete could still ask John
    services.recommendation_request_withdraw(request_id=request.pk, member=people["john"])
    assert len(suggested(people["john"], "ask")) == 1
    published(people, johns)
    assert suggested(people["john"], "ask") == []
    assert suggested(people["pete"], "write") == []


def test_one_row_per_connection_with_the_longest_overlap(people):
    position(people["john"], "Acme", start=(2001, 1), end=(2002, 1))
    long_one = position(people["john"], "Acme", start=(2004, 1), end=(2010, 1))
    position(people["pete"], "Acme", start=(2001, 6), end=(2009, 1))
    (row,) = suggested(people["john"])
    assert row.tie_id == long_one.pk


def test_longest_overlap_first(people, make_member, connect):
    position(people["john"], "Acme", start=(2000, 1), end=(2010, 1))
    position(people["pete"], "Acme", start=(2008, 1), end=(2012, 1))
    ann = make_member("ann", full_name="Ann Berg")
    connect(people["john"], ann)
    position(ann, "Acme", start=(2001, 1), end=(2009, 1))
    assert [r.member_id for r in suggested(people["john"])] == [ann.pk, people["pete"].pk]


def test_each_list_is_one_query(people, make_member, connect, django_assert_num_queries):
    position(people["john"])
    for n in range(5):
        other = make_member(f"colleague-{n}")
        connect(people["john"], other)
        position(other)
        school(other)
    school(people["john"])
    with django_assert_num_queries(1):
        rows = selectors.suggestions(people["john"], direction="ask")
    with django_assert_num_queries(1):
        more = selectors.suggestions(people["john"], direction="write")
    with django_assert_num_queries(1):
        selectors.with_members(rows, more)
    assert len(rows) == 5 and len(more) == 5
