"""People search: ranking, typos, filters, degrees and privacy, on the page and in the API."""

import random
from collections.abc import Iterator

import pytest
from django.urls import reverse

from connections import graph
from connections.services import block_create, connection_request_create
from profiles import search, search_memory
from profiles.industries import Industry
from profiles.search import MemberSearch, search_members
from profiles.services import member_suspend
from tests.factories import EducationFactory, PositionFactory, SkillFactory

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/profiles/"
CONTACT_KEYS = {"contact_email", "phone", "website"}


def handles(viewer, **criteria) -> list[str]:
    return [row.profile.user.username for row in search_members(viewer=viewer, **criteria)]


@pytest.fixture(autouse=True, params=["sql", "memory"])
def engine(request, settings) -> Iterator[str]:
    """Every test twice: with the SQL search, and with the worker's in-memory graph and
    match sets (read inline on the test's first search, after it made its data).

    Searches with no text query, industry or location, or with a company, school or skill
    filter, run in SQL either way."""
    if request.param == "memory":
        settings.SEARCH_GRAPH = "inline"
        settings.SEARCH_GRAPH_SYNC_SECONDS = 0.0
    search_memory.graph_holder.set(None)
    search_memory.forget()
    yield request.param
    search_memory.graph_holder.set(None)
    search_memory.forget()


@pytest.fixture
def dave(make_member):
    return make_member("dave", full_name="Dave Dunn")


@pytest.fixture
def erin(make_member):
    return make_member("erin", full_name="Erin Evans")


@pytest.fixture
def small_beyond(monkeypatch):
    """Bounds beyond the 2nd degree small enough to reach in a test."""
    monkeypatch.setattr(search, "BEYOND_LIMIT", 3)
    monkeypatch.setattr(search, "BEYOND_SCAN", 6)
    monkeypatch.setattr(search, "NAME_LIMIT", 2)


# --- ranking -------------------------------------------------------------------------


def test_exact_name_match_comes_first(make_member, alice):
    make_member("alice2", full_name="Alice Archer Smith", headline="Alice Archer fan")
    make_member("alice3", full_name="Alicia Archers")
    viewer = make_member("viewer", full_name="Victor Viewer")

    result = handles(viewer, q="alice archer")

    assert result[0] == "alice"
    assert set(result) >= {"alice", "alice2"}


def test_exact_name_beats_a_closer_partial_match(make_member, connect):
    viewer = make_member("viewer", full_name="Victor Viewer")
    friend = make_member("friend", full_name="Sam Smithson")
    make_member("stranger", full_name="Sam Smith")
    connect(viewer, friend)

    assert handles(viewer, q="sam smith") == ["stranger", "friend"]


def test_closer_members_first_among_equal_matches(make_member, connect):
    viewer = make_member("viewer", full_name="Victor Viewer")
    far = make_member("far", full_name="Sam Smith", headline="Engineer")
    third = make_member("third", full_name="Sam Smith", headline="Engineer")
    second = make_member("second", full_name="Sam Smith", headline="Engineer")
    first = make_member("first", full_name="Sam Smith", headline="Engineer")
    x = make_member("x", full_name="Xavier X")
    connect(viewer, first)
    connect(viewer, x)
    connect(x, second)
    connect(second, third)
    assert far  # out of network

    result = search_members(viewer=viewer, q="Sam Smith")

    assert [r.profile.user.username for r in result] == ["first", "second", "third", "far"]
    assert [r.closeness.degree for r in result] == [1, 2, 3, None]
    assert [r.closeness.mutual_count for r in result] == [0, 1, 0, 0]


def test_a_word_in_the_name_beats_the_headline_which_beats_the_summary(make_member, connect):
    viewer = make_member("viewer", full_name="Victor Viewer")
    in_summary = make_member("summary", full_name="Sue Summary", headline="Pilot")
    in_summary.profile.summary = "Ten years as a welder."
    in_summary.profile.save()
    make_member("headline", full_name="Hal Headline", headline="Welder at Forge")
    make_member("name", full_name="Wanda Welder", headline="Pilot")
    # Closeness does not outweigh a better match: the summary-only match is 1st degree.
    connect(viewer, in_summary)

    assert handles(viewer, q="welder") == ["name", "headline", "summary"]


