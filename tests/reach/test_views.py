"""The dashboard page (states, chart, tabs) and a bucket's people (privacy, introducers)."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from connections.services import block_create
from profiles.services import member_suspend
from reach import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(person, connect):
    """alice's network: bob (active) and erin are her connections; carol, frank at the
    2nd degree in aviation; dave and gina at the 3rd, in aviation."""
    people = {
        "alice": person("alice", industry="banking"),
        "bob": person("bob", active=True, headline="Operations lead"),
        "erin": person("erin", headline="Recruiter"),
        "carol": person(
            "carol",
            industry="aviation",
            company="Atlantic Air",
            headline="Head of network planning",
            contact_email="carol@private.example",
            phone="+351 000",
        ),
        "frank": person("frank", industry="aviation"),
        "dave": person("dave", industry="aviation", location="Porto"),
        "gina": person("gina", industry="aviation", location="Porto"),
    }
    for a, b in [
        ("alice", "bob"),
        ("alice", "erin"),
        ("bob", "carol"),
        ("erin", "carol"),
        ("erin", "frank"),
        ("carol", "dave"),
        ("frank", "gina"),
    ]:
        connect(people[a], people[b])
    return people


def members_url(**params: object) -> str:
    return f"{reverse('reach-members')}?{urlencode(params)}"


def test_dashboard_computes_then_shows_the_chart(client, network, on_commit):
    alice = network["alice"]
    client.force_login(alice)
    with on_commit():
        page = client.get(reverse("reach"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Computing your reach…" in html
    # It polls its own status until ready.
    assert f'hx-get="{reverse("reach-status")}?by=industry"' in html
    assert 'hx-trigger="every 2s"' in html

    status = client.get(reverse("reach-status"), {"by": "industry"}, HTTP_HX_REQUEST="true")
    html = status.content.decode()
    assert "Computing" not in html and "hx-trigger" not in html
    assert "<svg" in html and 'class="reach-bars"' in html
    # Each bar reads aloud with its numbers, and the numbers stand beside it.
    assert (
        'aria-label="Aviation: 2 people at the 2nd degree, 1 reachable through active brokers"'
        in html
    )
    assert ">2 (1)</text>" in html
    assert "<title>Aviation: 2 people at the 3rd degree, 1 reachable" in html
    assert (
        'href="' + members_url(by="industry", value="aviation", degree=2).replace("&", "&amp;")
        in html
    )


def test_dashboard_tabs_switch_the_breakdown(client, network):
    alice = network["alice"]
    services.reach_compute(member_ids=[alice.pk])
    client.force_login(alice)
    html = client.get(reverse("reach"), {"by": "location"}).content.decode()
    assert "Your network by location" in html
    assert re.search(r'href="/network/reach/\?by=location" aria-current="page"', html)
    assert "Porto: 2 people at the 3rd degree" in html
    html = client.get(reverse("reach"), {"by": "company"}).content.decode()
    assert "Atlantic Air: 1 person at the 2nd degree, 1 reachable" in html


def test_dashboard_with_a_bad_breakdown_says_so(client, network):
    alice = network["alice"]
    services.reach_compute(member_ids=[alice.pk])
    client.force_login(alice)
    page = client.get(reverse("reach"), {"by": "salary"})
    assert page.status_code == 400
    assert "Choose industry, company or location." in page.content.decode()
    assert "Your network by industry" in page.content.decode()


def test_growth_chart_from_history(client, network):
    from datetime import timedelta

    from django.utils import timezone

    from reach.models import ReachHistory

    alice = network["alice"]
    services.reach_compute(member_ids=[alice.pk])
    ReachHistory.objects.create(
        member=alice, day=timezone.localdate() - timedelta(days=30), first=1, second=1, third=0
    )
    client.force_login(alice)
    html = client.get(reverse("reach")).content.decode()
    assert 'class="growth-line"' in html
    assert re.search(r'aria-label="Connections: 1 on [^"]+, 2 on [^"]+"', html)
    assert "+1 since" in html


def test_dashboard_query_count(client, network, django_assert_num_queries):
    alice = network["alice"]
    services.reach_compute(member_ids=[alice.pk])
    client.force_login(alice)
    client.get(reverse("reach"))
    # session, member, summary (with the counts' stale mark), history, the top bar's
    # notification and introduction counts.
    with django_assert_num_queries(6):
        assert client.get(reverse("reach")).status_code == 200


def test_bucket_lists_people_with_who_can_introduce(client, network):
    alice = network["alice"]
    client.force_login(alice)
    page = client.get(members_url(by="industry", value="aviation", degree=2))
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 2nd-degree members" in html
    # carol (through bob, active) comes before frank (only erin, not active).
    assert html.index("Carol") < html.index("Frank")
    carol = re.search(r'id="reach-person-\d+".*?</li>', html[html.index("Carol") - 900 :], re.S)
    assert carol is not None
    row = carol.group(0)
    assert "Head of network planning" in row
    assert "Bob" in row and "Erin" in row and "active" in row
    assert (
        f'href="/in/carol/get-introduced/?via={network["bob"].pk}"' in row
        and "Get introduced via Bob" in row
    )
    assert "Nobody on the way has been active" in html  # frank's row
    # Never contact details.
    assert "carol@private.example" not in html and "+351 000" not in html


def test_third_degree_bucket_names_the_first_step(client, network):
    alice = network["alice"]
    client.force_login(alice)
    html = client.get(members_url(by="location", value="Porto", degree=3)).content.decode()
    assert "Dave" in html and "Gina" in html
    assert html.index("Dave") < html.index("Gina")  # through bob (active) first
    assert f"/in/dave/get-introduced/?via={network['bob'].pk}" in html
    assert f"/in/gina/get-introduced/?via={network['erin'].pk}" in html


def test_bucket_never_shows_hidden_members(client, network):
    alice = network["alice"]
    block_create(blocker=network["frank"], blocked=alice)
    member_suspend(member=network["dave"], reason="spam")
    client.force_login(alice)
    html = client.get(members_url(by="industry", value="aviation", degree=2)).content.decode()
    assert "Carol" in html and "Frank" not in html
    html = client.get(members_url(by="industry", value="aviation", degree=3)).content.decode()
    # dave is suspended; gina was reached only through frank, who blocks alice.
    assert "Dave" not in html and "Gina" not in html
    assert "Nobody here right now" in html


def test_first_degree_bucket(client, network):
    alice = network["alice"]
    client.force_login(alice)
    html = client.get(members_url(by="industry", value="retail", degree=1)).content.decode()
    assert "0 connections" in html
    html = client.get(members_url(by="location", value="lisbon", degree=1)).content.decode()
    assert "2 connections" in html and "Get introduced" not in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"by": "salary", "value": "x", "degree": 2}, "Choose industry, company or location."),
        ({"by": "industry", "value": "spaceflight", "degree": 2}, "not one of LinkUp"),
        ({"by": "company", "value": "Acme", "degree": 4}, "The degree is 1, 2 or 3."),
        ({"by": "company", "degree": 2}, "Say which industry, company or location."),
        ({"by": "company", "value": "Acme", "degree": 2, "page": "x"}, "whole number"),
    ],
)
def test_bucket_with_bad_input_is_a_form_error(client, network, params, message):
    client.force_login(network["alice"])
    page = client.get(members_url(**params))
    assert page.status_code == 400
    assert message in page.content.decode()


def test_bucket_pages_and_query_count(client, person, connect, django_assert_num_queries):
    alice = person("alice", industry="banking")
    brokers = [person(f"broker{i}", active=i % 2 == 0) for i in range(3)]
    for b in brokers:
        connect(alice, b)
    targets = [person(f"target{i:02d}", industry="retail") for i in range(25)]
    for i, t in enumerate(targets):
        connect(brokers[i % 3], t)
        connect(brokers[(i + 1) % 3], t)
    client.force_login(alice)
    url = members_url(by="industry", value="retail", degree=2)
    client.get(url)
    # session, member, active brokers, the page with its total, introducers, profiles,
    # the summary (for the label), the top bar's counts: whatever the page's size.
    with django_assert_num_queries(9):
        first = client.get(url).content.decode()
    assert first.count('class="net-row reach-person"') == 20
    assert "Page 1 of 2" in first
    with django_assert_num_queries(9):
        second = client.get(url + "&page=2").content.decode()
    assert second.count('class="net-row reach-person"') == 5
    beyond = client.get(url + "&page=3").content.decode()
    assert "There is no page 3" in beyond


def test_pages_need_a_login(client):
    page = client.get(reverse("reach"))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
