"""The recommendation state machine and the rules Postgres holds.

john — pete — maya        (zoe knows nobody)
"""

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.exceptions import ApplicationError
from common.signals import member_touched
from connections import graph
from connections import services as connection_services
from connections.models import Notification
from profiles.models import Position
from profiles.services import member_suspend
from recommendations import selectors, services
from recommendations.models import Recommendation, RecommendationRequest
from tests.recommendations.conftest import (
    BODY,
    MESSAGE,
    ask,
    position,
    published,
    school,
    write_for,
)

pytestmark = pytest.mark.django_db
Status = Recommendation.Status
K = Notification.Kind


def refused(call, status):
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.status == status, caught.value.message
    return caught.value


# -- asking ---------------------------------------------------------------------------


def test_asking_a_connection_notifies_them(people, johns_job):
    request = ask(people, johns_job)
    assert request.status == RecommendationRequest.Status.OPEN
    assert request.position == johns_job and request.message == MESSAGE
    note = Notification.objects.get(kind=K.RECOMMENDATION_REQUESTED)
    assert (note.recipient, note.actor, note.subject_id) == (
        people["pete"],
        people["john"],
        request.pk,
    )


def test_asking_about_a_school(people):
    studies = school(people["john"])
    request = services.recommendation_request_create(
        asker=people["john"], author=people["pete"], education_id=studies.pk
    )
    assert request.education == studies and request.position is None


def test_only_1st_degree_connections_can_be_asked(people, johns_job):
    error = refused(lambda: ask(people, johns_job, author="maya"), 409)  # 2nd degree
    assert error.code == "not_connected"
    refused(lambda: ask(people, johns_job, author="zoe"), 409)
    assert not RecommendationRequest.objects.exists()


def test_blocked_and_suspended_members_cannot_be_asked_and_look_missing(people, johns_job):
    connection_services.block_create(blocker=people["pete"], blocked=people["john"])
    assert refused(lambda: ask(people, johns_job), 404).message == "No such member."
    graph.add_edge(people["john"].pk, people["maya"].pk)
    member_suspend(member=people["maya"])
    assert refused(lambda: ask(people, johns_job, author="maya"), 404).message == "No such member."
    assert not RecommendationRequest.objects.exists()


def test_asking_needs_one_of_your_own_positions_or_schools(people, johns_job, petes_job):
    john, pete = people["john"], people["pete"]
    refused(lambda: services.recommendation_request_create(asker=john, author=pete), 400)  # nothing
    refused(lambda: ask(people, petes_job), 400)  # Pete's position, not John's
    studies = school(john)
    refused(
        lambda: services.recommendation_request_create(
            asker=john, author=pete, position_id=johns_job.pk, education_id=studies.pk
        ),
        400,
    )
    refused(lambda: ask(people, johns_job, author="john"), 400)  # yourself
    refused(lambda: ask(people, johns_job, message="x" * 1001), 400)


def test_one_open_request_per_author_subject_and_position(people, johns_job):
    ask(people, johns_job)
    assert refused(lambda: ask(people, johns_job), 409).code == "already_asked"
    # Another position is another request.
    ask(people, position(people["john"], organization="Nordic Rail", start=(2007, 1), end=None))
    # Postgres holds it even for a write that skips the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        RecommendationRequest.objects.create(
            asker=people["john"], author=people["pete"], position=johns_job
        )


def test_asking_again_after_a_decline_or_withdrawal_is_allowed(people, johns_job):
    first = ask(people, johns_job)
    services.recommendation_request_decline(request_id=first.pk, member=people["pete"])
    second = ask(people, johns_job)
    services.recommendation_request_withdraw(request_id=second.pk, member=people["john"])
    ask(people, johns_job)
    assert RecommendationRequest.objects.filter(status="open").count() == 1


def test_asking_for_what_they_already_recommended_is_a_conflict(people, johns_job):
    published(people, johns_job)
    assert refused(lambda: ask(people, johns_job), 409).code == "already_recommended"


