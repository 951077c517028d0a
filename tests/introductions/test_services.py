from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from common.exceptions import ApplicationError
from connections import graph
from connections import services as connection_services
from connections.models import Invitation, Notification
from introductions import services
from introductions.models import Hop, Introduction
from introductions.selectors import broker_candidates, introduction_view
from profiles.services import member_suspend

Status = Introduction.Status


def refused(status, fn, **kwargs):
    with pytest.raises(ApplicationError) as info:
        fn(**kwargs)
    assert info.value.status == status, info.value.message
    return info.value


def ask(story, target="me", via=("pete",), **kwargs):
    return services.introduction_request(
        requester=story["john"],
        target=story[target],
        via=[story[v] for v in via],
        message=kwargs.pop("message", "I read your resume: could we talk?"),
        note_to_broker=kwargs.pop("note_to_broker", "Pete, you know her well"),
        **kwargs,
    )


@pytest.mark.django_db
class TestSecondDegree:
    def test_the_whole_story_connects_requester_and_target(self, story):
        intro = ask(story)
        assert intro.status == Status.OPEN
        services.introduction_forward(
            introduction_id=intro.pk, broker=story["pete"], endorsement="John is great"
        )
        intro.refresh_from_db()
        assert intro.status == Status.AT_TARGET
        services.introduction_accept(introduction_id=intro.pk, member=story["me"])
        intro.refresh_from_db()
        assert intro.status == Status.ACCEPTED
        assert graph.are_connected(story["john"].pk, story["me"].pk)
        kinds = set(Notification.objects.filter(introduction=intro).values_list("kind", flat=True))
        assert {"intro_to_forward", "intro_for_you", "intro_accepted"} <= kinds

    def test_target_never_sees_the_note_for_the_broker(self, story):
        intro = ask(story, note_to_broker="secret for pete")
        services.introduction_forward(introduction_id=intro.pk, broker=story["pete"])
        view = introduction_view(Introduction.objects.get(pk=intro.pk), story["me"])
        assert view is not None
        assert all("secret" not in h.note for h in view.hops)
        broker_view = introduction_view(Introduction.objects.get(pk=intro.pk), story["pete"])
        assert broker_view.hops[0].note == "secret for pete"

    def test_broker_declines_and_requester_sees_not_forwarded(self, story):
        intro = ask(story)
        services.introduction_decline(
            introduction_id=intro.pk, broker=story["pete"], reason="She is busy"
        )
        intro.refresh_from_db()
        assert intro.status == Status.NOT_FORWARDED
        view = introduction_view(intro, story["john"])
        assert view.status_label == "Not forwarded"
        assert view.hops[0].decline_reason == "She is busy"  # their own broker's reason
        # The target never hears of it: it never reached her.
        assert introduction_view(intro, story["me"]) is None
        assert not Notification.objects.filter(recipient=story["me"]).exists()

    def test_target_declines(self, story):
        intro = ask(story)
        services.introduction_forward(introduction_id=intro.pk, broker=story["pete"])
        services.introduction_decline_as_target(introduction_id=intro.pk, member=story["me"])
        intro.refresh_from_db()
        assert intro.status == Status.NOT_ACCEPTED
        assert introduction_view(intro, story["john"]).status_label == "Not accepted"
        note = Notification.objects.get(recipient=story["john"], kind="intro_not_accepted")
        assert note.actor is None  # nobody named

    def test_withdraw_before_the_target_answers(self, story):
        intro = ask(story)
        services.introduction_withdraw(introduction_id=intro.pk, member=story["john"])
        refused(409, services.introduction_forward, introduction_id=intro.pk, broker=story["pete"])


@pytest.mark.django_db
class TestRoles:
    def test_only_the_current_broker_forwards(self, story):
        intro = ask(story)
        refused(403, services.introduction_forward, introduction_id=intro.pk, broker=story["me"])
        refused(404, services.introduction_forward, introduction_id=intro.pk, broker=story["zoe"])
        refused(403, services.introduction_forward, introduction_id=intro.pk, broker=story["john"])

    def test_only_the_target_accepts_and_only_when_forwarded(self, story):
        intro = ask(story)
        refused(409, services.introduction_accept, introduction_id=intro.pk, member=story["me"])
        services.introduction_forward(introduction_id=intro.pk, broker=story["pete"])
        refused(403, services.introduction_accept, introduction_id=intro.pk, member=story["pete"])
        refused(403, services.introduction_accept, introduction_id=intro.pk, member=story["john"])
        refused(404, services.introduction_accept, introduction_id=intro.pk, member=story["zoe"])

    def test_only_the_requester_withdraws(self, story):
        intro = ask(story)
        refused(403, services.introduction_withdraw, introduction_id=intro.pk, member=story["pete"])
        refused(404, services.introduction_withdraw, introduction_id=intro.pk, member=story["zoe"])

    def test_terminal_states_are_final(self, story):
        intro = ask(story)
        services.introduction_forward(introduction_id=intro.pk, broker=story["pete"])
        services.introduction_accept(introduction_id=intro.pk, member=story["me"])
        refused(409, services.introduction_accept, introduction_id=intro.pk, member=story["me"])
        refused(
            409,
            services.introduction_decline_as_target,
            introduction_id=intro.pk,
            member=story["me"],
        )
        refused(409, services.introduction_withdraw, introduction_id=intro.pk, member=story["john"])


