"""The digest: its sections, who gets it and when, the e-mail, and unsubscribing."""

from datetime import date, timedelta
from functools import partial
from smtplib import SMTPException

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from asks import services as asks_services
from connections import emails as connection_emails
from connections import graph
from connections import services as connection_services
from digest import emails, sections, selectors, services
from digest.models import DigestLog, DigestPreference, KeepInTouch
from digest.tasks import send_digest, send_due_digests
from introductions import services as introduction_services
from profiles.industries import Industry
from profiles.services import member_suspend
from recommendations import services as recommendation_services
from tests.concurrency import run_together
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db

PRIVATE = "pete.private@example.net"


@pytest.fixture
def story(make_member, connect):
    """john — pete — me — ann; John asks Pete to introduce him to me."""
    people = {
        n: make_member(n, full_name=f"{n.title()} {s}", headline=f"{n.title()}'s headline")
        for n, s in [("john", "Carter"), ("pete", "Novak"), ("me", "Lind"), ("ann", "Ames")]
    }
    for profile_owner in people.values():
        profile_owner.profile.contact_email = f"{profile_owner.username}.private@example.net"
        profile_owner.profile.phone = "+351 555 0100"
        profile_owner.profile.save()
    connect(people["john"], people["pete"])
    connect(people["pete"], people["me"])
    connect(people["me"], people["ann"])
    for a, b in [("john", "pete"), ("pete", "me"), ("me", "ann")]:
        # Connected some weeks ago: not "new" for the digest, nor quiet for long.
        make_old(people[a], people[b], days=40)
    return people


def ask(story, requester="john", broker="pete", target="me"):
    return introduction_services.introduction_request(
        requester=story[requester],
        via=[story[broker]],
        target=story[target],
        message="I would love to meet you.",
    )


def keys(digest):
    return [s.key for s in digest.sections]


def titles(digest, key):
    found = next((s for s in digest.sections if s.key == key), None)
    return [i.title for i in found.items] if found else []


