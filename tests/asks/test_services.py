"""Asks through their services and selectors: who sees what, who may do what, reach.

carol — bob — alice — dave        (erin — bob as well; zoe a stranger)
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from asks import selectors, services
from asks.models import Ask, AskAnswer, AskHelper, AskPass, AskReferral, AskView
from asks.tasks import expire_asks
from common.exceptions import ApplicationError
from common.signals import member_touched
from connections import graph
from connections import services as connection_services
from connections.models import Notification
from connections.notification_text import describe
from introductions import services as introduction_services
from introductions.models import Introduction
from introductions.selectors import introductions_for, waiting_for
from profiles.services import member_suspend

pytestmark = pytest.mark.django_db
K = Notification.Kind


def feed_of(member):
    return [ask.pk for ask in selectors.feed(member)]


def refused(status, call, **kwargs):
    with pytest.raises(ApplicationError) as caught:
        call(**kwargs)
    assert caught.value.status == status, caught.value.message
    return caught.value


def expire(ask):
    """Move an ask into the past: posted two days ago, expired a second ago."""
    now = timezone.now()
    Ask.objects.filter(pk=ask.pk).update(
        created_at=now - timedelta(days=2), expires_at=now - timedelta(seconds=1)
    )


def notifications(member, kind):
    return list(Notification.objects.filter(recipient=member, kind=kind))


# --- posting --------------------------------------------------------------------------


def test_an_ask_is_open_for_30_days_unless_said(people, make_ask):
    ask = make_ask()

    assert ask.status == Ask.Status.OPEN
    assert ask.expires_at - ask.created_at == pytest.approx(
        timedelta(days=30), abs=timedelta(seconds=5)
    )


@pytest.mark.parametrize(
    ("open_for", "ok"),
    [
        (timedelta(minutes=5), False),
        (timedelta(hours=2), True),
        (timedelta(days=89), True),
        (timedelta(days=91), False),
        (-timedelta(days=1), False),
    ],
)
def test_expiry_is_at_least_an_hour_and_at_most_90_days_away(make_ask, open_for, ok):
    expires_at = timezone.now() + open_for
    if ok:
        assert make_ask(expires_at=expires_at).expires_at == expires_at
    else:
        error = refused(400, make_ask, expires_at=expires_at)
        assert "expires_at" in error.extra["fields"]
        assert Ask.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("title", "  "), ("title", "x" * 151), ("body", ""), ("topic", "x" * 61), ("industry", "x")],
)
def test_bad_fields_are_refused_with_the_field_named(make_ask, field, value):
    error = refused(400, make_ask, **{field: value})
    assert list(error.extra["fields"]) == [field]


def test_the_weekly_ask_limit_says_when_it_resets(make_ask, monkeypatch):
    monkeypatch.setattr(services, "ASKS_PER_WEEK", 2)
    first = make_ask()
    make_ask()

    error = refused(429, make_ask)

    assert error.extra["resets_at"] == (first.created_at + timedelta(days=7)).isoformat()
    assert Ask.objects.count() == 2


# --- who sees it ------------------------------------------------------------------------


def test_first_degree_connections_see_an_ask_and_nobody_else_does(people, make_ask):
    ask = make_ask()

    assert feed_of(people["bob"]) == [ask.pk]
    assert feed_of(people["dave"]) == [ask.pk]
    for handle in ("carol", "erin", "zoe"):
        assert feed_of(people[handle]) == []
        assert selectors.ask_detail(people[handle], ask.pk) is None
    # The asker finds it under "my asks", not in their feed.
    assert feed_of(people["alice"]) == []
    assert [a.pk for a in selectors.my_asks(people["alice"])] == [ask.pk]


def test_a_pass_shows_the_ask_to_the_one_it_was_passed_to_only(people, make_ask):
    ask = make_ask()

    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])

    assert feed_of(people["carol"]) == [ask.pk]
    assert feed_of(people["erin"]) == []
    detail = selectors.ask_detail(people["carol"], ask.pk)
    assert detail.role == "passed"
    assert [p.full_name for p in detail.passed_by] == ["Bob Baker"]
    assert (detail.can_answer, detail.can_refer, detail.can_pass) == (True, False, False)


def test_a_removed_connection_loses_the_ask_at_once(people, make_ask):
    ask = make_ask()
    connection_services.connection_remove(member=people["alice"], other=people["dave"])

    assert feed_of(people["dave"]) == []
    assert selectors.ask_detail(people["dave"], ask.pk) is None


def test_a_block_hides_an_ask_both_ways(people, make_ask):
    ask = make_ask()
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])

    connection_services.block_create(blocker=people["carol"], blocked=people["alice"])

    assert feed_of(people["carol"]) == []
    assert selectors.ask_detail(people["carol"], ask.pk) is None
    # Alice no longer counts Carol's pass in her reach.
    assert selectors.ask_detail(people["alice"], ask.pk).reach.passes == 0


def test_a_block_with_the_one_who_passed_it_ends_what_the_pass_gave(people, make_ask):
    ask = make_ask()
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])

    connection_services.block_create(blocker=people["carol"], blocked=people["bob"])

    assert feed_of(people["carol"]) == []


def test_a_suspended_members_asks_vanish(people, make_ask):
    ask = make_ask()
    member_suspend(member=people["alice"])

    assert feed_of(people["bob"]) == []
    assert selectors.ask_detail(people["bob"], ask.pk) is None
    refused(404, services.ask_answer, ask_id=ask.pk, member=people["bob"], body="Me!")


def test_expired_and_closed_asks_leave_the_feed(people, make_ask):
    expiring = make_ask(title="Soon gone", expires_at=timezone.now() + timedelta(hours=2))
    closed = make_ask(title="Done")
    services.ask_close(ask_id=closed.pk, member=people["alice"], solved=True, helpers=[])
    expire(expiring)

    # Gone before the periodic job runs...
    assert feed_of(people["bob"]) == []
    # ...and the job marks it, once.
    assert expire_asks.delay().get() == 1
    assert expire_asks.delay().get() == 0
    expiring.refresh_from_db()
    assert expiring.status == Ask.Status.EXPIRED
    # Whoever could see it still may open it, read-only.
    detail = selectors.ask_detail(people["bob"], expiring.pk)
    assert (detail.can_answer, detail.can_refer, detail.can_pass) == (False, False, False)
    refused(409, services.ask_answer, ask_id=expiring.pk, member=people["bob"], body="Hi")


# --- answering --------------------------------------------------------------------------


def test_an_answer_is_for_the_asker_only(people, make_ask):
    ask = make_ask()
    services.ask_answer(ask_id=ask.pk, member=people["bob"], body="Carol wrote the A320 manuals.")
    services.ask_answer(ask_id=ask.pk, member=people["dave"], body="Not me, sorry.")

    mine = selectors.ask_detail(people["alice"], ask.pk)
    assert [a.body for a in mine.answers] == ["Carol wrote the A320 manuals.", "Not me, sorry."]
    # Each of the others sees their own answer, never someone else's.
    dave = selectors.ask_detail(people["dave"], ask.pk)
    assert [a.body for a in dave.answers] == ["Not me, sorry."]
    assert not dave.can_answer
    notes = notifications(people["alice"], K.ASK_ANSWERED)
    assert {(n.actor.username, n.subject_id) for n in notes} == {
        ("bob", ask.pk),
        ("dave", ask.pk),
    }


def test_answering_twice_or_ones_own_ask_is_refused(people, make_ask):
    ask = make_ask()
    services.ask_answer(ask_id=ask.pk, member=people["bob"], body="One")

    refused(409, services.ask_answer, ask_id=ask.pk, member=people["bob"], body="Two")
    refused(403, services.ask_answer, ask_id=ask.pk, member=people["alice"], body="Me")
    refused(404, services.ask_answer, ask_id=ask.pk, member=people["zoe"], body="Me")
    assert AskAnswer.objects.count() == 1


# --- referring --------------------------------------------------------------------------


def test_a_referral_is_an_introduction_offer_by_the_referrer(people, make_ask):
    ask = make_ask()
    touched = []

    def receiver(sender, **kwargs):
        touched.append((kwargs["member_id"], kwargs["other_id"], kwargs["how"]))

    member_touched.connect(receiver)
    try:
        referral = services.ask_refer(
            ask_id=ask.pk,
            referrer=people["bob"],
            referred=people["carol"],
            note="Carol wrote the A320 manuals.",
        )
    finally:
        member_touched.disconnect(receiver)

    intro = referral.introduction
    assert intro.kind == Introduction.Kind.OFFER
    assert (intro.requester, intro.target) == (people["alice"], people["carol"])
    assert intro.hops.get().broker == people["bob"]
    assert "Looking for an aviation technical writer" in intro.message
    assert "Carol wrote the A320 manuals." in intro.message
    # In Alice's and Carol's introductions inbox, waiting for each of them.
    for handle in ("alice", "carol"):
        member = people[handle]
        assert list(introductions_for(member).filter(waiting_for(member))) == [intro]
    assert [n.actor for n in notifications(people["alice"], K.ASK_REFERRAL)] == [people["bob"]]
    bob, alice, carol = people["bob"].pk, people["alice"].pk, people["carol"].pk
    assert touched == [(bob, alice, "referral"), (bob, carol, "referral")]
    # Double opt-in: once both accept, the asker and the referred member are connected.
    introduction_services.introduction_accept(introduction_id=intro.pk, member=people["carol"])
    introduction_services.introduction_accept(introduction_id=intro.pk, member=people["alice"])
    assert graph.are_connected(alice, carol)


def test_only_the_askers_connections_can_refer(people, make_ask):
    ask = make_ask()
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])

    # Carol received it, but is not Alice's connection: she cannot broker an introduction.
    error = refused(
        403, services.ask_refer, ask_id=ask.pk, referrer=people["carol"], referred=people["bob"]
    )
    assert "can answer" in error.message
    refused(
        403, services.ask_refer, ask_id=ask.pk, referrer=people["alice"], referred=people["bob"]
    )
    refused(404, services.ask_refer, ask_id=ask.pk, referrer=people["zoe"], referred=people["bob"])
    assert Introduction.objects.count() == 0


@pytest.mark.parametrize(
    ("referred", "status"),
    [("alice", 400), ("bob", 400), ("zoe", 400), ("dave", 409)],  # dave: connected already
)
def test_a_referral_needs_a_connection_of_the_referrer_not_yet_the_askers(
    people, make_ask, referred, status
):
    ask = make_ask()
    connections = {"dave": ("bob",)}
    for other in connections.get(referred, ()):
        graph.add_edge(people[referred].pk, people[other].pk)

    refused(
        status,
        services.ask_refer,
        ask_id=ask.pk,
        referrer=people["bob"],
        referred=people[referred],
    )
    assert AskReferral.objects.count() == Introduction.objects.count() == 0


def test_nobody_is_referred_twice_for_one_ask(people, make_ask, connect):
    ask = make_ask()
    connect(people["dave"], people["carol"])
    services.ask_refer(ask_id=ask.pk, referrer=people["bob"], referred=people["carol"])

    error = refused(
        409, services.ask_refer, ask_id=ask.pk, referrer=people["dave"], referred=people["carol"]
    )
    assert error.code == "already_referred"


def test_no_referral_between_blocked_members_and_the_referrer_is_not_told_why(people, make_ask):
    ask = make_ask()
    connection_services.block_create(blocker=people["carol"], blocked=people["alice"])

    error = refused(
        409, services.ask_refer, ask_id=ask.pk, referrer=people["bob"], referred=people["carol"]
    )
    assert "block" not in error.message.lower()
    assert Introduction.objects.count() == 0
    # Nor between the referrer and someone they blocked: that one looks missing.
    connection_services.block_create(blocker=people["bob"], blocked=people["erin"])
    refused(404, services.ask_refer, ask_id=ask.pk, referrer=people["bob"], referred=people["erin"])


def test_a_referral_hidden_from_the_asker_leaves_their_page_and_count(people, make_ask):
    ask = make_ask()
    services.ask_refer(ask_id=ask.pk, referrer=people["bob"], referred=people["carol"])
    member_suspend(member=people["carol"])

    detail = selectors.ask_detail(people["alice"], ask.pk)
    assert detail.referrals == []
    assert detail.reach.referrals == 0


# --- passing on -------------------------------------------------------------------------


def test_passes_are_tracked_and_notified_once_per_recipient(people, make_ask):
    ask = make_ask()
    bob = people["bob"]

    made = services.ask_pass(
        ask_id=ask.pk, member=bob, recipients=[people["carol"], people["erin"]]
    )
    again = services.ask_pass(ask_id=ask.pk, member=bob, recipients=[people["carol"]])

    assert len(made) == 2 and again == []
    assert set(AskPass.objects.values_list("from_member__username", "to_member__username")) == {
        ("bob", "carol"),
        ("bob", "erin"),
    }
    for handle in ("carol", "erin"):
        [note] = notifications(people[handle], K.ASK_PASSED)
        assert note.actor == bob
    detail = selectors.ask_detail(people["alice"], ask.pk)
    assert detail.reach.passes == 2
    assert [(p.profile.full_name, p.count) for p in detail.passers] == [("Bob Baker", 2)]
    assert [p.to_member.username for p in selectors.ask_detail(bob, ask.pk).my_passes] == [
        "carol",
        "erin",
    ]


@pytest.mark.parametrize(
    ("passer", "to", "status"),
    [
        ("bob", "alice", 400),  # the asker
        ("bob", "bob", 400),  # oneself
        ("bob", "zoe", 400),  # not a connection of the passer
        ("carol", "bob", 403),  # a recipient cannot pass it further
        ("alice", "bob", 403),  # the asker
        ("zoe", "bob", 404),  # cannot see it
    ],
)
def test_who_may_pass_to_whom(people, make_ask, passer, to, status):
    ask = make_ask()
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])

    refused(
        status, services.ask_pass, ask_id=ask.pk, member=people[passer], recipients=[people[to]]
    )
    assert AskPass.objects.count() == 1


def test_a_pass_to_someone_blocked_with_the_asker_is_skipped_silently(people, make_ask):
    ask = make_ask()
    connection_services.block_create(blocker=people["alice"], blocked=people["carol"])

    made = services.ask_pass(
        ask_id=ask.pk, member=people["bob"], recipients=[people["carol"], people["erin"]]
    )

    assert [p.to_member for p in made] == [people["erin"]]
    assert notifications(people["carol"], K.ASK_PASSED) == []
    assert feed_of(people["carol"]) == []


def test_the_weekly_pass_limit_counts_people_and_creates_nothing_past_it(
    people, make_ask, connect, monkeypatch
):
    monkeypatch.setattr(services, "PASSES_PER_WEEK", 2)
    ask = make_ask()
    bob, carol, erin, zoe = (people[h] for h in ("bob", "carol", "erin", "zoe"))
    connect(bob, zoe)
    # More people at once than a whole week allows is a plain 400.
    refused(400, services.ask_pass, ask_id=ask.pk, member=bob, recipients=[carol, erin, zoe])
    services.ask_pass(ask_id=ask.pk, member=bob, recipients=[carol])

    error = refused(429, services.ask_pass, ask_id=ask.pk, member=bob, recipients=[erin, zoe])

    assert "1 left" in error.message
    assert AskPass.objects.count() == 1
    services.ask_pass(ask_id=ask.pk, member=bob, recipients=[erin])
    refused(429, services.ask_pass, ask_id=ask.pk, member=bob, recipients=[zoe])
    assert AskPass.objects.count() == 2


# --- reach ------------------------------------------------------------------------------


def test_views_are_counted_once_per_member_and_never_the_askers(people, make_ask):
    ask = make_ask()
    for member in (people["bob"], people["bob"], people["dave"], people["alice"]):
        services.ask_views_record(viewer=member, asks=[ask])

    assert AskView.objects.count() == 2
    assert selectors.ask_detail(people["alice"], ask.pk).reach.seen_by == 2
    row = selectors.my_rows(list(selectors.my_asks(people["alice"])))[0]
    assert row.reach.seen_by == 2


# --- closing ----------------------------------------------------------------------------


def test_the_asker_closes_and_thanks_those_who_helped(people, make_ask):
    ask = make_ask()
    services.ask_answer(ask_id=ask.pk, member=people["dave"], body="Try Carol.")
    services.ask_refer(ask_id=ask.pk, referrer=people["bob"], referred=people["carol"])

    services.ask_close(
        ask_id=ask.pk, member=people["alice"], solved=True, helpers=[people["bob"], people["dave"]]
    )

    ask.refresh_from_db()
    assert ask.status == Ask.Status.SOLVED and ask.closed_at is not None
    assert set(AskHelper.objects.values_list("member__username", flat=True)) == {"bob", "dave"}
    for handle in ("bob", "dave"):
        [note] = notifications(people[handle], K.ASK_CLOSED)
        note.recipient = people[handle]
        assert "thanks you" in describe(note).text
        assert selectors.ask_detail(people[handle], ask.pk).you_helped
    refused(
        409, services.ask_close, ask_id=ask.pk, member=people["alice"], solved=False, helpers=[]
    )


def test_only_those_who_answered_or_referred_can_be_thanked(people, make_ask):
    ask = make_ask()

    error = refused(
        400,
        services.ask_close,
        ask_id=ask.pk,
        member=people["alice"],
        solved=True,
        helpers=[people["bob"]],
    )
    assert list(error.extra["fields"]) == ["helpers"]
    assert Ask.objects.get().status == Ask.Status.OPEN


def test_only_the_asker_closes(people, make_ask):
    ask = make_ask()

    refused(403, services.ask_close, ask_id=ask.pk, member=people["bob"], solved=True, helpers=[])
    refused(404, services.ask_close, ask_id=ask.pk, member=people["zoe"], solved=True, helpers=[])
    assert Ask.objects.get().status == Ask.Status.OPEN


def test_an_expired_ask_can_still_be_closed(people, make_ask):
    ask = make_ask()
    expire(ask)
    services.asks_expire()

    services.ask_close(ask_id=ask.pk, member=people["alice"], solved=False, helpers=[])

    assert Ask.objects.get().status == Ask.Status.UNSOLVED


# --- notifications ----------------------------------------------------------------------


def test_notifications_say_no_more_than_the_recipient_may_see(people, make_ask):
    ask = make_ask()
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])
    services.ask_answer(ask_id=ask.pk, member=people["carol"], body="Ask Erin.")
    services.ask_refer(ask_id=ask.pk, referrer=people["bob"], referred=people["erin"])

    [passed] = notifications(people["carol"], K.ASK_PASSED)
    text = describe(passed)
    title = "“Looking for an aviation technical writer”"
    assert text.text == f"Bob Baker passed you Alice Archer’s ask {title}."
    assert text.url == f"/asks/{ask.pk}/"
    [answered] = notifications(people["alice"], K.ASK_ANSWERED)
    assert describe(answered).quote == "Ask Erin."
    [referral] = notifications(people["alice"], K.ASK_REFERRAL)
    assert "Looking for an aviation technical writer" in describe(referral).text

    # Once Carol may no longer see the ask, her notification names nothing.
    connection_services.block_create(blocker=people["alice"], blocked=people["carol"])
    text = describe(Notification.objects.get(pk=passed.pk))
    assert "aviation" not in text.text and text.url == "/asks/"