def test_filter_only_search_ranks_by_closeness_then_name(make_member, connect):
    viewer = make_member("viewer", full_name="Victor Viewer", location="Porto")
    make_member("aaron", full_name="Aaron Out", location="Lisbon")
    make_member("bea", full_name="Bea Out", location="Lisbon")
    friend = make_member("zoe", full_name="Zoe Friend", location="Lisbon")
    connect(viewer, friend)

    assert handles(viewer, location="lisbon") == ["zoe", "aaron", "bea"]


# --- typos and text ---------------------------------------------------------------------


def test_misspelt_name_is_found(alice, bob):
    assert handles(bob, q="Alise Archr") == ["alice"]


def test_partial_name_is_found(alice, bob):
    assert handles(bob, q="ali") == ["alice"]


def test_a_short_query_matches_words_not_parts_of_names(make_member, bob):
    make_member("al", full_name="Al Green")
    make_member("alan", full_name="Alan Grey")

    assert handles(bob, q="al") == ["al"]


def test_stop_words_alone_find_nothing_and_are_not_an_error(alice, bob):
    assert handles(bob, q="the") == []


@pytest.mark.parametrize("q", ["(", "a.*b", "[x", "\\", "' OR 1=1 --", "&|!", "%", "%(v)s"])
def test_punctuation_is_matched_literally_not_an_error(alice, bob, q):
    assert handles(bob, q=q) == []


def test_headline_and_summary_words_are_found(make_member, bob):
    make_member("gina", full_name="Gina Green", headline="Kubernetes consultant")
    hank = make_member("hank", full_name="Hank Hill")
    hank.profile.summary = "I maintain Kubernetes clusters."
    hank.profile.save()

    assert set(handles(bob, q="kubernetes")) == {"gina", "hank"}
    assert handles(bob, q="zzzqqq") == []


def test_the_search_document_follows_profile_edits(alice, bob):
    alice.profile.headline = "Glassblower"
    alice.profile.save()

    assert handles(bob, q="glassblower") == ["alice"]
    alice.profile.headline = "Potter"
    alice.profile.save()
    assert handles(bob, q="glassblower") == []


# --- bounded work beyond the 2nd degree ------------------------------------------------


def test_an_exact_name_beyond_the_bound_is_still_found_first(make_member, bob, small_beyond):
    for n in range(8):
        make_member(f"eng-{n}", full_name=f"Pat Person {n}", headline="Sam Smith fan")
    make_member("sam", full_name="Sam Smith", headline="Baker")

    result = handles(bob, q="sam smith")

    assert result[0] == "sam"


def test_every_first_and_second_degree_match_counts_beyond_the_bound(
    make_member, alice, connect, small_beyond
):
    hub = make_member("hub", full_name="Hub Hubbard", headline="Pilot")
    connect(alice, hub)
    for n in range(7):
        connect(hub, make_member(f"near-{n}", full_name=f"Near Person {n}"))
    for n in range(7):
        make_member(f"far-{n}", full_name=f"Far Person {n}")

    assert len(MemberSearch(viewer=alice, q="engineer", degree=2)) == 7
    # Everyone near, and BEYOND_LIMIT (3) from beyond.
    assert len(MemberSearch(viewer=alice, q="engineer")) == 7 + 3


def test_a_viewer_with_a_huge_2nd_degree_sees_the_closest_first(
    make_member, alice, connect, monkeypatch
):
    monkeypatch.setattr(search, "NEAR_LIMIT", 1)
    x = make_member("x", full_name="Xavier X", headline="Pilot")
    y = make_member("y", full_name="Yara Y", headline="Pilot")
    close = make_member("close", full_name="Chris Close")
    loose = make_member("loose", full_name="Lou Loose")
    for a, b in [(alice, x), (alice, y), (x, close), (y, close), (x, loose)]:
        connect(a, b)

    [row] = search_members(viewer=alice, q="engineer", degree=2)

    assert (row.profile.user.username, row.closeness.mutual_count) == ("close", 2)
    # Left out, not mistaken for the 3rd degree.
    assert handles(alice, q="engineer", degree=3) == []