def make_old(member, other, days=400):
    """Pretend the two connected long ago."""
    graph.connections_of(member.pk).filter(other_id=other.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    graph.connections_of(other.pk).filter(other_id=member.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


# -- sections ---------------------------------------------------------------------------


def test_introductions_waiting_on_the_broker_then_on_the_target(story):
    intro = ask(story)
    pete = sections.build(story["pete"])
    assert titles(pete, "introductions") == ["John Carter asks you to introduce them to Me Lind"]
    item = pete.sections[0].items[0]
    assert item.url == f"/introductions/{intro.pk}/"
    assert item.lines[1].startswith("Answer by ")
    # Not the requester's to act on; not the target's yet.
    assert titles(sections.build(story["john"]), "introductions") == []
    assert titles(sections.build(story["me"]), "introductions") == []

    introduction_services.introduction_forward(introduction_id=intro.pk, broker=story["pete"])
    assert titles(sections.build(story["pete"]), "introductions") == []
    mine = sections.build(story["me"])
    assert titles(mine, "introductions") == ["John Carter would like to meet you"]
    assert mine.sections[0].items[0].lines[0] == "John's headline"


def test_an_offer_waits_on_both_sides(story):
    introduction_services.introduction_offer(
        broker=story["pete"], first=story["john"], second=story["me"], message="Meet!"
    )
    assert titles(sections.build(story["john"]), "introductions") == [
        "Pete Novak introduced you to Me Lind"
    ]
    assert titles(sections.build(story["me"]), "introductions") == [
        "Pete Novak introduced you to John Carter"
    ]


def test_keep_in_touch_due_then_oldest_quiet_connections(story, overdue):
    me = story["me"]
    overdue(services.keep_in_touch_add(member=me, other=story["pete"]), days=10)
    make_old(me, story["ann"])
    digest = sections.build(me)
    assert titles(digest, "keep_in_touch") == ["Pete Novak", "Ann Ames"]
    due, quiet = next(s for s in digest.sections if s.key == "keep_in_touch").items
    assert due.url == "/network/keep-in-touch/"
    assert due.lines[0].startswith("You meant to be in touch by ")
    assert due.lines[1] == "No touch on record yet."
    assert quiet.url == "/in/ann/"
    assert quiet.lines[0].startswith("Connected since ")


def test_touched_recent_or_listed_connections_are_not_quiet(story):
    me = story["me"]
    make_old(me, story["ann"])
    make_old(me, story["pete"])
    services.touch_record(member_id=story["ann"].pk, other_id=me.pk, how="recommendation")
    services.keep_in_touch_add(member=me, other=story["pete"])  # listed, not due
    assert titles(sections.build(me), "keep_in_touch") == []
    make_old(story["john"], story["pete"], days=30)  # recent: not "a long time"
    assert titles(sections.build(story["john"]), "keep_in_touch") == []


def test_the_rest_lists_requests_and_new_connections(story, make_member, connect):
    me = story["me"]
    zoe = make_member("zoe", full_name="Zoe Zhang")
    connection_services.connection_request_create(sender=zoe, recipient=me)
    digest = sections.build(me, since=timezone.now() - timedelta(days=50))
    assert titles(digest, "rest") == ["1 person wants to connect with you", "2 new connections"]
    requests, new = next(s for s in digest.sections if s.key == "rest").items
    assert requests.lines == ("Zoe Zhang",)
    assert requests.url == "/network/requests/"
    assert new.lines in (("Pete Novak and Ann Ames",), ("Ann Ames and Pete Novak",))
    later = sections.build(me, since=timezone.now() - timedelta(days=7))
    assert titles(later, "rest") == ["1 person wants to connect with you"]


def worked_at(member, organization, start, *, title="Engineer", end=None):
    return PositionFactory(
        profile=member.profile,
        title=title,
        organization=organization,
        start_date=start,
        end_date=end,
        is_current=end is None,
    )


def test_recommendation_requests_waiting_on_you(story):
    position = worked_at(story["john"], "Atlantic Air", date(2019, 3, 1), title="Route planner")
    request = recommendation_services.recommendation_request_create(
        asker=story["john"], author=story["pete"], position_id=position.pk, message="Please?"
    )
    digest = sections.build(story["pete"])
    assert titles(digest, "recommendation_requests") == [
        "John Carter asks you for a recommendation"
    ]
    (item,) = next(s for s in digest.sections if s.key == "recommendation_requests").items
    assert item.lines[0] == "About Route planner at Atlantic Air."
    assert item.url == f"/recommendations/requests/{request.pk}/write/"
    assert titles(sections.build(story["john"]), "recommendation_requests") == []
    connection_services.block_create(blocker=story["pete"], blocked=story["john"])
    assert titles(sections.build(story["pete"]), "recommendation_requests") == []


def test_asks_from_connections_and_passed_on_in_your_industry_first(story):
    pete = story["pete"]
    pete.profile.industry = Industry.AVIATION
    pete.profile.save()
    older = asks_services.ask_create(
        author=story["john"], title="Who knows airport slots?", body="...", industry="aviation"
    )
    newer = asks_services.ask_create(author=story["me"], title="A good accountant?", body="...")
    # Ann's ask reaches Pete only because I pass it on to him.
    passed = asks_services.ask_create(author=story["ann"], title="Hiring a pilot", body="...")
    asks_services.ask_pass(ask_id=passed.pk, member=story["me"], recipients=[pete])
    hidden = asks_services.ask_create(author=story["ann"], title="Not for Pete", body="...")

    digest = sections.build(pete)
    assert titles(digest, "asks") == [
        "Who knows airport slots?",
        "Hiring a pilot",
        "A good accountant?",
    ]
    first, via_me, _ = next(s for s in digest.sections if s.key == "asks").items
    assert first.lines[-1] == "In your industry."
    assert first.url == f"/asks/{older.pk}/"
    assert via_me.lines[1] == "Passed on to you by Me Lind."
    assert hidden.title not in repr(digest)
    # Answered: nothing left to do for Pete.
    asks_services.ask_answer(ask_id=newer.pk, member=pete, body="Try Ann.")
    assert "A good accountant?" not in titles(sections.build(pete), "asks")


def test_people_you_could_recommend_from_shared_history(story):
    worked_at(story["pete"], "Acme Inc.", date(2018, 1, 1))
    theirs = worked_at(story["me"], "ACME", date(2020, 6, 1), end=date(2023, 1, 1))
    worked_at(story["ann"], "Acme", date(2019, 1, 1))  # not Pete's connection
    digest = sections.build(story["pete"])
    assert titles(digest, "could_recommend") == ["Me Lind"]
    (item,) = next(s for s in digest.sections if s.key == "could_recommend").items
    assert item.lines[0] == "You and Me both list ACME, 2020–2023."
    assert item.url == f"/recommendations/write/me/?about=p:{theirs.pk}"


def test_sections_come_giving_first(story, overdue, make_member):
    me = story["me"]
    intro = ask(story)
    introduction_services.introduction_forward(introduction_id=intro.pk, broker=story["pete"])
    position = worked_at(story["pete"], "Acme", date(2019, 1, 1))
    worked_at(me, "Acme", date(2020, 1, 1))
    worked_at(story["ann"], "Acme", date(2021, 1, 1))  # Pete asked me already; Ann did not
    recommendation_services.recommendation_request_create(
        asker=story["pete"], author=me, position_id=position.pk
    )
    asks_services.ask_create(author=story["ann"], title="Anyone at Acme?", body="...")
    overdue(services.keep_in_touch_add(member=me, other=story["ann"]))
    connection_services.connection_request_create(
        sender=make_member("zoe", full_name="Zoe Zhang"), recipient=me
    )
    assert keys(sections.build(me)) == [
        "introductions",
        "recommendation_requests",
        "asks",
        "could_recommend",
        "keep_in_touch",
        "rest",
    ]
    assert [f.__name__ for f in sections.SECTIONS] == [
        "introductions_waiting",
        "recommendation_requests_waiting",
        "asks_for_you",
        "people_to_recommend",
        "keep_in_touch",
        "the_rest",
    ]


def test_nothing_hidden_appears(story, overdue, make_member, connect):
    me = story["me"]
    ask(story, requester="ann", broker="me", target="pete")
    zoe = make_member("zoe", full_name="Zoe Zhang")
    connection_services.connection_request_create(sender=zoe, recipient=me)
    overdue(services.keep_in_touch_add(member=me, other=story["pete"]))
    make_old(me, story["ann"])
    before = sections.build(me)
    assert {"introductions", "keep_in_touch", "rest"} <= set(keys(before))

    connection_services.block_create(blocker=me, blocked=story["ann"])  # ends her request
    member_suspend(member=story["pete"])
    member_suspend(member=zoe)

    after = sections.build(me)
    text = repr(after)
    for name in ("Ann Ames", "Pete Novak", "Zoe Zhang"):
        assert name not in text
    assert after.is_empty


def test_never_any_contact_details(story, overdue, client):
    ask(story)
    overdue(services.keep_in_touch_add(member=story["pete"], other=story["me"]))
    digest = sections.build(story["pete"])
    assert not digest.is_empty
    assert "private@example.net" not in repr(digest)
    assert "555 0100" not in repr(digest)
    client.force_login(story["pete"])
    page = client.get("/digest/").content.decode()
    assert "John Carter asks you to introduce them to Me Lind" in page
    assert "private@example.net" not in page and "555 0100" not in page


def test_an_invited_address_stays_out_of_the_digest(story):
    introduction_services.introduction_request(
        requester=story["john"],
        via=[story["pete"]],
        target_email="adam@elsewhere.example",
        message="Hello Adam",
    )
    digest = sections.build(story["pete"])
    assert titles(digest, "introductions") == [
        "John Carter asks you to introduce them to someone not on LinkUp yet"
    ]
    assert "adam@elsewhere.example" not in repr(digest)


# -- who gets it, and when ---------------------------------------------------------------


def test_due_members_follow_their_preference(story, make_member):
    now = timezone.now()
    for name, frequency, sent_days_ago in [
        ("john", "weekly", 8),
        ("pete", "weekly", 3),
        ("me", "monthly", 20),
        ("ann", "monthly", 40),
    ]:
        sent = now - timedelta(days=sent_days_ago)
        DigestPreference.objects.create(member=story[name], frequency=frequency, last_sent_at=sent)
    never = make_member("never")
    DigestPreference.objects.create(member=never, frequency="never")
    fresh = make_member("fresh")  # no preference: weekly, never sent
    nomail = make_member("nomail")
    nomail.email = ""
    nomail.save()
    hidden = make_member("hidden")
    member_suspend(member=hidden)

    due = selectors.due_digest_member_ids(now=now)
    assert due == sorted([story["john"].pk, story["ann"].pk, fresh.pk])
    assert selectors.due_digest_member_ids(now=now, after=story["john"].pk, limit=1) == [
        story["ann"].pk
    ]


def test_weekly_means_the_same_weekday(story):
    now = timezone.now().replace(hour=0, minute=30)
    threshold = selectors.due_threshold("weekly", now)
    assert threshold == now.replace(minute=0, second=0, microsecond=0) - timedelta(days=6)
    # Sent late on a Monday: due again from the start of the next Monday, not at that hour.
    sent = now - timedelta(days=7) + timedelta(hours=20)
    assert sent < threshold


def test_digest_sent_once_per_period(story, mailoutbox):
    ask(story)
    pete = story["pete"].pk
    now = timezone.now()
    assert services.digest_send(member_id=pete, now=now) == "sent"
    assert services.digest_send(member_id=pete, now=now) == "not due"
    assert services.digest_send(member_id=pete, now=now + timedelta(days=6)) == "not due"
    assert services.digest_send(member_id=pete, now=now + timedelta(days=7, hours=1)) == "sent"
    assert len(mailoutbox) == 2
    assert DigestLog.objects.filter(member_id=pete, status="sent").count() == 2


def test_monthly_and_never_are_honoured(story, mailoutbox):
    ask(story)
    pete = story["pete"]
    now = timezone.now()
    services.digest_preference_set(member=pete, frequency="never")
    assert services.digest_send(member_id=pete.pk, now=now) == "not due"
    services.digest_preference_set(member=pete, frequency="monthly")
    assert services.digest_send(member_id=pete.pk, now=now) == "sent"
    assert services.digest_send(member_id=pete.pk, now=now + timedelta(days=14)) == "not due"
    assert services.digest_send(member_id=pete.pk, now=now + timedelta(days=33)) == "sent"
    assert len(mailoutbox) == 2


def test_an_empty_digest_is_not_sent(story, mailoutbox):
    assert services.digest_send(member_id=story["john"].pk) == "empty"
    assert mailoutbox == []
    log = DigestLog.objects.get()
    assert (log.status, log.items) == ("empty", 0)
    # The period is used up all the same: no rebuilding it every hour.
    assert services.digest_send(member_id=story["john"].pk) == "not due"


def test_hidden_members_get_no_digest(story, mailoutbox):
    ask(story)
    member_suspend(member=story["pete"])
    assert services.digest_send(member_id=story["pete"].pk) == "hidden"
    assert mailoutbox == []


def test_the_beat_job_sends_each_due_digest_once(story, mailoutbox):
    ask(story)
    assert send_due_digests.delay().get() == 4  # every member is due: no preference yet
    assert send_due_digests() == 0
    assert [m.to for m in mailoutbox] == [[story["pete"].email]]
    assert DigestLog.objects.filter(status="empty").count() == 3


def test_a_duplicate_task_delivery_sends_nothing_more(story, mailoutbox):
    ask(story)
    assert send_digest.delay(story["pete"].pk).get() == "sent"
    assert send_digest.delay(story["pete"].pk).get() == "not due"
    assert len(mailoutbox) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_digest(story):
    ask(story)
    mail.outbox = []
    send = partial(services.digest_send, member_id=story["pete"].pk)
    results = run_together(send, send, send)
    assert sorted(results) == ["not due", "not due", "sent"]
    assert len(mail.outbox) == 1
    assert DigestLog.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_for_a_member_without_a_preference_row(story):
    ask(story)
    mail.outbox = []
    assert not DigestPreference.objects.exists()
    results = run_together(*(partial(services.digest_send, member_id=story["pete"].pk),) * 4)
    assert results.count("sent") == 1
    assert len(mail.outbox) == 1


def test_a_mail_failure_gives_the_claim_back(story, monkeypatch, mailoutbox):
    ask(story)

    def broken(**kwargs):
        raise SMTPException("down")

    monkeypatch.setattr(emails, "send_digest", broken)
    with pytest.raises(SMTPException):
        services.digest_send(member_id=story["pete"].pk)
    assert DigestPreference.objects.get(member=story["pete"]).last_sent_at is None
    monkeypatch.undo()
    assert services.digest_send(member_id=story["pete"].pk) == "sent"
    assert len(mailoutbox) == 1


# -- the e-mail ---------------------------------------------------------------------------


def test_the_e_mail_has_text_and_html_and_one_click_unsubscribe(story, overdue, mailoutbox):
    ask(story)
    overdue(services.keep_in_touch_add(member=story["pete"], other=story["me"]))
    services.digest_send(member_id=story["pete"].pk)
    (message,) = mailoutbox
    assert message.to == [story["pete"].email]
    assert message.subject == "[LinkUp] Your weekly digest: Introductions waiting on you"
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    for body in (message.body, html):
        assert "John Carter asks you to introduce them to Me Lind" in body
        lower = body.lower()
        assert "people you have not been in touch with for a while" in lower
        assert lower.index("introductions waiting on you") < lower.index("not been in touch")
        assert "http://testserver/introductions/" in body or "/introductions/" in body
        assert "private@example.net" not in body and "555 0100" not in body
    url = emails.unsubscribe_url(story["pete"].pk)
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.body and url.replace("&", "&amp;") in html
    assert "<html" not in message.body


def test_item_links_are_absolute(story, mailoutbox, settings):
    settings.SITE_URL = "https://linkup.example"
    intro = ask(story)
    services.digest_send(member_id=story["pete"].pk)
    (message,) = mailoutbox
    assert f"https://linkup.example/introductions/{intro.pk}/" in message.body
    assert f'href="https://linkup.example/introductions/{intro.pk}/"' in message.alternatives[0][0]


# -- unsubscribe without logging in ----------------------------------------------------------


def test_unsubscribe_link_works_without_logging_in(story):
    token = emails.unsubscribe_token(story["pete"].pk)
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(f"/digest/unsubscribe/{token}/")
    assert page.status_code == 200
    assert "Stop the digest e-mail?" in page.content.decode()
    assert not DigestPreference.objects.exists()  # a GET (a link scanner) changes nothing

    done = anonymous.post(f"/digest/unsubscribe/{token}/")
    assert done.status_code == 200
    assert "You are unsubscribed from the digest" in done.content.decode()
    assert DigestPreference.objects.get(member=story["pete"]).frequency == "never"

    undo = anonymous.post(f"/digest/unsubscribe/{token}/", {"resubscribe": "1"})
    assert "You will get the digest again" in undo.content.decode()
    assert DigestPreference.objects.get(member=story["pete"]).frequency == "weekly"


def test_one_click_post_from_a_mail_client(story, mailoutbox):
    ask(story)
    services.digest_send(member_id=story["pete"].pk)
    url = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = url.removeprefix("http://127.0.0.1:8000")
    response = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert services.digest_frequency(story["pete"]) == "never"
    assert (
        selectors.due_digest_member_ids(now=timezone.now() + timedelta(days=30)).count(
            story["pete"].pk
        )
        == 0
    )


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "eyJ0ZXN0IjoxfQ:1abcde:forged",
        "notification-link",  # a notification link is not a digest link
    ],
)
def test_a_bad_token_is_a_clear_page_not_a_500(story, token):
    # Made here, not at collection: signed tokens carry the time, and every xdist
    # worker must collect the same test ids.
    if token == "notification-link":
        token = connection_emails.unsubscribe_token(1)
    for method in ("get", "post"):
        response = getattr(Client(), method)(f"/digest/unsubscribe/{token}/")
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    assert not DigestPreference.objects.exists()