@pytest.mark.django_db
class TestRules:
    def test_broker_must_be_connected_to_both_sides(self, story):
        error = refused(400, ask, story=story, target="me", via=("ann",))
        assert error.code == "not_a_path"

    def test_already_connected_is_refused(self, story):
        refused(409, ask, story=story, target="pete", via=("me",))

    def test_one_open_request_per_target(self, story):
        ask(story)
        refused(409, ask, story=story)

    def test_at_most_five_open_requests(self, story, make_member, connect, monkeypatch):
        monkeypatch.setattr(services, "OPEN_LIMIT", 1)
        ask(story)
        error = refused(429, ask, story=story, target="ann", via=("pete", "me"))
        assert "slot comes back" in error.message
        intro = Introduction.objects.get()
        services.introduction_withdraw(introduction_id=intro.pk, member=story["john"])
        ask(story, target="ann", via=("pete", "me"))  # the slot came back

    def test_broker_capacity_and_pause(self, story):
        services.broker_settings_update(
            member=story["pete"], capacity_per_month=1, topics="", paused=False
        )
        ask(story)
        error = refused(429, ask, story=story, target="ann", via=("pete", "me"))
        assert error.extra["retry_after"] > 0
        services.broker_settings_update(
            member=story["pete"], capacity_per_month=10, topics="", paused=True
        )
        refused(409, ask, story=story, target="ann", via=("pete", "me"))

    def test_blocked_or_suspended_anywhere_on_the_path_looks_missing(self, story):
        connection_services.block_create(blocker=story["me"], blocked=story["john"])
        refused(404, ask, story=story)
        connection_services.block_remove(blocker=story["me"], blocked_id=story["john"].pk)
        member_suspend(member=story["pete"])
        refused(404, ask, story=story)

    def test_a_block_ends_open_introductions(self, story):
        intro = ask(story)
        connection_services.block_create(blocker=story["me"], blocked=story["john"])
        intro.refresh_from_db()
        assert intro.status == Status.CANCELLED

    def test_a_suspension_ends_open_introductions(self, story):
        intro = ask(story)
        member_suspend(member=story["pete"])
        intro.refresh_from_db()
        assert intro.status == Status.CANCELLED

    def test_expiry_after_thirty_days_tells_everyone(self, story):
        intro = ask(story)
        Introduction.objects.filter(pk=intro.pk).update(expires_at=timezone.now() - timedelta(1))
        assert services.introductions_expire() == 1
        assert services.introductions_expire() == 0
        intro.refresh_from_db()
        assert intro.status == Status.EXPIRED
        told = set(
            Notification.objects.filter(kind="intro_expired").values_list("recipient", flat=True)
        )
        assert told == {story["john"].pk, story["me"].pk, story["pete"].pk}

    def test_one_reminder_to_whoever_it_waits_for(self, story):
        intro = ask(story)
        Introduction.objects.filter(pk=intro.pk).update(created_at=timezone.now() - timedelta(8))
        assert services.introductions_remind() == 1
        assert services.introductions_remind() == 0
        assert Notification.objects.get(kind="intro_reminder").recipient == story["pete"]