def test_third_degree_filter_looks_past_out_of_network_matches(
    make_member, alice, connect, small_beyond
):
    # Out-of-network matches first in index order, then 3rd-degree ones.
    for n in range(4):
        make_member(f"out-{n}", full_name=f"Out Person {n}")
    bob = make_member("bob", full_name="Bob Baker", headline="Pilot")
    carol = make_member("carol", full_name="Carol Chen", headline="Pilot")
    connect(alice, bob)
    connect(bob, carol)
    for n in range(2):
        connect(carol, make_member(f"third-{n}", full_name=f"Third Person {n}"))

    assert handles(alice, q="engineer", degree=3) == ["third-0", "third-1"]


# --- filters ------------------------------------------------------------------------------


def test_industry_filter(make_member, bob):
    make_member("banker", full_name="Ben Banker", industry=Industry.BANKING)
    make_member("coder", full_name="Cody Coder", industry=Industry.COMPUTER_SOFTWARE)

    assert handles(bob, industry=Industry.BANKING) == ["banker"]


def test_location_filter_contains(make_member, bob):
    make_member("porto", full_name="Pat Porto", location="Porto, Portugal")
    make_member("lisbon", full_name="Lee Lisbon", location="Lisbon")

    assert handles(bob, location="porto") == ["porto"]
    assert handles(bob, location="PORTO, port") == ["porto"]


def test_company_filter_is_the_current_position(make_member, bob):
    now = make_member("now", full_name="Nina Now")
    before = make_member("before", full_name="Ben Before")
    PositionFactory(profile=now.profile, organization="Globex Corp", is_current=True)
    PositionFactory(
        profile=before.profile,
        organization="Globex Corp",
        is_current=False,
        end_date="2024-01-01",
        start_date="2020-01-01",
    )

    assert handles(bob, company="globex") == ["now"]


def test_company_filter_matches_punctuation_literally(make_member, bob):
    dotted = make_member("dotted", full_name="Dot Com")
    plain = make_member("plain", full_name="Plain Co")
    PositionFactory(profile=dotted.profile, organization="Acme (Labs) Inc.", is_current=True)
    PositionFactory(profile=plain.profile, organization="Acme Labs Inc", is_current=True)

    assert handles(bob, company="(labs) inc.") == ["dotted"]


def test_school_filter(make_member, bob):
    grad = make_member("grad", full_name="Greta Grad")
    make_member("other", full_name="Oscar Other")
    EducationFactory(profile=grad.profile, school="University of Porto")

    assert handles(bob, school="univ") == ["grad"]


def test_skill_filter(make_member, bob):
    dev = make_member("dev", full_name="Dora Dev")
    make_member("other", full_name="Oscar Other")
    SkillFactory(profile=dev.profile, name="PostgreSQL")

    assert handles(bob, skill="postgresql") == ["dev"]
    assert handles(bob, skill="postgres") == ["dev"]
    assert handles(bob, skill="mysql") == []


def test_filters_combine_with_query(make_member, bob):
    make_member("sam1", full_name="Sam Smith", location="Porto")
    make_member("sam2", full_name="Sam Smith", location="Lisbon")

    assert handles(bob, q="sam smith", location="porto") == ["sam1"]


def test_filters_apply_inside_the_network_too(make_member, alice, connect):
    near = make_member("near", full_name="Nick Near", industry=Industry.BANKING)
    other = make_member("other", full_name="Olga Other", industry=Industry.AVIATION)
    connect(alice, near)
    connect(alice, other)

    assert handles(alice, industry=Industry.BANKING, degree=1) == ["near"]
    assert handles(alice, q="olga", degree=1) == ["other"]


@pytest.mark.parametrize(("degree", "expected"), [(1, ["bob"]), (2, ["carol"]), (3, ["dave"])])
def test_degree_filter(alice, bob, carol, dave, erin, connect, degree, expected):
    connect(alice, bob)
    connect(bob, carol)
    connect(carol, dave)

    assert handles(alice, degree=degree) == expected