def test_the_notification_unsubscribe_does_not_stop_the_digest(story):
    token = connection_emails.unsubscribe_token(story["pete"].pk)
    Client().post(f"/notifications/unsubscribe/{token}/")
    assert services.digest_frequency(story["pete"]) == "weekly"


# -- settings, page and API ------------------------------------------------------------------


def test_settings_page(client, story):
    client.force_login(story["pete"])
    page = client.get("/settings/digest/").content.decode()
    assert 'value="weekly" ' in page and "checked" in page.split('value="weekly"')[1][:40]
    response = client.post("/settings/digest/", {"frequency": "monthly"})
    assert (response.status_code, response["Location"]) == (302, "/settings/digest/")
    assert services.digest_frequency(story["pete"]) == "monthly"
    assert "You will get the digest monthly." in client.get("/settings/digest/").content.decode()
    bad = client.post("/settings/digest/", {"frequency": "daily"})
    assert bad.status_code == 400
    assert services.digest_frequency(story["pete"]) == "monthly"


def test_the_digest_page_shows_the_same_sections(client, story, overdue):
    intro = ask(story)
    client.force_login(story["pete"])
    html = client.get("/digest/").content.decode()
    assert "Introductions waiting on you" in html
    assert f'href="/introductions/{intro.pk}/"' in html
    client.force_login(story["ann"])
    assert "Nothing waiting on you." in client.get("/digest/").content.decode()


