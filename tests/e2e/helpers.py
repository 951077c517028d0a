"""What the browser tests share: making a member, logging in as one."""

import re

from playwright.sync_api import Page, expect

from profiles.models import User
from tests.factories import PASSWORD, UserFactory


def member(handle: str, full_name: str, headline: str = "", **profile: str) -> User:
    user = UserFactory(username=handle, profile__full_name=full_name)
    assert isinstance(user, User)
    for field, value in {"headline": headline, **profile}.items():
        if value:
            setattr(user.profile, field, value)
    user.profile.save()
    return user


def log_in(page: Page, handle: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label(re.compile(r"^Login:?$")).fill(handle)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/home/$"))