def test_degrees_agree_with_the_graph_on_a_random_network(make_member, connect):
    """Search works out degrees from the viewer's network; closeness() is the reference."""
    rng = random.Random(6)
    members = [make_member(f"m-{n}", full_name=f"Member {n}") for n in range(40)]
    for _ in range(45):
        a, b = rng.sample(members, 2)
        graph.add_edge(a.pk, b.pk)
    member_suspend(member=members[5])
    block_create(blocker=members[0], blocked=members[7])
    viewer = members[0]

    found = {
        row.profile.user_id: row.closeness
        for row in search_members(viewer=viewer, q="member", limit=100)
    }
    expected = graph.closeness(viewer.pk, found)

    assert found == expected
    assert {1, 2, 3, None} <= {c.degree for c in found.values()}
    for degree in (1, 2, 3):
        rows = search_members(viewer=viewer, degree=degree, limit=100)
        assert {r.profile.user_id for r in rows} == {
            pk for pk, c in expected.items() if c.degree == degree
        }


def test_a_suspended_member_is_no_bridge(make_member, alice, bob, carol, connect):
    connect(alice, bob)
    connect(bob, carol)
    member_suspend(member=bob)

    [row] = search_members(viewer=alice, q="carol")

    assert row.closeness.degree is None


def test_a_blocked_member_is_no_bridge_to_the_third_degree(alice, bob, carol, dave, connect):
    connect(alice, bob)
    connect(bob, carol)
    connect(carol, dave)
    block_create(blocker=alice, blocked=carol)

    [row] = search_members(viewer=alice, q="dave")

    assert row.closeness.degree is None


# --- privacy ---------------------------------------------------------------------------------


def test_self_is_never_returned(alice):
    assert handles(alice, q="Alice Archer") == []


def test_blocked_members_are_never_returned_either_way(alice, bob, carol):
    block_create(blocker=alice, blocked=bob)

    assert "bob" not in handles(alice, q="Bob Baker")
    assert "alice" not in handles(bob, q="Alice Archer")
    assert handles(carol, q="Bob Baker") == ["bob"]


def test_blocked_members_are_never_returned_at_any_degree(alice, bob, carol, dave, connect):
    connect(alice, bob)
    connect(bob, carol)
    connect(carol, dave)
    block_create(blocker=carol, blocked=alice)

    for degree in (None, 1, 2, 3):
        assert "carol" not in handles(alice, degree=degree)
        assert "alice" not in handles(carol, degree=degree)


def test_suspended_and_inactive_members_are_never_returned(alice, bob, carol, connect):
    connect(alice, bob)
    member_suspend(member=bob)
    carol.is_active = False
    carol.save()

    assert handles(alice, q="Bob Baker") == []
    assert handles(alice, q="Carol Chen") == []
    assert handles(alice, degree=1) == []


def _with_contact(member):
    profile = member.profile
    profile.contact_email = f"{member.username}@contact.example"
    profile.phone = "+351 555 0100"
    profile.website = f"https://{member.username}.example"
    profile.save()
    return member


def test_no_contact_details_on_the_page_even_for_first_degree(client, alice, bob, connect):
    _with_contact(bob)
    connect(alice, bob)
    client.force_login(alice)

    response = client.get(reverse("search"), {"q": "bob"})

    assert response.status_code == 200
    assert b"Bob Baker" in response.content
    for secret in (b"bob@contact.example", b"+351 555 0100", b"bob.example"):
        assert secret not in response.content


def test_contact_details_are_not_searchable(make_member, alice, bob):
    _with_contact(bob)

    assert handles(alice, q="bob@contact.example") == []
    assert handles(alice, q="555") == []


def test_no_contact_fields_in_the_api(api_as, alice, bob, connect):
    _with_contact(bob)
    connect(alice, bob)

    response = api_as(alice).get(API_URL, {"q": "bob"})

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert set(row) == {
        "handle",
        "full_name",
        "headline",
        "location",
        "industry",
        "degree",
        "mutual_connections_count",
    }
    assert not CONTACT_KEYS & set(row)
    assert row["handle"] == "bob"
    assert row["degree"] == 1


# --- the page ---------------------------------------------------------------------------------


def _row(content: str, handle: str) -> str:
    start = content.index(f'id="result-{handle}"')
    return content[start : content.index("</li>", start)]


