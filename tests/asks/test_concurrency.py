"""Races on asks against real Postgres: concurrent transactions on separate connections."""

from functools import partial

import pytest

from asks import services
from asks.models import Ask, AskAnswer, AskHelper, AskPass, AskReferral
from common.exceptions import ApplicationError
from connections.models import Notification
from introductions.models import Introduction
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def failures(results, status):
    return [r for r in results if isinstance(r, ApplicationError) and r.status == status]


def test_the_weekly_ask_limit_holds_under_parallel_posts(people, monkeypatch):
    monkeypatch.setattr(services, "ASKS_PER_WEEK", 3)
    post = partial(services.ask_create, author=people["alice"], title="Leads?", body="Indexing.")

    results = run_together(*[post] * 8)

    assert len(failures(results, 429)) == 5
    assert Ask.objects.count() == 3


def test_the_weekly_pass_limit_holds_under_parallel_passes(
    people, make_member, connect, monkeypatch
):
    monkeypatch.setattr(services, "PASSES_PER_WEEK", 3)
    ask = services.ask_create(author=people["alice"], title="Leads?", body="Indexing.")
    friends = [make_member(f"friend-{n}") for n in range(8)]
    for friend in friends:
        connect(people["bob"], friend)

    results = run_together(
        *[
            partial(services.ask_pass, ask_id=ask.pk, member=people["bob"], recipients=[friend])
            for friend in friends
        ]
    )

    limited = failures(results, 429)
    assert len(limited) == 5
    assert all(error.extra["resets_at"] for error in limited)
    assert AskPass.objects.count() == 3
    assert Notification.objects.filter(kind=Notification.Kind.ASK_PASSED).count() == 3


def test_two_connections_referring_the_same_person_at_once_make_one_introduction(
    people, make_ask, connect
):
    ask = make_ask()
    connect(people["dave"], people["carol"])

    results = run_together(
        *[
            partial(
                services.ask_refer, ask_id=ask.pk, referrer=people[who], referred=people["carol"]
            )
            for who in ("bob", "dave")
        ]
    )

    assert len(failures(results, 409)) == 1
    assert AskReferral.objects.count() == 1
    assert Introduction.objects.count() == 1


def test_answering_twice_at_once_answers_once(people, make_ask):
    ask = make_ask()
    answer = partial(services.ask_answer, ask_id=ask.pk, member=people["bob"], body="Me!")

    results = run_together(answer, answer, answer)

    assert len(failures(results, 409)) == 2
    assert AskAnswer.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.ASK_ANSWERED).count() == 1


def test_closing_twice_at_once_closes_and_thanks_once(people, make_ask):
    ask = make_ask()
    services.ask_answer(ask_id=ask.pk, member=people["bob"], body="Try Carol.")
    close = partial(
        services.ask_close,
        ask_id=ask.pk,
        member=people["alice"],
        solved=True,
        helpers=[people["bob"]],
    )

    results = run_together(close, close, close)

    assert len(failures(results, 409)) == 2
    assert AskHelper.objects.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.ASK_CLOSED).count() == 1
