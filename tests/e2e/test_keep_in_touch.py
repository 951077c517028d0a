"""Keep in touch, in a real browser: add a connection from their profile, see them on the
list, mark them touched with a private note, and add another from the list's picker."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from connections import graph
from digest.models import KeepInTouch
from tests.e2e.helpers import log_in, member

pytestmark = pytest.mark.e2e


def test_keep_in_touch_from_a_profile_then_mark_touched(new_page) -> None:
    alice = member("alice", "Alice Archer")
    bob = member("bob", "Bob Baker")
    carol = member("carol", "Carol Chen")
    graph.add_edge(alice.pk, bob.pk)
    graph.add_edge(alice.pk, carol.pk)

    page = new_page()
    log_in(page, "alice")

    # --- on Bob's profile: Keep in touch, every month, in place ----------------------
    page.goto("/in/bob/")
    button = page.locator("#keep-in-touch-button")
    button.get_by_label("How often to be in touch with Bob Baker").select_option("1")
    page.evaluate("window.__sameDocument = true")
    button.get_by_role("button", name="Keep in touch").click()
    expect(page.locator("#keep-in-touch-button")).to_contain_text(
        "On your keep-in-touch list: every month"
    )
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    assert KeepInTouch.objects.get(member=alice).interval_months == 1

    # --- the list shows him, not due yet -------------------------------------------------
    page.get_by_role("link", name="keep-in-touch list").click()
    expect(page).to_have_url(re.compile(r"/network/keep-in-touch/$"))
    row = page.locator(f"#kit-{bob.pk}")
    expect(row).to_contain_text("Bob Baker")
    expect(row).to_contain_text("Next:")
    expect(row).to_contain_text("No touch on record yet")
    expect(row.locator(".badge", has_text="Overdue")).to_have_count(0)

    # --- months later it is overdue, highlighted ----------------------------------------
    KeepInTouch.objects.filter(member=alice, other=bob).update(
        next_due_at=timezone.now() - timedelta(days=3)
    )
    page.reload()
    row = page.locator(f"#kit-{bob.pk}")
    expect(row).to_have_class(re.compile(r"\bkit-overdue\b"))
    expect(row.locator(".badge", has_text="Overdue")).to_be_visible()

    # --- mark touched, with a private note, in place -------------------------------------
    page.evaluate("window.__sameDocument = true")
    row.get_by_text("Mark as touched").click()
    row.get_by_label("A private note (optional)").fill("Had coffee")
    row.get_by_role("button", name="I was in touch").click()
    row = page.locator(f"#kit-{bob.pk}")
    expect(row.get_by_role("status")).to_have_text("Marked as in touch today.")
    expect(row).to_contain_text("“Had coffee”")
    expect(row.locator(".badge", has_text="Overdue")).to_have_count(0)
    expect(row).not_to_have_class(re.compile(r"\bkit-overdue\b"))
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    entry = KeepInTouch.objects.get(member=alice, other=bob)
    assert (entry.last_touch_how, entry.last_touch_note) == ("manual", "Had coffee")
    assert entry.next_due_at > timezone.now() + timedelta(days=27)

    # --- add Carol from the list's own picker ---------------------------------------------
    page.get_by_label("Add a connection").fill("Carol Chen (@carol)")
    page.get_by_label("Remind me").select_option("6")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Carol Chen is on your keep-in-touch list."
    )
    expect(page.locator(f"#kit-{carol.pk}")).to_contain_text("Carol Chen")
    assert KeepInTouch.objects.get(member=alice, other=carol).interval_months == 6
