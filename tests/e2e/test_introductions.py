"""The story, in a real browser, each member in their own browser context:

    Pete refers John to me. John sees my resume and asks Pete for an introduction.
    Pete introduces me to John. I introduce John to Adam — who first has to be
    invited to sign up.

The live server runs in this process with real transactions, so the invitation
e-mail (sent after commit) lands in `mailoutbox`, and Adam opens the link from there.
"""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from connections import graph
from profiles.models import User
from tests.e2e.helpers import log_in, member

pytestmark = pytest.mark.e2e

ADAM_EMAIL = "adam.reyes@flymail.example"
JOHN_CONTACT = "john.carter@routes.example"
MESSAGE = "Maya, I read your resume: your network-planning work is what we need. Coffee?"
NOTE = "Pete, you worked with Maya at Atlantic Air: would you pass this on?"
ENDORSEMENT = "John is the best route planner I know."


def mark_document(page: Page) -> None:
    # A flag on window survives htmx swaps but not a page load.
    page.evaluate("window.__sameDocument = true")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def open_waiting(page: Page, title: str) -> None:
    """From the top bar: Introductions → Waiting for me → the row's button."""
    page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Introductions")).click()
    expect(page.get_by_role("link", name=re.compile(r"^Waiting for me"))).to_have_attribute(
        "aria-current", "page"
    )
    row = page.locator(".intro-row", has_text=title)
    expect(row).to_have_count(1)
    row.get_by_role("button").click()
    expect(page.get_by_role("heading", name=title, level=2)).to_be_visible()