def test_only_the_author_declines_and_only_the_asker_withdraws(people, johns_job):
    request = ask(people, johns_job)
    john, pete, zoe = people["john"], people["pete"], people["zoe"]
    refused(
        lambda: services.recommendation_request_decline(request_id=request.pk, member=john), 403
    )
    refused(
        lambda: services.recommendation_request_withdraw(request_id=request.pk, member=pete), 403
    )
    refused(lambda: services.recommendation_request_decline(request_id=request.pk, member=zoe), 404)
    services.recommendation_request_decline(request_id=request.pk, member=pete)
    request.refresh_from_db()
    assert request.status == "declined" and request.responded_at is not None
    # Terminal: nothing moves it again.
    refused(
        lambda: services.recommendation_request_withdraw(request_id=request.pk, member=john), 409
    )
    refused(lambda: write_for(people, request), 409)


# -- writing --------------------------------------------------------------------------


def test_writing_for_a_request_waits_for_approval(people, johns_job):
    request = ask(people, johns_job)
    touched = []

    def receiver(**kwargs):
        touched.append((kwargs["member_id"], kwargs["other_id"], kwargs["how"]))

    member_touched.connect(receiver)
    try:
        recommendation = write_for(people, request)
    finally:
        member_touched.disconnect(receiver)
    assert recommendation.status == Status.PENDING
    assert (recommendation.author, recommendation.subject) == (people["pete"], people["john"])
    assert recommendation.position == johns_job and recommendation.request == request
    request.refresh_from_db()
    assert request.status == "written"
    note = Notification.objects.get(kind=K.RECOMMENDATION_RECEIVED)
    assert (note.recipient, note.actor, note.subject_id) == (
        people["john"],
        people["pete"],
        recommendation.pk,
    )
    assert touched == [(people["pete"].pk, people["john"].pk, "recommendation")]
    # Not on the profile yet.
    assert list(selectors.published_about(people["john"].pk, viewer=None)) == []


def test_only_the_person_asked_writes_for_a_request(people, johns_job):
    request = ask(people, johns_job)
    refused(lambda: write_for(people, request, author="john"), 403)
    refused(lambda: write_for(people, request, author="zoe"), 404)
    refused(lambda: write_for(people, request, author="maya"), 404)
    assert not Recommendation.objects.exists()


def test_writing_unprompted_for_a_connection(people, johns_job):
    recommendation = services.recommendation_write(
        author=people["pete"],
        subject=people["john"],
        position_id=johns_job.pk,
        relationship="same_team",
        body=BODY,
    )
    assert recommendation.status == Status.PENDING and recommendation.request is None


def test_writing_unprompted_answers_their_open_request(people, johns_job):
    request = ask(people, johns_job)
    recommendation = services.recommendation_write(
        author=people["pete"],
        subject=people["john"],
        position_id=johns_job.pk,
        relationship="same_team",
        body=BODY,
    )
    request.refresh_from_db()
    assert request.status == "written" and recommendation.request == request


def test_writing_needs_a_connection_now_and_one_of_their_positions(people, johns_job, petes_job):
    def write(author, subject, job):
        return services.recommendation_write(
            author=people[author],
            subject=people[subject],
            position_id=job.pk,
            relationship="managed",
            body=BODY,
        )

    maya_job = position(people["maya"])
    assert refused(lambda: write("john", "maya", maya_job), 409).code == "not_connected"
    refused(lambda: write("pete", "john", petes_job), 400)  # Pete's own position
    refused(lambda: write("pete", "pete", petes_job), 400)
    # A request made while connected cannot be answered once the connection is gone.
    request = ask(people, johns_job)
    connection_services.connection_remove(member=people["john"], other=people["pete"])
    assert refused(lambda: write_for(people, request), 409).code == "not_connected"


