"""Recommendations in a real browser, each member in their own browser context:

John asks Pete, a connection, for a recommendation about his job at Atlantic Air.
Pete writes it. John approves it, and it is on his profile for everyone to read.
"""

import datetime
import re

import pytest
from playwright.sync_api import expect

from connections import graph
from profiles.models import Position
from tests.e2e.helpers import log_in, member

pytestmark = pytest.mark.e2e

MESSAGE = "Pete, would you say a few words about the timetable rebuild we did together?"
BODY = "John rebuilt our whole timetable in a winter: calm, exact and always kind to the crews."


def test_ask_write_approve_and_see_it_on_the_profile(new_page) -> None:
    john = member("john", "John Carter", "Route planner")
    pete = member("pete", "Pete Novak", "Operations lead")
    graph.add_edge(john.pk, pete.pk)
    job = Position.objects.create(
        profile=john.profile,
        title="Route planner",
        organization="Atlantic Air",
        start_date=datetime.date(2004, 1, 1),
        end_date=datetime.date(2006, 6, 1),
    )

    # --- John asks Pete, from Pete's profile ------------------------------------------
    john_page = new_page()
    log_in(john_page, "john")
    john_page.goto("/in/pete/")
    john_page.locator("#recommendations").get_by_role(
        "button", name="Ask for a recommendation"
    ).click()
    expect(john_page.get_by_role("heading", name="Ask for a recommendation")).to_be_visible()
    expect(john_page.get_by_label("Whom to ask")).to_have_value("pete")
    john_page.get_by_label("For which position or school").select_option(f"p:{job.pk}")
    john_page.get_by_label("Your message").fill(MESSAGE)
    john_page.get_by_role("button", name="Send request").click()
    expect(john_page).to_have_url(re.compile(r"/recommendations/$"))
    expect(john_page.locator(".messages")).to_contain_text("Asked Pete Novak.")
    sent = john_page.locator("#sent")
    expect(sent).to_contain_text("Pete Novak")
    expect(sent).to_contain_text("Waiting for an answer")

    # --- Pete follows the notification and writes it ---------------------------------
    pete_page = new_page()
    log_in(pete_page, "pete")
    pete_page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Notifications")).click()
    expect(
        pete_page.get_by_text("John Carter asks you to write them a recommendation.")
    ).to_be_visible()
    pete_page.get_by_role("button", name="Write or decline").click()
    expect(pete_page.get_by_role("heading", name="Recommend John Carter")).to_be_visible()
    expect(pete_page.get_by_role("main")).to_contain_text(MESSAGE)
    expect(pete_page.get_by_role("main")).to_contain_text("Route planner at Atlantic Air")
    pete_page.get_by_role("button", name="Send recommendation").click()  # empty: form errors
    expect(pete_page.get_by_text("Write the recommendation.")).to_be_visible()
    pete_page.get_by_label("How you know them").select_option("managed")
    pete_page.get_by_label("Your recommendation").fill(BODY)
    pete_page.get_by_role("button", name="Send recommendation").click()
    expect(pete_page).to_have_url(re.compile(r"/recommendations/\d+/$"))
    expect(pete_page.locator(".rec-row")).to_contain_text("Waiting for their approval")

    # Not on John's profile before he approves it.
    visitor = new_page()
    visitor.goto("/in/john/")
    expect(visitor.get_by_role("heading", name="John Carter")).to_be_visible()
    assert BODY not in visitor.content()

    # --- John approves it in place, then sees it on his profile -----------------------
    john_page.goto("/recommendations/")
    waiting = john_page.locator("#received .rec-row", has_text=BODY)
    expect(waiting).to_contain_text("Waiting for your approval")
    john_page.evaluate("window.__sameDocument = true")
    waiting.get_by_role("button", name="Approve").click()
    row = john_page.locator("#received .rec-row", has_text=BODY)
    expect(row).to_contain_text("On your profile")
    expect(row.get_by_role("status")).to_have_text("Approved: it is on your profile now.")
    assert john_page.evaluate("window.__sameDocument === true"), "the page was reloaded"

    john_page.get_by_role("banner").get_by_role("link", name="Me", exact=True).click()
    section = john_page.locator("#recommendations")
    expect(section).to_contain_text(BODY)
    expect(section).to_contain_text("Pete Novak managed John Carter directly")
    expect(section).to_contain_text("Route planner at Atlantic Air")
    expect(section).to_contain_text("Operations lead")

    # And so does anyone who may see his profile.
    visitor.reload()
    expect(visitor.locator("#recommendations")).to_contain_text(BODY)
