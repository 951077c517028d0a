"""The reach dashboard in a real browser: it computes, shows the chart, and a bar opens
the people it counts with the connection who can introduce them."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connections import graph
from profiles.models import Position, User
from tests.e2e.test_introductions import log_in, member

pytestmark = pytest.mark.e2e


def test_reach_dashboard(new_page) -> None:
    john = member("john", "John Carter", headline="Route planner", industry="logistics")
    pete = member("pete", "Pete Novak", headline="Operations lead", industry="aviation")
    sam = member("sam", "Sam Ortiz", headline="Analyst", industry="banking")
    maya = member(
        "maya",
        "Maya Lind",
        headline="Head of network planning",
        industry="aviation",
        contact_email="maya@private.example",
    )
    lee = member("lee", "Lee Park", headline="Pilot", industry="aviation")
    Position.objects.create(
        profile=maya.profile,
        title="Head of network planning",
        organization="Atlantic Air",
        start_date=timezone.localdate().replace(day=1) - timedelta(days=800),
        is_current=True,
    )
    for a, b in [(john, pete), (john, sam), (pete, maya), (sam, lee)]:
        graph.add_edge(a.pk, b.pk)
    # Pete logged in last week: an active broker. Sam has not been seen for months.
    User.objects.filter(pk=pete.pk).update(last_login=timezone.now() - timedelta(days=7))
    User.objects.filter(pk=sam.pk).update(last_login=timezone.now() - timedelta(days=200))

    page = new_page()
    log_in(page, "john")
    page.goto("/network/reach/")
    # The first visit computes (a worker; eager here) while the page polls until ready.
    chart = page.locator("svg.reach-bars")
    expect(chart).to_be_visible(timeout=30_000)
    expect(page.locator(".reach-totals")).to_contain_text("2nd degree")
    expect(page.get_by_role("heading", name="Your network by industry")).to_be_visible()
    bar = page.get_by_role(
        "link",
        name="Aviation: 2 people at the 2nd degree, 1 reachable through active brokers",
    )
    expect(bar).to_be_visible()
    expect(chart).to_contain_text("2 (1)")

    # Another breakdown, then back: tabs are plain links.
    page.get_by_role("link", name="Current company").click()
    expect(page).to_have_url(re.compile(r"\?by=company$"))
    expect(
        page.get_by_role("link", name=re.compile(r"^Atlantic Air: 1 person at the 2nd degree"))
    ).to_be_visible()
    page.get_by_role("link", name="Industry", exact=True).click()

    page.get_by_role(
        "link",
        name="Aviation: 2 people at the 2nd degree, 1 reachable through active brokers",
    ).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Aviation"))).to_be_visible()
    rows = page.locator(".reach-person")
    expect(rows).to_have_count(2)
    # Reachable through an active broker first: Maya, through Pete.
    first = rows.nth(0)
    expect(first).to_contain_text("Maya Lind")
    expect(first).to_contain_text("Head of network planning")
    expect(first.locator(".reach-introducers")).to_contain_text("Pete Novak")
    expect(first.locator(".reach-introducers")).to_contain_text("active")
    expect(rows.nth(1)).to_contain_text("Lee Park")
    expect(rows.nth(1)).to_contain_text("Nobody on the way has been active")
    assert "maya@private.example" not in page.content()

    first.get_by_role("button", name="Get introduced via Pete Novak").click()
    expect(page).to_have_url(re.compile(r"/in/maya/get-introduced/\?via=\d+$"))
    expect(page.get_by_role("radio", name=re.compile(r"^Pete Novak"))).to_be_checked()
