"""Reporting a profile in a real browser, and the site under its Content-Security-Policy.

Chromium prints every CSP violation to the console ("Refused to load…", "Refused to
apply inline style…"), and a listener added before any page script reports
`securitypolicyviolation` events there too. The test walks the main pages, the API docs
and the moderators' queue and fails on any of them.
"""

import re
from collections.abc import Iterator

import pytest
from django.urls import NoReverseMatch, reverse
from playwright.sync_api import ConsoleMessage, Page, expect

from connections import graph
from connections import services as connection_services
from moderation.models import DontKnowAnswer, Report
from tests.e2e.helpers import log_in, member
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""
CSP_WORDS = ("Content Security Policy", "CSP violation", "Refused to")

# The main pages, by URL name (those of apps not in this checkout are skipped).
PAGES = [
    ("home", []),
    ("profile-detail", ["bob"]),
    ("profile-detail", ["alice"]),
    ("search", []),
    ("profile-edit", []),
    ("network", []),
    ("network-requests", []),
    ("network-invitations", []),
    ("notifications", []),
    ("introductions", []),
    ("introduction-request", ["carol"]),
    ("settings-emails", []),
    ("recommendations", []),
    ("discover", []),
    ("asks", []),
    ("reach", []),
    ("keep-in-touch", []),
    ("settings-tokens", []),
    ("settings-data", []),
    ("report", ["profile", "bob"]),
]


@pytest.fixture
def watched(new_page) -> Iterator[tuple[Page, list[str]]]:
    """A page whose console errors about the security policy are collected."""
    page = new_page()
    page.add_init_script(LISTEN)
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and any(word in message.text for word in CSP_WORDS):
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    yield page, errors


@pytest.fixture
def people(transactional_db):
    alice = member("alice", "Alice Archer")
    bob = member("bob", "Bob Baker")
    carol = member("carol", "Carol Chen")
    dave = member("dave", "Dave Dunn")
    graph.add_edge(alice.pk, dave.pk)
    graph.add_edge(dave.pk, carol.pk)
    connection_services.connection_request_create(
        sender=bob, recipient=alice, note="Cheap watches, best prices"
    )
    return {"alice": alice, "bob": bob, "carol": carol, "dave": dave}


def test_report_a_profile_without_csp_errors(watched, people):
    page, errors = watched
    log_in(page, "alice")

    for name, args in PAGES:
        try:
            url = reverse(name, args=args)
        except NoReverseMatch:
            continue
        response = page.goto(url)
        assert response is not None and response.status < 400, (url, response and response.status)
        page.wait_for_load_state("load")

    # Report Bob's profile from his page; the form is swapped in place by htmx.
    page.goto("/in/bob/")
    page.get_by_role("link", name="Report this profile").click()
    expect(page).to_have_url(re.compile(r"/report/profile/bob/$"))
    expect(page.get_by_role("heading", name="Report Bob Baker’s profile")).to_be_visible()
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("Choose a reason.")).to_be_visible()
    page.get_by_label("Fake profile or impersonation").check()
    page.get_by_label(re.compile("Anything the moderators should know")).fill("Not a real person")
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_text("your report was sent")).to_be_visible()
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    report = Report.objects.get()
    assert (report.reporter.username, report.reported_member.username) == ("alice", "bob")
    assert (report.reason, report.details) == ("fake", "Not a real person")

    # Ignore Bob's request: "I don't know them".
    page.goto("/network/requests/")
    page.get_by_role("button", name="I don’t know them").click()
    expect(page.locator(".net-row-done")).to_contain_text("Ignored")
    assert DontKnowAnswer.objects.get().sender.username == "bob"

    # The API docs run under the policy (scripts from files, their one style by hash).
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("LinkUp API")

    assert not errors, "CSP violations:\n" + "\n".join(errors)


def test_moderators_queue_without_csp_errors(watched, people):
    page, errors = watched
    UserFactory(username="moderator", is_staff=True, is_superuser=True)
    Report.objects.create(
        reporter=people["alice"],
        reported_member=people["bob"],
        target_type="profile",
        target_id=people["bob"].pk,
        reason="spam",
    )
    log_in(page, "moderator")
    page.goto("/admin/moderation/report/")
    expect(page).to_have_url(re.compile(r"status__exact=open"))
    page.get_by_role("link", name=re.compile(r"^\d+$")).first.click()
    expect(page.get_by_text("Reported content")).to_be_visible()
    page.goto("/admin/moderation/report/?status__exact=open")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option("warn")
    page.get_by_role("button", name="Go").click()
    page.get_by_label("Message to the member").fill("Please keep your profile about work.")
    page.get_by_role("button", name="Warn the reported members").click()
    expect(page.get_by_text("Warned 1 member")).to_be_visible()
    assert Report.objects.get().status == "actioned"

    assert not errors, "CSP violations:\n" + "\n".join(errors)
