"""People search: ranking, typos, filters, degrees and privacy, on the page and in the API."""

import pytest
from django.urls import reverse

from connections.services import block_create
from profiles.industries import Industry
from profiles.search import search_members
from profiles.services import member_suspend
from tests.factories import EducationFactory, PositionFactory, SkillFactory

pytestmark = pytest.mark.django_db

API_URL = "/api/v1/profiles/"
CONTACT_KEYS = {"contact_email", "phone", "website"}


def handles(viewer, **criteria) -> list[str]:
    return [profile.user.username for profile, _ in search_members(viewer=viewer, **criteria)]


@pytest.fixture
def dave(make_member):
    return make_member("dave", full_name="Dave Dunn")


@pytest.fixture
def erin(make_member):
    return make_member("erin", full_name="Erin Evans")


# --- ranking -------------------------------------------------------------------------


def test_exact_name_match_comes_first(make_member, alice):
    make_member("alice2", full_name="Alice Archer Smith", headline="Alice Archer fan")
    make_member("alice3", full_name="Alicia Archers")
    viewer = make_member("viewer", full_name="Victor Viewer")

    result = handles(viewer, q="alice archer")

    assert result[0] == "alice"
    assert set(result) >= {"alice", "alice2"}


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

    assert [p.user.username for p, _ in result] == ["first", "second", "third", "far"]
    assert [c.degree for _, c in result] == [1, 2, 3, None]
    assert result[1][1].mutual_count == 1


def test_filter_only_search_ranks_by_closeness(make_member, connect):
    viewer = make_member("viewer", full_name="Victor Viewer", location="Porto")
    make_member("aaron", full_name="Aaron Out", location="Lisbon")
    friend = make_member("zoe", full_name="Zoe Friend", location="Lisbon")
    connect(viewer, friend)

    assert handles(viewer, location="lisbon") == ["zoe", "aaron"]


# --- typos and text ---------------------------------------------------------------------


def test_misspelt_name_is_found(alice, bob):
    assert handles(bob, q="Alise Archr") == ["alice"]


def test_partial_name_is_found(alice, bob):
    assert handles(bob, q="ali") == ["alice"]


@pytest.mark.parametrize("q", ["(", "a.*b", "[x", "\\", "' OR 1=1 --", "&|!"])
def test_punctuation_is_matched_literally_not_an_error(alice, bob, q):
    assert handles(bob, q=q) == []


def test_headline_and_summary_words_are_found(make_member, bob):
    make_member("gina", full_name="Gina Green", headline="Kubernetes consultant")
    hank = make_member("hank", full_name="Hank Hill")
    hank.profile.summary = "I maintain Kubernetes clusters."
    hank.profile.save()

    assert set(handles(bob, q="kubernetes")) == {"gina", "hank"}
    assert handles(bob, q="zzzqqq") == []


# --- filters ------------------------------------------------------------------------------


def test_industry_filter(make_member, bob):
    make_member("banker", full_name="Ben Banker", industry=Industry.BANKING)
    make_member("coder", full_name="Cody Coder", industry=Industry.COMPUTER_SOFTWARE)

    assert handles(bob, industry=Industry.BANKING) == ["banker"]


def test_location_filter_contains(make_member, bob):
    make_member("porto", full_name="Pat Porto", location="Porto, Portugal")
    make_member("lisbon", full_name="Lee Lisbon", location="Lisbon")

    assert handles(bob, location="porto") == ["porto"]


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


@pytest.mark.parametrize(("degree", "expected"), [(1, ["bob"]), (2, ["carol"]), (3, ["dave"])])
def test_degree_filter(alice, bob, carol, dave, erin, connect, degree, expected):
    connect(alice, bob)
    connect(bob, carol)
    connect(carol, dave)

    assert handles(alice, degree=degree) == expected


# --- privacy ---------------------------------------------------------------------------------


def test_self_is_never_returned(alice):
    assert handles(alice, q="Alice Archer") == []


def test_blocked_members_are_never_returned_either_way(alice, bob, carol):
    block_create(blocker=alice, blocked=bob)

    assert "bob" not in handles(alice, q="Bob Baker")
    assert "alice" not in handles(bob, q="Alice Archer")
    assert handles(carol, q="Bob Baker") == ["bob"]


def test_suspended_and_inactive_members_are_never_returned(alice, bob, carol):
    member_suspend(member=bob)
    carol.is_active = False
    carol.save()

    assert handles(alice, q="Bob Baker") == []
    assert handles(alice, q="Carol Chen") == []


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


def test_page_rows_link_to_connect_or_get_introduced(client, alice, bob, carol, dave, connect):
    connect(alice, bob)
    connect(bob, carol)
    client.force_login(alice)

    content = client.get(reverse("search"), {"location": "lisbon"}).content.decode()

    assert "/in/carol/get-introduced/" in content
    assert "/in/dave/connect/" in content
    assert "/in/bob/connect/" not in content
    assert "/in/bob/get-introduced/" not in content
    assert "1 mutual connection" in content


def test_third_degree_and_out_of_network_rows_are_limited(client, alice, bob, carol, connect):
    carol.profile.industry = Industry.BANKING
    carol.profile.save()
    connect(alice, bob)
    client.force_login(alice)

    content = client.get(reverse("search"), {"q": "carol"}).content.decode()

    assert "Carol Chen" in content
    assert "Engineer" in content and "Lisbon" in content
    assert "/in/carol/connect/" in content
    assert "mutual connection" not in content


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


@pytest.mark.parametrize("count", [3, 10])
def test_page_query_count_does_not_grow(
    client, make_member, alice, connect, django_assert_max_num_queries, count
):
    for n in range(count):
        member = make_member(f"pat-{n}", full_name=f"Pat Person {n}")
        if n % 2:
            connect(alice, member)
    client.force_login(alice)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("search"), {"q": "pat"})

    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [3, 10])
def test_selector_takes_three_queries(
    make_member, alice, connect, django_assert_num_queries, count
):
    for n in range(count):
        member = make_member(f"pat-{n}", full_name=f"Pat Person {n}")
        if n % 2:
            connect(alice, member)

    with django_assert_num_queries(3):
        result = search_members(viewer=alice, q="pat")

    assert len(result) == count


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


def test_api_query_count_does_not_grow(api_as, make_member, alice, django_assert_max_num_queries):
    client = api_as(alice)
    for n in range(10):
        make_member(f"pat-{n}", full_name=f"Pat Person {n}")

    with django_assert_max_num_queries(8):
        response = client.get(API_URL, {"q": "pat"})

    assert response.json()["count"] == 10