def test_page_rows_show_degree_mutuals_and_actions(client, alice, bob, carol, dave, connect):
    connect(alice, bob)
    connect(bob, carol)
    connect(carol, dave)
    client.force_login(alice)

    content = client.get(reverse("search"), {"location": "lisbon"}).content.decode()

    first, second, third = _row(content, "bob"), _row(content, "carol"), _row(content, "dave")
    assert ">1st<" in first and "Connected" in first
    assert "/connect/" not in first and "/get-introduced/" not in first
    assert ">2nd<" in second and "1 mutual connection" in second
    assert "/in/carol/connect/" in second and "/in/carol/get-introduced/" in second
    assert ">3rd<" in third and "mutual" not in third
    assert "/in/dave/connect/" in third and "/in/dave/get-introduced/" in third


def test_out_of_network_rows_offer_connect_only(client, alice, bob):
    client.force_login(alice)

    row = _row(client.get(reverse("search"), {"q": "bob"}).content.decode(), "bob")

    assert "Out of network" in row
    assert "/in/bob/connect/" in row
    assert "get-introduced" not in row


def test_rows_show_pending_and_received_requests(client, alice, bob, carol):
    connection_request_create(sender=alice, recipient=bob)
    connection_request_create(sender=carol, recipient=alice)
    client.force_login(alice)

    content = client.get(reverse("search"), {"location": "lisbon"}).content.decode()

    assert "Pending" in _row(content, "bob")
    assert "/in/bob/connect/" not in content
    assert "Accept" in _row(content, "carol")
    assert "/in/carol/connect/" not in content


def test_third_degree_and_out_of_network_rows_are_limited(client, alice, bob, carol, connect):
    carol.profile.industry = Industry.BANKING
    carol.profile.photo = "photos/carol.jpg"
    carol.profile.save()
    connect(alice, bob)
    client.force_login(alice)

    row = _row(client.get(reverse("search"), {"q": "carol"}).content.decode(), "carol")

    assert "Carol Chen" in row
    assert "Engineer" in row and "Lisbon" in row
    assert "/in/carol/connect/" in row
    assert "mutual connection" not in row
    assert "carol.jpg" not in row  # no photo
    assert "Banking" not in row


def test_page_requires_login(client):
    response = client.get(reverse("search"), {"q": "x"})
    assert response.status_code == 302


def test_search_box_is_in_the_top_bar(client, alice):
    client.force_login(alice)
    content = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("search")}"' in content


def test_bad_page_input_is_a_form_error(client, alice):
    client.force_login(alice)

    response = client.get(reverse("search"), {"degree": "7", "industry": "nope"})

    assert response.status_code == 400
    assert b"Select a valid choice" in response.content


def test_page_is_paginated_by_20(client, make_member, alice):
    for n in range(23):
        make_member(f"pat-{n}", full_name=f"Pat Person {n}")
    client.force_login(alice)

    first = client.get(reverse("search"), {"q": "pat person"})
    second = client.get(reverse("search"), {"q": "pat person", "page": 2})

    assert len(first.context["page"].object_list) == 20
    assert len(second.context["page"].object_list) == 3
    assert first.context["page"].paginator.count == 23


def _people(make_member, alice, bob, connect, count):
    """`count` matches at every degree, with open requests both ways."""
    connect(alice, bob)
    for n in range(count):
        member = make_member(f"pat-{n}", full_name=f"Pat Person {n}")
        if n % 4 == 0:
            connect(alice, member)
        elif n % 4 == 1:
            connect(bob, member)
        elif n % 4 == 2:
            connection_request_create(sender=alice, recipient=member)
        else:
            connection_request_create(sender=member, recipient=alice)


# Query 1, the candidates, per engine. SQL: one statement. Memory, warm (graph and match
# set already read by an earlier search): the match set's overlay (profiles whose
# searchable text changed since it was read), the graph's sync (the pairs changed since
# its snapshot, then the hidden members) and the members blocked either way.
CANDIDATE_QUERIES = {"sql": 1, "memory": 4}


def _warm_up(engine: str, search) -> None:
    """In memory, run `search` once so that the graph and the query's match set are read;
    the queries counted after are those of every later search."""
    if engine == "memory":
        search()
        assert search_memory.graph_holder.graph is not None
        assert search_memory._cache