@pytest.mark.parametrize("body", ["", "   ", "x" * 3001])
def test_a_recommendation_needs_words(people, johns_job, body):
    refused(lambda: write_for(people, ask(people, johns_job), body=body), 400)


def test_a_relationship_must_be_one_of_the_choices(people, johns_job):
    refused(lambda: write_for(people, ask(people, johns_job), relationship="lover"), 400)


def test_one_live_recommendation_per_author_subject_and_position(people, johns_job):
    published(people, johns_job)

    def again():
        return services.recommendation_write(
            author=people["pete"],
            subject=people["john"],
            position_id=johns_job.pk,
            relationship="managed",
            body=BODY,
        )

    assert refused(again, 409).code == "already_recommended"
    live = Recommendation.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Recommendation.objects.create(
            author=people["pete"],
            subject=people["john"],
            position=johns_job,
            relationship="managed",
            body=BODY,
            written_at=timezone.now(),
        )
    # Once withdrawn, a new one may be written.
    services.recommendation_withdraw(recommendation_id=live.pk, member=people["pete"])
    assert again().status == Status.PENDING


def test_postgres_rejects_unknown_statuses_and_relationships(people, johns_job):
    recommendation = write_for(people, ask(people, johns_job))
    for changes in ({"status": "approved"}, {"relationship": "friends"}, {"body": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Recommendation.objects.filter(pk=recommendation.pk).update(**changes)
    with pytest.raises(IntegrityError), transaction.atomic():  # published needs its time
        Recommendation.objects.filter(pk=recommendation.pk).update(status="published")
    with pytest.raises(IntegrityError), transaction.atomic():
        RecommendationRequest.objects.filter(pk=recommendation.request_id).update(status="maybe")


# -- the subject's side ---------------------------------------------------------------


def test_approve_publishes_and_tells_the_author(people, johns_job):
    recommendation = published(people, johns_job)
    assert recommendation.status == Status.PUBLISHED and recommendation.published_at
    note = Notification.objects.get(kind=K.RECOMMENDATION_PUBLISHED)
    assert (note.recipient, note.actor) == (people["pete"], people["john"])
    assert list(selectors.published_about(people["john"].pk, viewer=None)) == [recommendation]


def test_only_the_subject_moves_a_recommendation_and_terminal_states_are_final(people, johns_job):
    recommendation = write_for(people, ask(people, johns_job))
    pk = recommendation.pk
    john, pete, maya = people["john"], people["pete"], people["maya"]
    for action in (
        services.recommendation_approve,
        services.recommendation_hide,
        services.recommendation_show,
        services.recommendation_decline,
    ):
        refused(lambda a=action: a(recommendation_id=pk, member=pete), 403)
        refused(lambda a=action: a(recommendation_id=pk, member=maya), 404)
    refused(lambda: services.recommendation_withdraw(recommendation_id=pk, member=john), 403)
    refused(
        lambda: services.recommendation_edit(recommendation_id=pk, author=john, body="mine"), 403
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Status.PENDING
    services.recommendation_decline(recommendation_id=pk, member=john)
    for action in (services.recommendation_approve, services.recommendation_hide):
        refused(lambda a=action: a(recommendation_id=pk, member=john), 409)
    refused(lambda: services.recommendation_withdraw(recommendation_id=pk, member=pete), 409)
    recommendation.refresh_from_db()
    assert recommendation.status == Status.DECLINED


def test_approve_twice_is_a_conflict(people, johns_job):
    recommendation = published(people, johns_job)
    error = refused(
        lambda: services.recommendation_approve(
            recommendation_id=recommendation.pk, member=people["john"]
        ),
        409,
    )
    assert error.code == "wrong_state"
    assert Notification.objects.filter(kind=K.RECOMMENDATION_PUBLISHED).count() == 1


def test_hide_and_show_again(people, johns_job):
    recommendation = published(people, johns_job)
    pk, john = recommendation.pk, people["john"]
    refused(lambda: services.recommendation_show(recommendation_id=pk, member=john), 409)
    services.recommendation_hide(recommendation_id=pk, member=john)
    assert list(selectors.published_about(john.pk, viewer=None)) == []
    refused(lambda: services.recommendation_hide(recommendation_id=pk, member=john), 409)
    services.recommendation_show(recommendation_id=pk, member=john)
    assert [r.pk for r in selectors.published_about(john.pk, viewer=None)] == [pk]


def test_a_revision_goes_back_to_the_author_and_returns_for_approval(people, johns_job):
    recommendation = published(people, johns_job)
    pk, john, pete = recommendation.pk, people["john"], people["pete"]
    refused(
        lambda: services.recommendation_request_revision(
            recommendation_id=pk, member=john, message="  "
        ),
        400,
    )
    services.recommendation_request_revision(
        recommendation_id=pk, member=john, message="Please mention the timetable project."
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Status.REVISION
    assert recommendation.revision_note == "Please mention the timetable project."
    assert list(selectors.published_about(john.pk, viewer=None)) == []  # off the profile
    note = Notification.objects.get(kind=K.RECOMMENDATION_REVISION)
    assert (note.recipient, note.actor) == (pete, john)
    refused(lambda: services.recommendation_approve(recommendation_id=pk, member=john), 409)

    services.recommendation_edit(
        recommendation_id=pk, author=pete, body=BODY + " He rebuilt our timetables."
    )
    recommendation.refresh_from_db()
    assert recommendation.status == Status.PENDING and "timetables" in recommendation.body
    assert Notification.objects.filter(kind=K.RECOMMENDATION_RECEIVED).count() == 2
    services.recommendation_approve(recommendation_id=pk, member=john)
    assert [r.body for r in selectors.published_about(john.pk, viewer=None)] == [
        BODY + " He rebuilt our timetables."
    ]


def test_a_published_recommendation_cannot_be_edited(people, johns_job):
    recommendation = published(people, johns_job)
    refused(
        lambda: services.recommendation_edit(
            recommendation_id=recommendation.pk, author=people["pete"], body="Changed."
        ),
        409,
    )
    recommendation.refresh_from_db()
    assert recommendation.body == BODY


def test_the_author_withdraws_it_in_any_live_state(people, johns_job):
    recommendation = published(people, johns_job)
    services.recommendation_withdraw(recommendation_id=recommendation.pk, member=people["pete"])
    recommendation.refresh_from_db()
    assert recommendation.status == Status.WITHDRAWN and recommendation.closed_at
    assert list(selectors.published_about(people["john"].pk, viewer=None)) == []
    # Gone: for both of them it is as if it never existed.
    refused(
        lambda: services.recommendation_show(
            recommendation_id=recommendation.pk, member=people["john"]
        ),
        404,
    )


# -- blocks, removed connections, suspensions, moderation -----------------------------


def test_a_removed_connection_keeps_a_published_recommendation(people, johns_job):
    recommendation = published(people, johns_job)
    connection_services.connection_remove(member=people["john"], other=people["pete"])
    assert list(selectors.published_about(people["john"].pk, viewer=None)) == [recommendation]


def test_a_block_hides_it_everywhere_without_deleting_it(people, johns_job):
    recommendation = published(people, johns_job)
    connection_services.block_create(blocker=people["john"], blocked=people["pete"])
    assert Recommendation.objects.filter(pk=recommendation.pk, status=Status.PUBLISHED).exists()
    for viewer in (None, people["maya"], people["john"]):
        assert list(selectors.published_about(people["john"].pk, viewer=viewer)) == []
    assert list(selectors.received(people["john"])) == []
    assert list(selectors.written(people["pete"])) == []
    # Neither can act on it: it looks missing.
    refused(
        lambda: services.recommendation_hide(
            recommendation_id=recommendation.pk, member=people["john"]
        ),
        404,
    )
    refused(
        lambda: services.recommendation_withdraw(
            recommendation_id=recommendation.pk, member=people["pete"]
        ),
        404,
    )
    # Lifted: it is back (the connection is not).
    connection_services.block_remove(blocker=people["john"], blocked_id=people["pete"].pk)
    assert list(selectors.published_about(people["john"].pk, viewer=None)) == [recommendation]


def test_nothing_new_between_blocked_members(people, johns_job):
    request = ask(people, johns_job)
    connection_services.block_create(blocker=people["pete"], blocked=people["john"])
    refused(lambda: write_for(people, request), 404)
    refused(
        lambda: services.recommendation_request_withdraw(
            request_id=request.pk, member=people["john"]
        ),
        404,
    )
    assert list(selectors.requests_received(people["pete"])) == []
    assert list(selectors.requests_sent(people["john"])) == []


def test_a_viewer_does_not_see_recommendations_by_someone_they_block(people, johns_job):
    recommendation = published(people, johns_job)
    graph.add_edge(people["maya"].pk, people["john"].pk)
    connection_services.block_create(blocker=people["maya"], blocked=people["pete"])
    assert list(selectors.published_about(people["john"].pk, viewer=people["maya"])) == []
    assert list(selectors.published_about(people["john"].pk, viewer=people["zoe"])) == [
        recommendation
    ]


def test_a_suspended_authors_recommendations_vanish(people, johns_job):
    recommendation = published(people, johns_job)
    member_suspend(member=people["pete"])
    assert list(selectors.published_about(people["john"].pk, viewer=None)) == []
    assert list(selectors.received(people["john"])) == []
    assert selectors.recommendation_for(recommendation.pk, viewer=people["john"]) is None


def test_a_moderator_takes_it_down_and_restores_it(people, johns_job):
    recommendation = published(people, johns_job)
    assert services.recommendations_take_down(ids=[recommendation.pk], reason="Spam") == 1
    assert list(selectors.published_about(people["john"].pk, viewer=None)) == []
    refused(
        lambda: services.recommendation_hide(
            recommendation_id=recommendation.pk, member=people["john"]
        ),
        409,
    )
    # Its author may still withdraw it.
    assert services.recommendations_restore(ids=[recommendation.pk]) == 1
    assert list(selectors.published_about(people["john"].pk, viewer=None)) == [recommendation]


def test_deleting_the_position_keeps_the_recommendation(people, johns_job):
    recommendation = published(people, johns_job)
    Position.objects.filter(pk=johns_job.pk).delete()
    recommendation.refresh_from_db()
    assert recommendation.position is None and recommendation.status == Status.PUBLISHED
    shown = selectors.present(recommendation, None)
    assert shown.about == ""


def test_what_each_role_may_do(people, johns_job):
    recommendation = write_for(people, ask(people, johns_job))
    as_subject = selectors.present(recommendation, people["john"].pk)
    as_author = selectors.present(recommendation, people["pete"].pk)
    as_reader = selectors.present(recommendation, people["maya"].pk)
    assert (as_subject.can_approve, as_subject.can_decline, as_subject.can_edit) == (
        True,
        True,
        False,
    )
    assert (as_author.can_edit, as_author.can_withdraw, as_author.can_approve) == (
        True,
        True,
        False,
    )
    assert not as_reader.any_action
    assert as_subject.sentence == "Pete Novak managed John Carter directly"
    assert as_subject.about == "Route planner at Atlantic Air"


def test_deleting_an_account_erases_what_they_wrote_received_and_asked(people, johns_job):
    from common.signals import member_deleting

    published(people, johns_job)
    ask(people, position(people["john"], "Nordic Rail", start=(2010, 1), end=(2011, 1)))
    petes = position(people["pete"])
    services.recommendation_request_create(
        asker=people["pete"], author=people["maya"], position_id=petes.pk
    )
    member_deleting.send(sender=None, member_id=people["john"].pk)
    assert not Recommendation.objects.exists()
    assert list(RecommendationRequest.objects.values_list("asker__username", flat=True)) == ["pete"]
