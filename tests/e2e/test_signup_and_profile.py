"""A newcomer signs up, builds a profile and shares it — in a real browser.

The live server runs in this process, so the verification e-mail it sends
lands in `mailoutbox` and the test reads the link from there, like the
newcomer reading their inbox.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from connections import graph
from profiles.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e

HANDLE = "maria-santos"
FULL_NAME = "Maria Santos"
SIGNUP_EMAIL = "maria@example.com"
NEW_PASSWORD = "Wing-lift-4-ever"
CONTACT_EMAIL = "maria.contact@flymail.example"
HEADLINE = "Airline operations lead"


def make_member(handle: str, full_name: str) -> User:
    """A verified member with a profile (password: tests.factories.PASSWORD)."""
    member = UserFactory(username=handle, profile__full_name=full_name)
    assert isinstance(member, User)
    return member


def field(text: str) -> re.Pattern[str]:
    """The accessible name of an allauth form field ("Password:", colon included)."""
    return re.compile(rf"^{re.escape(text)}:?$")


def log_in(page: Page, handle: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(field("Login")).fill(handle)
    page.get_by_label(field("Password")).fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/home/$"))


def completeness(page: Page) -> int:
    value = page.get_by_role("progressbar", name="Profile completeness").get_attribute(
        "aria-valuenow"
    )
    assert value is not None
    return int(value)


def wait_completeness_above(page: Page, previous: int) -> int:
    """Wait until the meter (swapped in out-of-band by htmx) shows more than `previous`."""
    page.wait_for_function(
        """previous => {
            const meter = document.querySelector('#completeness [role=progressbar]');
            return meter && Number(meter.getAttribute('aria-valuenow')) > previous;
        }""",
        arg=previous,
    )
    value = completeness(page)
    expect(page.locator("#completeness")).to_contain_text(f"{value}% complete")
    return value


def mark_document(page: Page) -> None:
    # A flag on window survives htmx swaps but not a page load: lets the test
    # prove the sections were updated in place.
    page.evaluate("window.__sameDocument = true")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def test_sign_up_build_profile_and_share_it(new_page, mailoutbox) -> None:
    # --- 1. Sign up and verify the e-mail address --------------------------------
    page = new_page()
    page.goto("/")
    # The stylesheets are served and applied (body background from app.css).
    assert page.request.get("/static/css/app.css").status == 200
    assert page.request.get("/static/vendor/htmx/htmx.min.js").status == 200
    expect(page.locator("body")).to_have_css("background-color", "rgb(244, 242, 238)")

    # Both "Join LinkUp" links are styled as buttons (role="button"); take the hero one.
    page.get_by_role("main").get_by_role("button", name="Join LinkUp").click()
    expect(page).to_have_url(re.compile(r"/accounts/signup/$"))
    page.get_by_label(field("Full name")).fill(FULL_NAME)
    page.get_by_label(field("Email")).fill(SIGNUP_EMAIL)
    page.get_by_label(field("Username")).fill(HANDLE)
    page.get_by_label(field("Password")).fill(NEW_PASSWORD)
    page.get_by_label(field("Password (again)")).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [SIGNUP_EMAIL]
    links = re.findall(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert len(links) == 1, message.body
    page.goto(links[0])
    expect(page.get_by_text(SIGNUP_EMAIL)).to_be_visible()
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/home/$"))
    expect(page.get_by_role("heading", name=f"Welcome, {FULL_NAME}")).to_be_visible()
    expect(page.get_by_role("link", name="Edit profile", exact=True)).to_be_visible()

    # --- 2. Build the profile ------------------------------------------------------
    page.get_by_role("banner").get_by_role("link", name="Edit profile").click()
    expect(page).to_have_url(re.compile(r"/me/edit/$"))
    score = completeness(page)

    basics = page.locator("#basics")
    basics.get_by_label("Headline").fill(HEADLINE)
    basics.get_by_label("Summary").fill(
        "Twelve years keeping fleets on time.\nOps, safety, people."
    )
    basics.get_by_label("Industry").select_option(label="Aviation")
    basics.get_by_label("Location").fill("Porto, Portugal")
    basics.get_by_label("Contact e-mail").fill(CONTACT_EMAIL)
    basics.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")
    expect(basics.get_by_label("Headline")).to_have_value(HEADLINE)
    expect(basics.get_by_label("Industry")).to_have_value("aviation")
    score = wait_completeness_above(page, score)

    # From here on the sections update in place (htmx): no page loads.
    mark_document(page)

    positions = page.locator("#positions")
    positions.locator("summary", has_text="Add a position").click()
    positions.get_by_label("Title").fill("Head of Operations")
    positions.get_by_label("Organization").fill("Atlantic Air")
    positions.get_by_label("Start month").fill("2021-03")
    positions.get_by_label("I currently work here").check()
    positions.get_by_label("Description").fill("Runs the operations control centre.")
    positions.get_by_role("button", name="Add position").click()
    current = positions.get_by_role("listitem").filter(has_text="Head of Operations")
    expect(current).to_contain_text("Atlantic Air")
    expect(current).to_contain_text("Mar 2021 – present")
    score = wait_completeness_above(page, score)

    positions.locator("summary", has_text="Add a position").click()
    positions.get_by_label("Title").fill("Duty Manager")
    positions.get_by_label("Organization").fill("Lisbon Airport")
    positions.get_by_label("Start month").fill("2015-06")
    positions.get_by_label("End month").fill("2021-02")
    positions.get_by_role("button", name="Add position").click()
    past = positions.get_by_role("listitem").filter(has_text="Duty Manager")
    expect(past).to_contain_text("Lisbon Airport")
    expect(past).to_contain_text("Jun 2015 – Feb 2021")
    expect(current).to_be_visible()
    # Current position first, then the past one.
    expect(positions.get_by_role("heading", level=4)).to_have_text(
        ["Head of Operations", "Duty Manager"]
    )

    education = page.locator("#education")
    education.locator("summary", has_text="Add education").click()
    education.get_by_label("School").fill("University of Porto")
    education.get_by_label("Degree").fill("MSc")
    education.get_by_label("Field of study").fill("Aeronautical Engineering")
    education.get_by_label("Start year").fill("2008")
    education.get_by_label("End year").fill("2013")
    education.get_by_role("button", name="Add education").click()
    school = education.get_by_role("listitem").filter(has_text="University of Porto")
    expect(school).to_contain_text("MSc, Aeronautical Engineering")
    expect(school).to_contain_text("2008 – 2013")
    score = wait_completeness_above(page, score)

    skills = page.locator("#skills")
    for skill in ("Flight operations", "Crew scheduling"):
        skills.get_by_label("Skill", exact=True).fill(skill)
        skills.get_by_role("button", name="Add", exact=True).click()
        expect(skills.get_by_role("listitem").filter(has_text=skill)).to_be_visible()
        expect(skills.get_by_label("Skill", exact=True)).to_have_value("")
    expect(skills.get_by_role("listitem")).to_have_count(2)

    assert_same_document(page)

    # --- 3. A logged-out visitor sees the public profile, without contact details ---
    visitor = new_page()
    visitor.goto(f"/in/{HANDLE}/")
    expect(visitor.get_by_role("heading", name=FULL_NAME, level=1)).to_be_visible()
    expect(visitor.get_by_text(HEADLINE)).to_be_visible()
    expect(visitor.get_by_text("Porto, Portugal · Aviation")).to_be_visible()
    experience = visitor.locator("#experience")
    expect(experience.get_by_role("heading", level=4)).to_have_text(
        ["Head of Operations", "Duty Manager"]
    )
    expect(visitor.locator("#education")).to_contain_text("University of Porto")
    expect(visitor.locator("#skills")).to_contain_text("Flight operations")
    expect(visitor.locator(".contact")).to_contain_text("Log in")
    expect(visitor.get_by_text(CONTACT_EMAIL)).to_have_count(0)
    assert CONTACT_EMAIL not in visitor.content()

    # --- 4. Another member sees contact details only once connected -------------
    pete = make_member("pete", "Pete Turner")
    other = new_page()
    log_in(other, "pete", PASSWORD)
    expect(other.get_by_role("heading", name="Welcome, Pete Turner")).to_be_visible()
    other.goto(f"/in/{HANDLE}/")
    expect(other.get_by_role("heading", name=FULL_NAME, level=1)).to_be_visible()
    expect(other.locator("#experience")).to_contain_text("Head of Operations")
    expect(other.locator(".contact")).to_contain_text(
        "Contact details are shared with 1st-degree connections only."
    )
    assert CONTACT_EMAIL not in other.content()

    maria = User.objects.get(username=HANDLE)
    assert graph.add_edge(pete.pk, maria.pk)
    other.reload()
    expect(other.locator(".contact").get_by_role("link", name=CONTACT_EMAIL)).to_have_attribute(
        "href", f"mailto:{CONTACT_EMAIL}"
    )
    expect(other.get_by_text("1 connection", exact=False)).to_be_visible()

    # The member's own view of the public page shows the contact details too.
    page.goto(f"/in/{HANDLE}/")
    expect(page.locator(".contact")).to_contain_text(CONTACT_EMAIL)


def test_profile_editing_works_without_javascript(new_page) -> None:
    member = make_member("nojs", "Nora Jones")
    page = new_page(java_script_enabled=False)
    log_in(page, member.username, PASSWORD)
    page.goto("/me/edit/")

    page.locator("#basics").get_by_label("Headline").fill("Works without scripts")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Profile saved.")

    positions = page.locator("#positions")
    positions.locator("summary", has_text="Add a position").click()
    positions.get_by_label("Title").fill("Archivist")
    positions.get_by_label("Organization").fill("National Library")
    positions.get_by_label("Start month").fill("2018-09")
    positions.get_by_label("End month").fill("2023-01")
    with page.expect_response(lambda r: r.url.endswith("/me/positions/add/")) as posted:
        positions.get_by_role("button", name="Add position").click()
    assert posted.value.status == 302
    expect(page).to_have_url(re.compile(r"/me/edit/#positions$"))
    item = page.locator("#positions").get_by_role("listitem").filter(has_text="Archivist")
    expect(item).to_contain_text("National Library")
    expect(item).to_contain_text("Sep 2018 – Jan 2023")

    # An invalid position comes back as the edit page with the error, form open.
    positions.locator("summary", has_text="Add a position").click()
    positions.get_by_label("Title").fill("Time traveller")
    positions.get_by_label("Organization").fill("Nowhere")
    positions.get_by_label("Start month").fill("2020-05")
    positions.get_by_label("End month").fill("2019-01")
    with page.expect_response(lambda r: r.url.endswith("/me/positions/add/")) as posted:
        positions.get_by_role("button", name="Add position").click()
    assert posted.value.status == 400
    expect(positions).to_contain_text("The end month is before the start month.")
    expect(positions.get_by_label("Title")).to_have_value("Time traveller")
    expect(positions.get_by_role("heading", level=4)).to_have_text(["Archivist"])

    skills = page.locator("#skills")
    skills.get_by_label("Skill", exact=True).fill("Cataloguing")
    skills.get_by_role("button", name="Add", exact=True).click()
    expect(page).to_have_url(re.compile(r"/me/edit/#skills$"))
    expect(skills.get_by_role("listitem").filter(has_text="Cataloguing")).to_be_visible()
