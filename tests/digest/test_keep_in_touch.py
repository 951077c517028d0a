"""Keep in touch: due dates, reminders at most once, touches from the rest of LinkUp."""

from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from django.utils import timezone

from common.exceptions import ApplicationError
from common.signals import member_touched
from connections import services as connection_services
from connections.models import Notification
from connections.notification_text import describe
from digest import selectors, services
from digest.dates import add_months
from digest.models import KeepInTouch, Touch
from digest.tasks import remind_keep_in_touch
from introductions import services as introduction_services
from profiles.services import member_suspend
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db
DUE = Notification.Kind.KEEP_IN_TOUCH_DUE


def reminders(member=None):
    qs = Notification.objects.filter(kind=DUE)
    return qs.filter(recipient=member) if member is not None else qs


# -- due dates -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (datetime(2025, 1, 15, 9, 30, tzinfo=UTC), 1, datetime(2025, 2, 15, 9, 30, tzinfo=UTC)),
        (datetime(2025, 1, 31, tzinfo=UTC), 1, datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2024, 1, 31, tzinfo=UTC), 1, datetime(2024, 2, 29, tzinfo=UTC)),
        (datetime(2025, 11, 30, tzinfo=UTC), 3, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2025, 6, 1, tzinfo=UTC), 12, datetime(2026, 6, 1, tzinfo=UTC)),
        (datetime(2025, 3, 31, tzinfo=UTC), -1, datetime(2025, 2, 28, tzinfo=UTC)),
        (datetime(2025, 1, 10, tzinfo=UTC), -1, datetime(2024, 12, 10, tzinfo=UTC)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, months, expected):
    assert add_months(start, months) == expected


def test_a_new_entry_is_due_one_interval_from_now(circle):
    before = timezone.now()
    entry = services.keep_in_touch_add(
        member=circle["alice"], other=circle["bob"], interval_months=3
    )
    assert entry.last_touched_at is None
    assert add_months(before, 3) <= entry.next_due_at <= add_months(timezone.now(), 3)
    assert entry.reminded_at is None
    assert not entry.is_overdue


def test_a_new_entry_counts_from_the_last_touch_linkup_knows_of(circle):
    touched = timezone.now() - timedelta(days=40)
    services.touch_record(
        member_id=circle["alice"].pk, other_id=circle["bob"].pk, how="introduction", at=touched
    )
    entry = services.keep_in_touch_add(
        member=circle["alice"], other=circle["bob"], interval_months=1
    )
    assert entry.last_touched_at == touched
    assert entry.last_touch_how == "introduction"
    assert entry.next_due_at == add_months(touched, 1)
    # Already overdue when added: shown highlighted, and no reminder on top of it.
    assert entry.is_overdue
    assert entry.reminded_at is not None
    assert services.keep_in_touch_remind() == 0


def test_changing_the_interval_recomputes_the_due_date_and_rearms_the_reminder(circle, overdue):
    entry = services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    overdue(entry)
    assert services.keep_in_touch_remind() == 1
    entry = services.keep_in_touch_update(
        member=circle["alice"], other=circle["bob"], interval_months=12
    )
    assert entry.next_due_at == add_months(entry.created_at, 12)
    assert entry.reminded_at is None  # a new due date in the future: remind again then


@pytest.mark.parametrize("months", [0, 2, 24, -1])
def test_only_the_offered_intervals_are_accepted(circle, months):
    with pytest.raises(ApplicationError) as exc:
        services.keep_in_touch_add(
            member=circle["alice"], other=circle["bob"], interval_months=months
        )
    assert exc.value.status == 400
    assert not KeepInTouch.objects.exists()


def test_only_connections_can_be_added(circle):
    with pytest.raises(ApplicationError) as exc:
        services.keep_in_touch_add(member=circle["alice"], other=circle["eve"])
    assert (exc.value.status, exc.value.code) == (409, "not_connected")


