"""Races against real Postgres: concurrent transactions on separate connections.

john — pete — maya        (zoe knows nobody)
"""

from functools import partial

import pytest

from common.exceptions import ApplicationError
from connections.models import Notification
from recommendations import services
from recommendations.models import Recommendation, RecommendationRequest
from tests.concurrency import run_together
from tests.recommendations.conftest import BODY, ask, write_for

pytestmark = pytest.mark.django_db(transaction=True)


def errors(results):
    return [r for r in results if isinstance(r, Exception)]


def test_double_approve_publishes_once_and_the_others_conflict(people, johns_job):
    recommendation = write_for(people, ask(people, johns_job))
    approve = partial(
        services.recommendation_approve, recommendation_id=recommendation.pk, member=people["john"]
    )
    results = run_together(approve, approve, approve)
    failures = errors(results)
    assert len(failures) == 2
    assert all(isinstance(f, ApplicationError) and f.status == 409 for f in failures)
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.PUBLISHED
    kind = Notification.Kind.RECOMMENDATION_PUBLISHED
    assert Notification.objects.filter(kind=kind).count() == 1


def test_approve_racing_decline_has_one_winner(people, johns_job):
    for _ in range(3):
        recommendation = write_for(people, ask(people, johns_job))
        pk, john = recommendation.pk, people["john"]
        results = run_together(
            partial(services.recommendation_approve, recommendation_id=pk, member=john),
            partial(services.recommendation_decline, recommendation_id=pk, member=john),
        )
        assert len(errors(results)) == 1
        recommendation.refresh_from_db()
        assert recommendation.status in ("published", "declined")
        Recommendation.objects.all().delete()
        RecommendationRequest.objects.all().delete()


def test_asking_the_same_thing_at_once_creates_one_request(people, johns_job):
    results = run_together(*[partial(ask, people, johns_job) for _ in range(4)])
    failures = errors(results)
    assert len(failures) == 3
    assert all(isinstance(f, ApplicationError) and f.code == "already_asked" for f in failures)
    assert RecommendationRequest.objects.count() == 1


def test_writing_twice_at_once_for_one_request_writes_once(people, johns_job):
    request = ask(people, johns_job)
    write = partial(
        services.recommendation_write,
        author=people["pete"],
        request_id=request.pk,
        relationship="managed",
        body=BODY,
    )
    results = run_together(write, write, write)
    assert len(errors(results)) == 2
    assert Recommendation.objects.count() == 1