def test_the_digest_page_query_count_is_pinned(
    client, story, overdue, make_member, connect, django_assert_num_queries
):
    pete = story["pete"]

    def more(i):
        """One more of everything: a new connection due on the list, an introduction
        waiting on Pete, a connection request."""
        friend = make_member(f"friend{i}", full_name=f"Friend {i}")
        connect(pete, friend)
        overdue(services.keep_in_touch_add(member=pete, other=friend))
        requester = make_member(f"asker{i}")
        connect(requester, pete)
        introduction_services.introduction_request(
            requester=requester, via=[pete], target=story["john"], message="Hi"
        )
        connection_services.connection_request_create(
            sender=make_member(f"stranger{i}"), recipient=pete
        )
        # A recommendation request, an ask, and shared history to recommend from.
        position = worked_at(requester, "Acme", date(2015, 1, 1))
        recommendation_services.recommendation_request_create(
            asker=requester, author=pete, position_id=position.pk
        )
        asks_services.ask_create(author=friend, title=f"Ask {i}", body="...")
        worked_at(friend, "Acme", date(2016, 1, 1))

    worked_at(pete, "Acme", date(2014, 1, 1))
    more(0)
    client.force_login(pete)
    client.get("/digest/")
    # session, user, blocks, introductions (count, page, hops, outcomes), recommendation
    # requests (page, count), asks (page, who passed them, count), people to recommend
    # (suggestions, profiles), keep in touch (page, count), quiet connections, requests
    # (page, count), new connections (page, count), the preference, the top bar's counts
    with django_assert_num_queries(24):
        assert "Friend 0" in client.get("/digest/").content.decode()
    for i in range(1, 7):
        more(i)
    with django_assert_num_queries(24):
        assert "Friend 4" in client.get("/digest/").content.decode()


