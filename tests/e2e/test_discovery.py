"""Discovery in a real browser: who do I know at a company, then an introduction request
through the connection chosen there; and people you may know, found in the background,
with Connect and "Don't know them" in place."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from connections import graph
from discovery import services
from profiles.models import Position, User
from tests.e2e.helpers import log_in, member

pytestmark = pytest.mark.e2e


def works_at(user: User, organization: str) -> None:
    Position.objects.create(
        profile_id=user.pk,
        title="Engineer",
        organization=organization,
        start_date=date(2021, 1, 1),
        is_current=True,
    )


def test_who_do_i_know_at_a_company_then_get_introduced(new_page) -> None:
    alice = member("alice", "Alice Archer", "Product manager")
    bob = member("bob", "Bob Baker", "Engineering manager")
    fay = member("fay", "Fay Fischer", "Recruiter")
    carol = member("carol", "Carol Chen", "Staff engineer")
    dan = member("dan", "Dan Diaz", "Designer")
    for a, b in [(alice, bob), (alice, fay), (bob, carol), (fay, carol), (carol, dan)]:
        graph.add_edge(a.pk, b.pk)
    works_at(carol, "Initech")
    works_at(dan, "Initech")
    services.directory_refresh()

    page = new_page()
    log_in(page, "alice")
    page.goto("/discover/at/")
    page.get_by_label("Company").fill("initech")  # any letter case
    page.get_by_role("button", name="Show who I know").click()
    expect(page.get_by_role("heading", name="Who do I know at Initech?")).to_be_visible()
    # Carol is 2nd degree through Bob and through Fay; Dan 3rd degree through either.
    bob_group, fay_group = page.locator(f"#via-{bob.pk}"), page.locator(f"#via-{fay.pk}")
    expect(bob_group).to_contain_text("Carol Chen")
    expect(bob_group).to_contain_text("Dan Diaz")
    expect(fay_group).to_contain_text("through Fay Fischer → Carol Chen")

    fay_group.get_by_role("button", name="Get introduced to Carol Chen by Fay Fischer").click()
    expect(page).to_have_url(re.compile(rf"/in/carol/get-introduced/\?via={fay.pk}$"))
    expect(page.get_by_role("radio", name=re.compile(r"^Fay Fischer"))).to_be_checked()
    expect(page.get_by_role("radio", name=re.compile(r"^Bob Baker"))).not_to_be_checked()
    page.get_by_label("Your message").fill("Carol, Fay says you built Initech's platform team.")
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_url(re.compile(r"/introductions/\d+/$"))
    expect(page.get_by_role("heading", name="Your introduction to Carol Chen")).to_be_visible()
    expect(page.locator(".intro-progress")).to_have_text("With Fay Fischer")


def test_people_you_may_know_found_then_acted_on_in_place(new_page) -> None:
    alice = member("alice", "Alice Archer")
    bob = member("bob", "Bob Baker")
    carol = member("carol", "Carol Chen", "Staff engineer")
    dan = member("dan", "Dan Diaz", "Designer")
    for a, b in [(alice, bob), (bob, carol), (bob, dan), (carol, dan)]:
        graph.add_edge(a.pk, b.pk)

    page = new_page()
    log_in(page, "alice")
    page.goto("/discover/")
    # The home page's panel (where logging in lands) asked for the computation already;
    # the waiting state itself is covered in tests/discovery.
    rows = page.locator("li.suggestion")
    expect(rows).to_have_count(2, timeout=10_000)
    expect(rows.first).to_contain_text("1 mutual connection")
    page.evaluate("window.__sameDocument = true")

    page.get_by_role("button", name="Connect with Carol Chen").click()
    expect(page.locator(f"#suggestion-{carol.pk}")).to_contain_text("Request sent.")
    page.get_by_role("button", name="Don't know Dan Diaz").click()
    expect(page.locator(f"#suggestion-{dan.pk}")).to_contain_text("suggest Dan Diaz again")
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"

    page.reload()
    expect(page.get_by_text("No suggestions right now.")).to_be_visible()
