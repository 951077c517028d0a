"""Asks in a real browser, each member in their own browser context:

Alice asks her network for an aviation technical writer. Bob, her connection, knows
Carol (his connection, not Alice's) and refers her from the ask. Alice sees the
referral on her ask and as an introduction waiting for her; both accept and are
connected. Alice closes the ask as solved and thanks Bob.
"""

import re

import pytest
from playwright.sync_api import expect

from asks.models import Ask, AskHelper
from connections import graph
from tests.e2e.helpers import log_in, member

pytestmark = pytest.mark.e2e

TITLE = "Looking for an aviation technical writer"
BODY = "A320 maintenance manuals, three months, remote."
NOTE = "Carol wrote the A320 manuals at Atlantic Air."


def test_a_connection_refers_someone_from_an_ask(new_page) -> None:
    alice = member("alice", "Alice Archer", "Publications manager")
    bob = member("bob", "Bob Baker", "Maintenance engineer")
    carol = member("carol", "Carol Chen", "Technical writer")
    graph.add_edge(alice.pk, bob.pk)
    graph.add_edge(bob.pk, carol.pk)

    # --- Alice posts her ask -------------------------------------------------------
    alice_page = new_page()
    log_in(alice_page, "alice")
    alice_page.goto("/asks/")
    alice_page.get_by_role("main").get_by_role("link", name="Post an ask").first.click()
    alice_page.get_by_label("What do you need?").fill(TITLE)
    alice_page.get_by_label("Details").fill(BODY)
    alice_page.get_by_label("Topic").fill("technical writing")
    alice_page.get_by_label("Industry").select_option(label="Aviation")
    alice_page.get_by_role("button", name="Post the ask").click()
    expect(alice_page).to_have_url(re.compile(r"/asks/\d+/$"))
    expect(alice_page.get_by_role("heading", name=TITLE, level=2)).to_be_visible()
    expect(alice_page.locator("#ask-status")).to_have_text("Open")
    expect(alice_page.locator("#ask-reach")).to_contain_text("Seen by 0 people")

    # --- Bob finds it in his feed and refers Carol -----------------------------------
    bob_page = new_page()
    log_in(bob_page, "bob")
    bob_page.goto("/asks/")
    row = bob_page.locator(".ask-row", has_text=TITLE)
    expect(row).to_contain_text("Alice Archer asks")
    row.get_by_role("button", name="Help").click()
    expect(bob_page.get_by_role("heading", name=TITLE, level=2)).to_be_visible()
    assert "Carol Chen" not in Ask.objects.get().title  # nothing leaked into the ask
    bob_page.get_by_label("Whom do you refer?").select_option(label="Carol Chen")
    bob_page.get_by_label("Why they should meet").fill(NOTE)
    bob_page.get_by_role("button", name="Refer", exact=True).click()
    expect(bob_page.get_by_role("status")).to_contain_text("You referred Carol Chen")
    expect(bob_page.locator("#ask-refer")).to_contain_text("You referred Carol Chen")

    # --- Alice sees the referral on her ask, as an introduction --------------------
    alice_page.reload()
    expect(alice_page.locator("#ask-reach")).to_contain_text("Seen by 1 person · 1 referral")
    referral = alice_page.locator(".referral-row")
    expect(referral).to_contain_text("Bob Baker referred Carol Chen")
    expect(referral).to_contain_text(NOTE)
    expect(referral).to_contain_text("Waiting for your answer")
    referral.get_by_role("button", name="See the introduction").click()
    heading = "Bob Baker introduced you to Carol Chen"
    expect(alice_page.get_by_role("heading", name=heading)).to_be_visible()
    expect(alice_page.locator(".intro-words")).to_contain_text(TITLE)
    expect(alice_page.locator(".intro-words")).to_contain_text(NOTE)

    # ...and in her introductions, waiting for her.
    alice_page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Introductions")).click()
    row = alice_page.locator(".intro-row", has_text=heading)
    expect(row).to_have_count(1)
    row.get_by_role("button").click()
    alice_page.get_by_role("button", name="Accept").click()
    expect(alice_page.get_by_role("status")).to_contain_text(
        "You accepted. Waiting for Carol Chen to accept."
    )

    # --- Carol accepts: the two are connected ---------------------------------------
    carol_page = new_page()
    log_in(carol_page, "carol")
    carol_page.goto("/introductions/")
    carol_page.locator(
        ".intro-row", has_text="Bob Baker introduced you to Alice Archer"
    ).get_by_role("button").click()
    carol_page.get_by_role("button", name="Accept").click()
    expect(carol_page.get_by_role("status")).to_contain_text(
        "You are now connected with Alice Archer."
    )
    assert graph.are_connected(alice.pk, carol.pk)

    # --- Alice closes her ask as solved and thanks Bob --------------------------------
    alice_page.goto(f"/asks/{Ask.objects.get().pk}/")
    expect(alice_page.locator(".referral-row")).to_contain_text("Connected")
    alice_page.get_by_label("Solved: I found what I needed").check()
    alice_page.get_by_label("Bob Baker").check()
    alice_page.get_by_role("button", name="Close the ask").click()
    expect(alice_page.locator("#ask-status")).to_have_text("Solved")
    assert list(AskHelper.objects.values_list("member_id", flat=True)) == [bob.pk]

    bob_page.goto("/notifications/")
    expect(bob_page.get_by_role("main")).to_contain_text(
        f"Alice Archer closed the ask “{TITLE}” as solved and thanks you for your help."
    )