@pytest.mark.parametrize("count", [4, 20])
def test_page_query_count_does_not_grow(
    client, make_member, alice, bob, connect, django_assert_num_queries, engine, count
):
    _people(make_member, alice, bob, connect, count)
    client.force_login(alice)
    baseline = _page_baseline(client)
    _warm_up(engine, lambda: client.get(reverse("search"), {"q": "pat"}))

    # Session and user, the top bar's badge counts (connections, introductions,
    # notifications and the other apps' context processors), then search's: the
    # candidates, the open requests and the profiles.
    with django_assert_num_queries(baseline + CANDIDATE_QUERIES[engine] + 2):
        response = client.get(reverse("search"), {"q": "pat"})

    assert len(response.context["page"].object_list) == count


def _page_baseline(client) -> int:
    """Queries of the search page without results: everything but the search itself."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("search"))
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("count", [4, 20])
def test_selector_takes_three_queries(
    make_member, alice, bob, connect, django_assert_num_queries, engine, count
):
    _people(make_member, alice, bob, connect, count)
    _warm_up(engine, lambda: search_members(viewer=alice, q="pat"))

    # SQL: three. Memory: six (CANDIDATE_QUERIES), whatever the number of results.
    with django_assert_num_queries(CANDIDATE_QUERIES[engine] + 2):
        result = search_members(viewer=alice, q="pat")

    assert len(result) == count


def test_selector_skips_the_queries_a_page_does_not_need(
    make_member, alice, bob, connect, django_assert_num_queries, engine
):
    connect(alice, bob)
    make_member("pat", full_name="Pat Person")
    for q in ("pat", "bob", "nobody"):
        _warm_up(engine, lambda q=q: handles(alice, q=q))
    candidates = CANDIDATE_QUERIES[engine]

    with django_assert_num_queries(candidates + 2):  # candidates, requests, profiles
        assert handles(alice, q="pat") == ["pat"]
    with django_assert_num_queries(candidates + 1):  # only 1st degree: no requests to look for
        assert handles(alice, q="bob") == ["bob"]
    with django_assert_num_queries(candidates):
        assert handles(alice, q="nobody") == []


# --- the API ------------------------------------------------------------------------------------


def test_api_ranks_and_paginates(api_as, make_member, alice, bob, connect):
    make_member("bob2", full_name="Bob Bakerson")
    connect(alice, bob)

    body = api_as(alice).get(API_URL, {"q": "Bob Baker"}).json()

    assert body["count"] == 2
    assert [row["handle"] for row in body["results"]] == ["bob", "bob2"]
    assert body["results"][0]["industry"]["code"] == Industry.INFORMATION_TECHNOLOGY


def test_api_filters_by_degree(api_as, alice, bob, carol, connect):
    connect(alice, bob)
    connect(bob, carol)

    body = api_as(alice).get(API_URL, {"degree": 2}).json()

    assert [(r["handle"], r["degree"], r["mutual_connections_count"]) for r in body["results"]] == [
        ("carol", 2, 1)
    ]


@pytest.mark.parametrize(
    "params", [{"degree": "4"}, {"degree": "x"}, {"industry": "nope"}, {"q": "x" * 300}]
)
def test_api_bad_input_is_400(api_as, alice, params):
    response = api_as(alice).get(API_URL, params)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(response.json()["error"]["fields"]) == set(params)


def test_api_requires_a_token(api_client):
    assert api_client.get(API_URL).status_code == 401


def test_api_never_returns_blocked_suspended_or_self(api_as, alice, bob, carol, dave):
    block_create(blocker=bob, blocked=alice)
    member_suspend(member=carol)

    body = api_as(alice).get(API_URL, {"location": "lisbon"}).json()

    assert [row["handle"] for row in body["results"]] == ["dave"]


def test_api_query_count_does_not_grow(
    api_as, make_member, alice, django_assert_max_num_queries, engine
):
    client = api_as(alice)
    for n in range(10):
        make_member(f"pat-{n}", full_name=f"Pat Person {n}")
    _warm_up(engine, lambda: client.get(API_URL, {"q": "pat"}))

    # The token (and, at most once a while, its last use), then the search's: 3 in SQL,
    # 6 in memory (CANDIDATE_QUERIES).
    with django_assert_max_num_queries(8):
        response = client.get(API_URL, {"q": "pat"})

    assert response.json()["count"] == 10