def test_digest_preference_api(story, api_as):
    api = api_as(story["pete"])
    assert api.get("/api/v1/me/digest/").json() == {"frequency": "weekly", "last_sent_at": None}
    response = api.patch("/api/v1/me/digest/", {"frequency": "never"})
    assert response.status_code == 200
    assert response.json()["frequency"] == "never"
    bad = api.patch("/api/v1/me/digest/", {"frequency": "daily"})
    assert bad.status_code == 400
    assert "frequency" in bad.json()["error"]["fields"]
    extra = api.patch("/api/v1/me/digest/", {"frequency": "weekly", "last_sent_at": None})
    assert extra.status_code == 400
    assert list(extra.json()["error"]["fields"]) == ["last_sent_at"]
    assert services.digest_frequency(story["pete"]) == "never"


def test_digest_api(story, api_as):
    intro = ask(story)
    body = api_as(story["pete"]).get("/api/v1/digest/").json()
    (section,) = body["sections"]
    assert section["key"] == "introductions"
    assert section["items"][0]["title"] == "John Carter asks you to introduce them to Me Lind"
    assert section["items"][0]["url"] == f"http://testserver/introductions/{intro.pk}/"
    assert "private@example.net" not in str(body)


def test_admin_lists_entries_preferences_and_log(story, overdue, admin_client):
    overdue(services.keep_in_touch_add(member=story["pete"], other=story["me"]))
    services.keep_in_touch_touch(member=story["pete"], other=story["me"], note="Secret lunch")
    ask(story)
    services.digest_send(member_id=story["pete"].pk)
    for url in (
        "/admin/digest/keepintouch/",
        "/admin/digest/digestpreference/",
        "/admin/digest/digestlog/",
    ):
        response = admin_client.get(url)
        assert response.status_code == 200, url
    entry = KeepInTouch.objects.get()
    detail = admin_client.get(f"/admin/digest/keepintouch/{entry.pk}/change/")
    assert detail.status_code == 200
    assert "Secret lunch" not in detail.content.decode()
    assert "Save" not in detail.content.decode() or 'name="_save"' not in detail.content.decode()