def test_the_story(new_page, mailoutbox) -> None:
    john = member("john", "John Carter", headline="Route planner", contact_email=JOHN_CONTACT)
    pete = member("pete", "Pete Novak", headline="Operations lead")
    maya = member("maya", "Maya Lind", headline="Head of network planning")
    graph.add_edge(john.pk, pete.pk)
    graph.add_edge(pete.pk, maya.pk)

    # --- John, 2nd degree of me through Pete, asks Pete for an introduction ------
    john_page = new_page()
    log_in(john_page, "john")
    john_page.goto("/in/maya/")
    expect(john_page.locator("#how-connected")).to_contain_text("Pete Novak")
    john_page.get_by_role("button", name="Get introduced").click()
    expect(john_page).to_have_url(re.compile(r"/in/maya/get-introduced/$"))
    pete_choice = john_page.get_by_role("radio", name=re.compile(r"^Pete Novak"))
    expect(pete_choice).to_be_checked()  # the best (and only) broker
    john_page.get_by_label("Your message").fill(MESSAGE)
    john_page.get_by_label("A private note for the person you ask").fill(NOTE)
    john_page.get_by_role("button", name="Send request").click()
    expect(john_page).to_have_url(re.compile(r"/introductions/\d+/$"))
    expect(john_page.get_by_role("heading", name="Your introduction to Maya Lind")).to_be_visible()
    expect(john_page.locator(".intro-progress")).to_have_text("With Pete Novak")

    # --- Pete sees it waiting for him and forwards it with his endorsement -------
    pete_page = new_page()
    log_in(pete_page, "pete")
    expect(pete_page.get_by_role("banner")).to_contain_text("Introductions 1")
    open_waiting(pete_page, "John Carter asks to meet Maya Lind")
    expect(pete_page.locator(".private-box")).to_contain_text(NOTE)
    mark_document(pete_page)
    pete_page.get_by_label("Your words for them (optional)").fill(ENDORSEMENT)
    pete_page.get_by_role("button", name="Forward", exact=True).click()
    expect(pete_page.get_by_role("status")).to_contain_text("Forwarded: Maya Lind can now answer.")
    expect(pete_page.locator("#introduction-status")).to_have_text(
        "Forwarded: waiting for an answer"
    )
    expect(pete_page.get_by_role("button", name="Forward", exact=True)).to_have_count(0)
    expect(pete_page.locator("#nav-introductions-count")).to_have_text("")  # updated in place
    assert_same_document(pete_page)

    # --- I accept: John and I are connected, and I see his contact e-mail --------
    me = new_page()
    log_in(me, "maya")
    open_waiting(me, "John Carter would like to meet you")
    expect(me.locator(".intro-words")).to_contain_text(MESSAGE)
    expect(me.locator(".intro-words")).to_contain_text(ENDORSEMENT)
    assert NOTE not in me.content()
    mark_document(me)
    me.get_by_role("button", name="Accept").click()
    expect(me.get_by_role("status")).to_contain_text("You are now connected with John Carter.")
    assert_same_document(me)
    assert graph.are_connected(john.pk, maya.pk)
    me.get_by_role("link", name="See John Carter’s profile").click()
    expect(me.locator(".contact").get_by_role("link", name=JOHN_CONTACT)).to_be_visible()

    # --- I introduce John to Adam, who is not a member yet -----------------------
    me.get_by_role("button", name="Introduce to…").click()
    expect(me.get_by_role("heading", name="Introduce John Carter to…")).to_be_visible()
    me.get_by_label("Or someone not on LinkUp: their e-mail address").fill(ADAM_EMAIL)
    me.get_by_label("Why they should meet").fill("Adam writes about aviation; John plans routes.")
    me.get_by_role("button", name="Send introduction").click()
    expect(
        me.get_by_role("heading", name=f"You introduced John Carter and {ADAM_EMAIL}")
    ).to_be_visible()
    expect(me.locator(".intro-progress")).to_contain_text(
        f"Waiting for {ADAM_EMAIL} to join LinkUp and accept"
    )

    # --- Adam opens the invitation, signs up, and accepts --------------------------
    invitation = next(m for m in mailoutbox if m.to == [ADAM_EMAIL])
    link = re.search(r"https?://\S+/invite/\S+/", invitation.body)
    assert link is not None, invitation.body
    adam = new_page()
    adam.goto(urlparse(link.group(0)).path)
    expect(adam.get_by_role("heading", name="Maya Lind invited you to LinkUp")).to_be_visible()
    adam.get_by_role("main").get_by_role("button", name="Join LinkUp").click()
    adam.get_by_label(re.compile(r"^Full name:?$")).fill("Adam Reyes")
    expect(adam.get_by_label(re.compile(r"^Email:?$"))).to_have_value(ADAM_EMAIL)
    adam.get_by_label(re.compile(r"^Username:?$")).fill("adam")
    adam.get_by_label(re.compile(r"^Password:?$")).fill("Wing-lift-4-ever")
    adam.get_by_label(re.compile(r"^Password \(again\):?$")).fill("Wing-lift-4-ever")
    adam.get_by_role("button", name="Sign Up").click()
    expect(adam.get_by_role("heading", name="Welcome, Adam Reyes")).to_be_visible()
    open_waiting(adam, "Maya Lind introduced you to John Carter")
    assert JOHN_CONTACT not in adam.content()  # not connected yet
    adam.get_by_role("button", name="Accept").click()
    expect(adam.get_by_role("status")).to_contain_text(
        "You accepted. Waiting for John Carter to accept."
    )

    # --- John accepts too: John and Adam are connected -----------------------------
    open_waiting(john_page, "Maya Lind introduced you to Adam Reyes")
    expect(john_page.locator(".intro-progress")).to_contain_text(
        "Adam Reyes has accepted: waiting for you"
    )
    john_page.get_by_role("button", name="Accept").click()
    expect(john_page.get_by_role("status")).to_contain_text(
        "You are now connected with Adam Reyes."
    )
    adam_user = User.objects.get(username="adam")
    assert graph.are_connected(john.pk, adam_user.pk)
    expect(john_page.locator("#introduction-status")).to_have_text("Accepted: you are connected")


def test_asking_and_forwarding_work_without_javascript(new_page) -> None:
    john = member("john", "John Carter")
    pete = member("pete", "Pete Novak")
    maya = member("maya", "Maya Lind")
    graph.add_edge(john.pk, pete.pk)
    graph.add_edge(pete.pk, maya.pk)

    john_page = new_page(java_script_enabled=False)
    log_in(john_page, "john")
    john_page.goto("/in/maya/get-introduced/")
    john_page.get_by_role("button", name="Send request").click()
    expect(
        john_page.get_by_text("Write a message for the person you want to meet.")
    ).to_be_visible()
    john_page.get_by_label("Your message").fill(MESSAGE)
    john_page.get_by_role("button", name="Send request").click()
    expect(john_page.get_by_role("heading", name="Your introduction to Maya Lind")).to_be_visible()

    pete_page = new_page(java_script_enabled=False)
    log_in(pete_page, "pete")
    open_waiting(pete_page, "John Carter asks to meet Maya Lind")
    with pete_page.expect_response(lambda r: r.url.endswith("/forward/")) as posted:
        pete_page.get_by_role("button", name="Forward", exact=True).click()
    assert posted.value.status == 302
    expect(pete_page.get_by_role("status")).to_contain_text("Forwarded: Maya Lind can now answer.")