@pytest.mark.django_db
class TestThirdDegree:
    def test_chain_through_two_brokers(self, story):
        intro = ask(story, target="ann", via=("pete", "me"))
        services.introduction_forward(introduction_id=intro.pk, broker=story["pete"])
        # Pete acted already: it is with the next broker now.
        refused(409, services.introduction_forward, introduction_id=intro.pk, broker=story["pete"])
        intro.refresh_from_db()
        assert intro.status == Status.OPEN and intro.current_hop == 1
        view = introduction_view(intro, story["john"])
        assert view.reached == 1
        services.introduction_forward(introduction_id=intro.pk, broker=story["me"])
        services.introduction_accept(introduction_id=intro.pk, member=story["ann"])
        assert graph.are_connected(story["john"].pk, story["ann"].pk)

    def test_requester_never_learns_which_later_broker_declined(self, story):
        intro = ask(story, target="ann", via=("pete", "me"))
        services.introduction_forward(introduction_id=intro.pk, broker=story["pete"])
        services.introduction_decline(introduction_id=intro.pk, broker=story["me"], reason="no")
        intro.refresh_from_db()
        view = introduction_view(intro, story["john"])
        assert view.status == Status.NOT_FORWARDED
        declined = next(h for h in view.hops if h.position == 1)
        assert declined.broker is None and declined.status == "hidden"
        assert declined.decline_reason == ""
        # The first broker does not learn it either.
        first_broker_view = introduction_view(intro, story["pete"])
        assert all(h.broker is None for h in first_broker_view.hops if h.position == 1)


@pytest.mark.django_db
class TestOffersAndNonMembers:
    def test_broker_introduces_two_connections_with_double_opt_in(self, story):
        intro = services.introduction_offer(
            broker=story["me"], first=story["pete"], second=story["ann"], message="You two!"
        )
        services.introduction_accept(introduction_id=intro.pk, member=story["pete"])
        assert not graph.are_connected(story["pete"].pk, story["ann"].pk)
        refused(409, services.introduction_accept, introduction_id=intro.pk, member=story["pete"])
        services.introduction_accept(introduction_id=intro.pk, member=story["ann"])
        assert graph.are_connected(story["pete"].pk, story["ann"].pk)

    def test_cannot_offer_strangers(self, story):
        refused(
            400,
            services.introduction_offer,
            broker=story["me"],
            first=story["john"],
            second=story["ann"],
            message="hi",
        )

    def test_introduction_to_a_non_member_resumes_when_they_join(
        self, story, client, on_commit, connect
    ):
        connect(story["john"], story["me"])  # John and I met through Pete
        with on_commit():
            intro = services.introduction_offer(
                broker=story["me"],
                first=story["john"],
                second_email="adam.new@example.org",
                message="John needs an aviation writer; Adam is the best.",
            )
        invitation = Invitation.objects.get(email="adam.new@example.org")
        assert intro.pk and Introduction.objects.get(pk=intro.pk).invitation == invitation
        invite_mail = next(m for m in mail.outbox if m.to == ["adam.new@example.org"])
        assert "aviation writer" in invite_mail.body
        # The invitation carries the introduction: who vouches and whom they introduce.
        assert invite_mail.body.startswith("Me (Engineer) would like to introduce you to John")
        link = connection_services.invitation_token(invitation)
        client.get(f"/invite/{link}/")
        client.post(
            "/accounts/signup/",
            {
                "full_name": "Adam New",
                "email": "adam.new@example.org",
                "username": "adam-new",
                "password1": "a-long-passphrase-1",
                "password2": "a-long-passphrase-1",
            },
        )
        intro.refresh_from_db()
        assert intro.target is not None and intro.target.username == "adam-new"
        services.introduction_accept(introduction_id=intro.pk, member=story["john"])
        services.introduction_accept(introduction_id=intro.pk, member=intro.target)
        assert graph.are_connected(story["john"].pk, intro.target.pk)

    def test_invited_address_is_shown_only_to_the_asking_side(self, story):
        intro = services.introduction_request(
            requester=story["john"],
            target_email="outside@example.org",
            via=[story["pete"]],
            message="Hello",
        )
        assert introduction_view(intro, story["john"]).target_email == "outside@example.org"
        assert introduction_view(intro, story["pete"]).target_email == "outside@example.org"


@pytest.mark.django_db
class TestBrokerRanking:
    def test_brokers_who_forward_come_first(self, story, make_member, connect):
        kim = make_member("kim")
        connect(story["john"], kim)
        connect(kim, story["me"])
        # Pete has declined before; Kim has forwarded before.
        other = make_member("other")
        connect(story["john"], other)
        connect(other, story["pete"])
        connect(other, kim)
        declined = services.introduction_request(
            requester=other, target=story["me"], via=[story["pete"]], message="hi"
        )
        services.introduction_decline(introduction_id=declined.pk, broker=story["pete"])
        forwarded = services.introduction_request(
            requester=other, target=story["me"], via=[kim], message="hi again"
        )
        services.introduction_forward(introduction_id=forwarded.pk, broker=kim)
        ranked = broker_candidates(requester=story["john"], target=story["me"])
        assert [c.member.username for c in ranked] == ["kim", "pete"]
        assert Hop.objects.count() == 2
