"""Take the README's screenshots from a running site with demo data (`make run`).

    .venv/bin/python scripts/screenshots.py [http://127.0.0.1:8000]

Drives Debian's Chromium with Playwright (never a downloaded browser) and writes
docs/screenshots/*.png. It creates one introduction request as the demo member.
"""

import os
import sys
from pathlib import Path

import django
from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "linkup.settings.local")
django.setup()

from connections import graph  # noqa: E402
from introductions.models import Introduction  # noqa: E402
from profiles.models import User  # noqa: E402

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def log_in(page: Page, login: str, password: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page: Page, name: str, url: str | None = None, *, full: bool = False) -> None:
    if url:
        page.goto(f"{BASE}{url}")
        page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print("wrote", OUT / f"{name}.png")


def second_degree_of(member: User) -> tuple[User, User]:
    """A 2nd-degree member of `member` with a mutual connection, and that connection."""
    asked = set(Introduction.objects.filter(requester=member).values_list("target_id", flat=True))
    for other_id in graph.first_degree_ids(member.pk):
        for candidate in graph.first_degree_ids(other_id):
            if candidate == member.pk or candidate in asked:
                continue
            if graph.degree_between(member.pk, candidate) == 2:
                return User.objects.get(pk=candidate), User.objects.get(pk=other_id)
    raise SystemExit("no 2nd-degree member found: is the demo data loaded?")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    demo = User.objects.select_related("profile").get(username="demo")
    target, _broker = second_degree_of(demo)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 860})
        log_in(page, "demo", "linkup-demo")
        shot(page, "profile", f"/in/{target.username}/")
        shot(page, "edit", "/me/edit/")
        shot(page, "network", "/network/")
        shot(page, "search", "/search/?q=engineer&degree=2")
        shot(page, "get-introduced", f"/in/{target.username}/get-introduced/")
        form = page.locator("form").filter(has=page.locator("textarea")).first
        textareas = form.locator("textarea")
        textareas.nth(0).fill(
            "Hello! I read about your work and would love to hear how your team ships."
        )
        if textareas.count() > 1:
            textareas.nth(1).fill("You know us both well: would you pass this on?")
        form.locator("button[type=submit]").first.click()
        page.wait_for_load_state("networkidle")
        shot(page, "introduction")
        shot(page, "home", "/home/")
        shot(page, "recommendations", "/recommendations/")
        shot(page, "asks", "/asks/")
        shot(page, "asks-mine", "/asks/mine/")
        page.goto(f"{BASE}/network/reach/?by=industry")
        page.wait_for_selector("svg", timeout=60_000)  # computed by Celery on first visit
        shot(page, "reach")
        page.goto(f"{BASE}/discover/")
        page.wait_for_selector("li.suggestion", timeout=60_000)
        shot(page, "people-you-may-know")
        shot(page, "who-at", f"/discover/at/?industry={demo.profile.industry}")
        shot(page, "keep-in-touch", "/network/keep-in-touch/")
        shot(page, "digest", "/digest/")
        shot(page, "your-data", "/settings/data/")
        shot(page, "authorized-apps", "/settings/apps/")
        page.context.clear_cookies()
        log_in(page, "admin", "linkup-admin")
        shot(page, "admin", "/admin/introductions/introduction/")
        shot(page, "admin-reports", "/admin/moderation/report/")
        browser.close()


if __name__ == "__main__":
    main()
