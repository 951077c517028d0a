"""People search in a real browser: search from the top bar, narrow to the 2nd degree,
and ask for an introduction from a result."""

import re

import pytest
from playwright.sync_api import expect

from connections import graph
from introductions.models import Introduction
from tests.e2e.helpers import log_in, member

pytestmark = pytest.mark.e2e

MESSAGE = "Maya, your network-planning work is what our routes team needs. Coffee?"
NOTE = "Pete, would you pass this on? We met at the Lisbon ops meetup."


def test_search_filter_to_second_degree_and_get_introduced(new_page) -> None:
    john = member("john", "John Carter", headline="Route planner")
    pete = member("pete", "Pete Novak", headline="Network planning lead")
    maya = member("maya", "Maya Lind", headline="Head of network planning")
    member("omar", "Omar Quist", headline="Network planning analyst")  # out of network
    graph.add_edge(john.pk, pete.pk)
    graph.add_edge(pete.pk, maya.pk)

    page = new_page()
    log_in(page, "john")

    # The top bar's box: everyone who matches, each with their degree.
    page.get_by_role("search").get_by_placeholder("Search people").fill("network planning")
    page.get_by_role("search").get_by_placeholder("Search people").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=network\+planning"))
    results = page.locator(".search-result")
    expect(results).to_have_count(3)
    expect(results.first).to_contain_text("Pete Novak")  # closest first among equal matches
    expect(page.locator("#result-pete")).to_contain_text("1st")
    expect(page.locator("#result-omar")).to_contain_text("Out of network")

    # The sidebar's filter: the 2nd degree only, the words kept.
    page.get_by_label("Connection").select_option(label="2nd degree")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"degree=2"))
    expect(page).to_have_url(re.compile(r"q=network\+planning"))
    expect(results).to_have_count(1)
    row = page.locator("#result-maya")
    expect(row).to_contain_text("Maya Lind")
    expect(row).to_contain_text("2nd")
    expect(row).to_contain_text("1 mutual connection")

    # Get introduced: the request form for Maya, Pete chosen as the broker.
    row.get_by_role("button", name="Get introduced").click()
    expect(page).to_have_url(re.compile(r"/in/maya/get-introduced/$"))
    expect(
        page.get_by_role("heading", name=re.compile("Get introduced to Maya Lind"))
    ).to_be_visible()
    expect(page.get_by_role("radio", name=re.compile(r"^Pete Novak"))).to_be_checked()
    page.get_by_label("Your message").fill(MESSAGE)
    page.get_by_label("A private note for the person you ask").fill(NOTE)
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_url(re.compile(r"/introductions/\d+/$"))
    expect(page.get_by_role("heading", name="Your introduction to Maya Lind")).to_be_visible()

    introduction = Introduction.objects.get(requester=john, target=maya)
    assert introduction.is_open
    assert introduction.message == MESSAGE
    assert [hop.broker_id for hop in introduction.hops.order_by("position")] == [pete.pk]
