"""E-mails and "Download my data" archives keep the same rules as pages (INVARIANTS 1, 3,
10): no contact details beyond the recipient and their 1st degree, no member hidden from
them, nobody's sign-in address, no invited address but their own; and an archive is its
member's alone.
"""

import datetime
import json
import zipfile

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from digest import emails, sections
from digest import services as digest
from privacy import services as privacy
from privacy.models import DataExport
from tests.authz.helpers import assert_same_as_missing, leaks
from tests.authz.world import NEWBIE_EMAIL, OUTSIDER_EMAIL, PEOPLE, Model, World

pytestmark = pytest.mark.django_db

BY_ADDRESS = {person.account_email: key for key, person in PEOPLE.items()}


def _texts(message) -> str:
    parts = [message.subject, message.body]
    parts += [content for content, _ in getattr(message, "alternatives", [])]
    return "\n".join(parts)


def _secrets_for_recipient(address: str) -> dict[str, str]:
    if address in BY_ADDRESS:
        return Model.secrets(BY_ADDRESS[address])
    secrets = Model.secrets("a non-member")  # an invited address: sees no one's details
    secrets.pop(address, None)
    return secrets


def _scan(messages: list) -> None:
    assert messages, "the control failed: no e-mail went out"
    for message in messages:
        (address,) = message.to
        found = leaks(_texts(message), _secrets_for_recipient(address))
        assert not found, f"the e-mail {message.subject!r} to {address} shows: {found}"


def test_notification_and_invitation_emails(world):
    # Every e-mail the world's events sent, after the hiding events committed with them.
    _scan(world.emails)
    to_vera = [m for m in world.emails if m.to == [PEOPLE["vera"].account_email]]
    assert any(PEOPLE["fay"].name in m.subject for m in to_vera)
    invitation = next(m for m in world.emails if m.to == [OUTSIDER_EMAIL])
    assert PEOPLE["vera"].name in _texts(invitation)


def test_nothing_was_emailed_about_members_hidden_by_then(world):
    # Bea's and Sue's recommendations of Vera, Bob's request, Bea's answer: their e-mails
    # were still queued when the block or suspension committed.
    to_vera = "\n".join(_texts(m) for m in world.emails if m.to == [PEOPLE["vera"].account_email])
    for key in ("bea", "bob", "sue", "dan"):
        assert PEOPLE[key].name not in to_vera


def test_keep_in_touch_reminders(world):
    # Vera keeps in touch with Fay, Sue (suspended since) and Dan (deleted since).
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        digest.keep_in_touch_remind(now=timezone.now() + datetime.timedelta(days=400))
    _scan(mail.outbox)
    assert any(PEOPLE["fay"].name in _texts(m) for m in mail.outbox)
    notes = world.api("vera").get("/api/v1/notifications/").content.decode()
    assert PEOPLE["sue"].name not in notes and PEOPLE["dan"].name not in notes


@pytest.mark.parametrize("member", ["vera", "fay", "bea", "bob"])
def test_digest_email(world, member):
    user = world.user(member)
    mail.outbox.clear()
    emails.send_digest(member=user, digest=sections.build(user), frequency="weekly")
    _scan(mail.outbox)


# -- Download my data -------------------------------------------------------------------


def _archive(world: World, member: str) -> tuple[DataExport, dict, str]:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = world.api(member).post("/api/v1/me/exports/")
    assert response.status_code == 202, response.content
    export = DataExport.objects.get(pk=response.json()["id"])
    assert export.status == DataExport.Status.READY, export.error
    with zipfile.ZipFile(privacy.export_path(export)) as archive:
        text = "\n".join(archive.read(name).decode() for name in archive.namelist())
        data = json.loads(archive.read("linkup-data/data.json"))
    return export, data, text


@pytest.mark.parametrize("member", ["vera", "fay", "tom", "bea", "bob"])
def test_an_archive_shows_only_what_its_member_may_see(world, member):
    _, data, text = _archive(world, member)

    found = leaks(text, Model.secrets(member, blocker_list=True))
    assert not found, f"{member}'s archive shows: {found}"
    # The control: the contact details of each current connection are there.
    for other in Model.first_degree(member):
        assert PEOPLE[other].contact_email in text, f"{other}'s contact missing"
    assert data["profile"][0]["contact_email"] == PEOPLE[member].contact_email


def test_the_inviter_finds_her_invitations_in_her_archive(world):
    _, _, vera = _archive(world, "vera")
    _, _, fay = _archive(world, "fay")
    assert OUTSIDER_EMAIL in vera and NEWBIE_EMAIL not in vera
    assert NEWBIE_EMAIL in fay and OUTSIDER_EMAIL not in fay


@pytest.mark.parametrize("what", ["", "download/"])
def test_an_archive_is_its_members_alone(world, what):
    export, _, _ = _archive(world, "vera")
    path = f"/api/v1/me/exports/{{}}/{what}"

    assert world.api("vera").get(path.format(export.pk)).status_code == 200
    for other in ("fay", "bea"):
        api = world.api(other)
        assert_same_as_missing(
            api.get(path.format(export.pk)),
            api.get(path.format(world.objects["missing_id"])),
            what=f"Vera's archive to {other}",
        )
    # Pages too.
    page = world.browser("fay").get(f"/settings/data/{export.pk}/download/")
    missing = world.browser("fay").get(f"/settings/data/{world.objects['missing_id']}/download/")
    assert_same_as_missing(page, missing, what="Vera's archive page to Fay")