def test_adding_twice_conflicts(circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    with pytest.raises(ApplicationError) as exc:
        services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    assert (exc.value.status, exc.value.code) == (409, "already_listed")
    assert KeepInTouch.objects.count() == 1


def test_hidden_members_cannot_be_added_and_look_missing(circle):
    connection_services.block_create(blocker=circle["bob"], blocked=circle["alice"])
    member_suspend(member=circle["carol"])
    for other in ("bob", "carol"):
        with pytest.raises(ApplicationError) as exc:
            services.keep_in_touch_add(member=circle["alice"], other=circle[other])
        assert exc.value.status == 404


# -- reminders -------------------------------------------------------------------------


def test_a_due_entry_reminds_once_whatever_the_number_of_runs(circle, overdue):
    entry = overdue(services.keep_in_touch_add(member=circle["alice"], other=circle["bob"]))
    services.keep_in_touch_add(member=circle["alice"], other=circle["carol"])  # not due

    assert remind_keep_in_touch.delay().get() == 1
    assert remind_keep_in_touch() == 0
    assert services.keep_in_touch_remind() == 0

    (notification,) = reminders()
    assert (notification.recipient_id, notification.actor_id, notification.subject_id) == (
        circle["alice"].pk,
        circle["bob"].pk,
        entry.pk,
    )
    entry.refresh_from_db()
    assert entry.reminded_at is not None


def test_a_touch_starts_a_new_period_with_its_own_reminder(circle, overdue):
    entry = overdue(services.keep_in_touch_add(member=circle["alice"], other=circle["bob"]))
    assert services.keep_in_touch_remind() == 1
    services.keep_in_touch_touch(member=circle["alice"], other=circle["bob"], note="Had coffee")
    assert services.keep_in_touch_remind() == 0  # the new due date is months away
    overdue(entry)
    assert services.keep_in_touch_remind() == 1
    assert reminders().count() == 2


def test_reminders_skip_hidden_and_no_longer_due_entries(circle, overdue):
    for other in ("bob", "carol", "dave"):
        overdue(services.keep_in_touch_add(member=circle["alice"], other=circle[other]))
    member_suspend(member=circle["carol"])
    # Touched since the reminder job listed it: the claim finds it no longer due.
    services.keep_in_touch_touch(member=circle["alice"], other=circle["dave"])
    assert services.keep_in_touch_remind() == 1
    assert [n.actor_id for n in reminders()] == [circle["bob"].pk]


def test_a_claim_lost_to_a_touch_sends_nothing(circle, overdue, monkeypatch):
    entry = overdue(services.keep_in_touch_add(member=circle["alice"], other=circle["bob"]))
    listed = selectors.due_for_reminder(now=timezone.now(), limit=10)
    services.keep_in_touch_touch(member=circle["alice"], other=circle["bob"])
    monkeypatch.setattr(selectors, "due_for_reminder", lambda **kwargs: listed)
    assert services.keep_in_touch_remind() == 0
    assert not reminders().exists()
    entry.refresh_from_db()
    assert entry.reminded_at is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_remind_once(circle, overdue):
    for other in ("bob", "carol", "dave"):
        overdue(services.keep_in_touch_add(member=circle["alice"], other=circle[other]))
    results = run_together(*(partial(services.keep_in_touch_remind) for _ in range(4)))
    assert not [r for r in results if isinstance(r, Exception)]
    assert sum(results) == 3
    assert sorted(n.actor_id for n in reminders()) == sorted(
        circle[o].pk for o in ("bob", "carol", "dave")
    )


def test_the_reminder_reads_well_and_leads_to_the_list(circle, overdue):
    entry = overdue(services.keep_in_touch_add(member=circle["alice"], other=circle["bob"]))
    KeepInTouch.objects.filter(pk=entry.pk).update(
        last_touched_at=datetime(2025, 3, 4, 12, tzinfo=UTC)
    )
    services.keep_in_touch_remind()
    described = describe(reminders().get())
    assert described.subject == "Time to get in touch with Bob Baker"
    assert "last in touch on 4 March 2025" in described.text
    assert described.url == "/network/keep-in-touch/"


def test_the_reminder_e_mail_goes_out_once(circle, overdue, mailoutbox, on_commit):
    circle["bob"].profile.contact_email = "bob.private@example.net"
    circle["bob"].profile.save()
    overdue(services.keep_in_touch_add(member=circle["alice"], other=circle["bob"]))
    with on_commit():
        services.keep_in_touch_remind()
    with on_commit():
        services.keep_in_touch_remind()
    (mail,) = mailoutbox
    assert mail.to == [circle["alice"].email]
    assert "Time to get in touch with Bob Baker" in mail.subject
    html = mail.alternatives[0][0]
    assert "Bob Baker" in html
    assert "bob.private@example.net" not in mail.body + html


# -- touches ---------------------------------------------------------------------------


def test_member_touched_moves_both_members_entries(circle, overdue):
    alice_about_bob = overdue(
        services.keep_in_touch_add(member=circle["alice"], other=circle["bob"], interval_months=1)
    )
    bob_about_alice = services.keep_in_touch_add(
        member=circle["bob"], other=circle["alice"], interval_months=6
    )
    before = timezone.now()

    member_touched.send(
        sender=object, member_id=circle["bob"].pk, other_id=circle["alice"].pk, how="recommendation"
    )

    alice_about_bob.refresh_from_db()
    bob_about_alice.refresh_from_db()
    for entry, months in ((alice_about_bob, 1), (bob_about_alice, 6)):
        assert entry.last_touched_at >= before
        assert entry.last_touch_how == "recommendation"
        assert entry.next_due_at == add_months(entry.last_touched_at, months)
        assert entry.reminded_at is None
    assert not alice_about_bob.is_overdue
    assert set(Touch.objects.values_list("member_id", "other_id", "how")) == {
        (circle["bob"].pk, circle["alice"].pk, "recommendation"),
        (circle["alice"].pk, circle["bob"].pk, "recommendation"),
    }


def test_an_older_touch_never_moves_the_due_date_back(circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    entry = services.keep_in_touch_touch(member=circle["alice"], other=circle["bob"])
    services.touch_record(
        member_id=circle["alice"].pk,
        other_id=circle["bob"].pk,
        how="referral",
        at=timezone.now() - timedelta(days=30),
    )
    after = KeepInTouch.objects.get(pk=entry.pk)
    assert (after.last_touched_at, after.next_due_at) == (entry.last_touched_at, entry.next_due_at)


def test_an_unknown_how_counts_as_a_message_and_a_self_touch_is_ignored(circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    member_touched.send(
        sender=object, member_id=circle["alice"].pk, other_id=circle["bob"].pk, how="manual"
    )
    member_touched.send(sender=object, member_id=circle["alice"].pk, other_id=circle["alice"].pk)
    assert KeepInTouch.objects.get().last_touch_how == "message"
    assert Touch.objects.count() == 2


def test_a_manual_touch_is_private_to_the_member(circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    bob_about_alice = services.keep_in_touch_add(member=circle["bob"], other=circle["alice"])
    entry = services.keep_in_touch_touch(
        member=circle["alice"], other=circle["bob"], note="  Had coffee  "
    )
    assert (entry.last_touch_how, entry.last_touch_note) == ("manual", "Had coffee")
    bob_about_alice.refresh_from_db()
    assert bob_about_alice.last_touched_at is None
    assert list(Touch.objects.values_list("member_id", "note")) == [
        (circle["alice"].pk, "Had coffee")
    ]


def test_a_manual_touch_needs_an_entry_and_a_short_note(circle):
    with pytest.raises(ApplicationError) as exc:
        services.keep_in_touch_touch(member=circle["alice"], other=circle["bob"])
    assert exc.value.status == 404
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    with pytest.raises(ApplicationError) as exc:
        services.keep_in_touch_touch(member=circle["alice"], other=circle["bob"], note="x" * 301)
    assert exc.value.status == 400
    assert not Touch.objects.exists()


def _last(member, other):
    return KeepInTouch.objects.get(member=member, other=other)


def test_forwarding_an_introduction_is_a_touch_for_the_broker(story_with_entries):
    people = story_with_entries
    intro = introduction_services.introduction_request(
        requester=people["john"], via=[people["pete"]], target=people["me"], message="Hello"
    )
    # Asking is a touch between the requester and the broker.
    assert _last(people["pete"], people["john"]).last_touch_how == "introduction"
    assert _last(people["pete"], people["me"]).last_touched_at is None

    introduction_services.introduction_forward(introduction_id=intro.pk, broker=people["pete"])
    assert _last(people["pete"], people["me"]).last_touch_how == "introduction"
    assert _last(people["me"], people["pete"]).last_touch_how == "introduction"

    introduction_services.introduction_accept(introduction_id=intro.pk, member=people["me"])
    assert Touch.objects.filter(member=people["john"], other=people["me"]).exists()


def test_an_offer_is_a_touch_between_the_broker_and_both_sides(story_with_entries):
    people = story_with_entries
    introduction_services.introduction_offer(
        broker=people["pete"], first=people["john"], second=people["me"], message="Meet!"
    )
    assert _last(people["pete"], people["john"]).last_touch_how == "introduction"
    assert _last(people["pete"], people["me"]).last_touch_how == "introduction"


@pytest.fixture
def story_with_entries(make_member, connect):
    """john — pete — me; Pete keeps in touch with both, and I with Pete."""
    people = {n: make_member(n, full_name=n.title()) for n in ["john", "pete", "me"]}
    connect(people["john"], people["pete"])
    connect(people["pete"], people["me"])
    services.keep_in_touch_add(member=people["pete"], other=people["john"])
    services.keep_in_touch_add(member=people["pete"], other=people["me"])
    services.keep_in_touch_add(member=people["me"], other=people["pete"])
    return people


# -- the entry goes with the connection ------------------------------------------------


def test_removing_the_connection_removes_both_entries(circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    services.keep_in_touch_add(member=circle["bob"], other=circle["alice"])
    services.keep_in_touch_add(member=circle["alice"], other=circle["carol"])
    connection_services.connection_remove(member=circle["bob"], other=circle["alice"])
    assert list(KeepInTouch.objects.values_list("other_id", flat=True)) == [circle["carol"].pk]


def test_a_block_removes_the_entries_and_the_touches(circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    services.keep_in_touch_touch(member=circle["alice"], other=circle["bob"], note="Lunch")
    services.keep_in_touch_add(member=circle["alice"], other=circle["carol"])
    connection_services.block_create(blocker=circle["bob"], blocked=circle["alice"])
    assert list(KeepInTouch.objects.values_list("other_id", flat=True)) == [circle["carol"].pk]
    assert not Touch.objects.filter(other=circle["bob"]).exists()


def test_a_new_connection_keeps_existing_entries(circle, connect):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    connection_services.connection_request_create(sender=circle["alice"], recipient=circle["eve"])
    request = circle["eve"].received_requests.get()
    connection_services.connection_request_accept(request_id=request.pk, member=circle["eve"])
    assert KeepInTouch.objects.count() == 1


def test_a_suspended_member_vanishes_from_the_list_and_comes_back(circle):
    from profiles.services import member_unsuspend

    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    services.keep_in_touch_add(member=circle["alice"], other=circle["carol"])
    member_suspend(member=circle["bob"])
    assert [e.other_id for e in selectors.keep_in_touch_for(circle["alice"])] == [
        circle["carol"].pk
    ]
    member_unsuspend(member=circle["bob"])
    assert len(selectors.keep_in_touch_for(circle["alice"])) == 2


# -- account deletion and the data archive -----------------------------------------------


def test_deleting_an_account_removes_everything_about_and_by_the_member(circle):
    from common.signals import member_deleting
    from digest.models import DigestLog, DigestPreference

    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    services.keep_in_touch_add(member=circle["bob"], other=circle["alice"])
    services.keep_in_touch_add(member=circle["bob"], other=circle["eve"])
    services.keep_in_touch_touch(member=circle["alice"], other=circle["bob"], note="Lunch")
    services.digest_preference_set(member=circle["alice"], frequency="monthly")
    DigestLog.objects.create(member=circle["alice"], frequency="weekly", status="empty")

    member_deleting.send(sender=None, member_id=circle["alice"].pk)

    assert list(KeepInTouch.objects.values_list("member_id", "other_id")) == [
        (circle["bob"].pk, circle["eve"].pk)
    ]
    assert not Touch.objects.exists()
    assert not DigestPreference.objects.exists()
    assert not DigestLog.objects.exists()


def test_the_data_archive_has_the_list_the_touches_and_the_digest_choice(circle):
    from privacy.exporters import SECTIONS

    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"], interval_months=6)
    services.keep_in_touch_add(member=circle["alice"], other=circle["carol"])
    services.keep_in_touch_touch(member=circle["alice"], other=circle["bob"], note="Lunch")
    services.keep_in_touch_touch(member=circle["alice"], other=circle["carol"], note="Call")
    member_suspend(member=circle["carol"])

    (row,) = SECTIONS["keep_in_touch"](circle["alice"])
    assert (row["handle"], row["interval_months"], row["last_touch_note"]) == ("bob", 6, "Lunch")
    assert [(t["handle"], t["note"]) for t in SECTIONS["touches"](circle["alice"])] == [
        ("bob", "Lunch")
    ]
    assert SECTIONS["digest"](circle["alice"]) == [{"frequency": "weekly", "last_sent_at": None}]
    assert SECTIONS["keep_in_touch"](circle["bob"]) == []
