"""Ask pages, as each member sees them.

carol — bob — alice — dave        (erin — bob as well; zoe a stranger)
"""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import Client
from django.urls import reverse

from asks import services
from asks.models import Ask, AskAnswer, AskHelper, AskPass, AskReferral
from connections import services as connection_services
from introductions.models import Introduction
from profiles.services import member_suspend

pytestmark = pytest.mark.django_db


@pytest.fixture
def browsers(people):
    clients = {}
    for handle, member in people.items():
        client = Client()
        client.force_login(member)
        clients[handle] = client
    return clients


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def detail_url(ask):
    return reverse("ask-detail", args=[ask.pk])


def test_the_feed_shows_connections_asks_and_those_passed_on(people, browsers, make_ask):
    ask = make_ask()
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])

    bob = page(browsers["bob"], reverse("asks"))
    assert "Looking for an aviation technical writer" in bob
    assert "Alice Archer asks" in bob
    carol = page(browsers["carol"], reverse("asks"))
    assert "Passed to you by Bob Baker" in carol
    for handle in ("erin", "zoe", "alice"):
        assert "aviation technical writer" not in page(browsers[handle], reverse("asks"))


def test_my_asks_show_their_reach(people, browsers, make_ask):
    ask = make_ask()
    page(browsers["bob"], reverse("asks"))
    page(browsers["dave"], detail_url(ask))
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])
    services.ask_refer(ask_id=ask.pk, referrer=people["bob"], referred=people["erin"])

    mine = page(browsers["alice"], reverse("asks-mine"))

    assert "Seen by 2 people · 1 referral · passed on 1 time · 0 answers" in mine
    assert "Seen by 2 people · 1 referral · passed on 1 time" in page(
        browsers["alice"], detail_url(ask)
    )


def test_posting_an_ask_from_the_page(people, browsers):
    form = {
        "title": "Leads for freelance indexing work",
        "body": "Back-of-book indexes.",
        "topic": "indexing",
        "industry": "publishing",
        "open_for": "14",
    }
    response = browsers["alice"].post(reverse("ask-create"), form)

    ask = Ask.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(ask)
    assert ask.expires_at - ask.created_at == pytest.approx(
        timedelta(days=14), abs=timedelta(seconds=5)
    )


@pytest.mark.parametrize(
    "bad",
    [{"title": ""}, {"open_for": "365"}, {"industry": "piracy"}, {"body": "x" * 2001}],
)
def test_a_bad_form_is_a_400_with_the_error_on_the_page(browsers, bad):
    form = {"title": "Leads", "body": "Indexing.", "open_for": "30", **bad}

    response = browsers["alice"].post(reverse("ask-create"), form)

    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert Ask.objects.count() == 0


def test_past_the_weekly_limit_the_page_says_when_with_a_429(browsers, monkeypatch):
    monkeypatch.setattr(services, "ASKS_PER_WEEK", 1)
    form = {"title": "Leads", "body": "Indexing.", "open_for": "30"}
    browsers["alice"].post(reverse("ask-create"), form)

    response = browsers["alice"].post(reverse("ask-create"), form)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "You can post 1 asks a week." in response.content.decode()
    assert Ask.objects.count() == 1


def test_hidden_and_missing_asks_give_the_same_404_page(people, browsers, make_ask):
    ask = make_ask()
    missing = reverse("ask-detail", args=[ask.pk + 1000])
    stranger = browsers["zoe"].get(detail_url(ask))
    nothing = browsers["zoe"].get(missing)
    assert stranger.status_code == nothing.status_code == 404
    assert stranger.content == nothing.content
    for action in ("ask-answer", "ask-refer", "ask-pass", "ask-close"):
        response = browsers["zoe"].post(reverse(action, args=[ask.pk]), {"body": "x"})
        assert response.status_code == 404
        assert response.content == nothing.content
    connection_services.block_create(blocker=people["bob"], blocked=people["alice"])
    assert browsers["bob"].get(detail_url(ask)).content == nothing.content
    member_suspend(member=people["alice"])
    assert browsers["dave"].get(detail_url(ask)).content == nothing.content


def test_answer_refer_and_pass_from_the_ask_page(people, browsers, make_ask):
    ask = make_ask()
    bob = browsers["bob"]
    shown = page(bob, detail_url(ask))
    assert "Carol Chen" in shown and "Refer" in shown

    assert bob.post(reverse("ask-answer", args=[ask.pk]), {"body": "Try Carol."}).status_code == 302
    response = bob.post(
        reverse("ask-refer", args=[ask.pk]), {"member": "carol", "note": "She wrote them."}
    )
    assert response.status_code == 302
    assert bob.post(reverse("ask-pass", args=[ask.pk]), {"to": ["erin"]}).status_code == 302

    assert AskAnswer.objects.get().body == "Try Carol."
    referral = AskReferral.objects.get()
    assert referral.introduction.kind == Introduction.Kind.OFFER
    assert AskPass.objects.get().to_member == people["erin"]
    after = page(bob, detail_url(ask))
    assert "You referred Carol Chen" in after
    assert "You passed it to Erin Evans" in after
    # The asker sees the referral as an introduction waiting for her.
    alice = page(browsers["alice"], detail_url(ask))
    assert "Bob Baker referred" in alice and "Waiting for your answer" in alice
    assert reverse("introduction-detail", args=[referral.introduction_id]) in alice
    assert "Try Carol." in alice
    # Nobody else reads the answer.
    assert "Try Carol." not in page(browsers["dave"], detail_url(ask))
    assert "Try Carol." not in page(browsers["erin"], detail_url(ask))


def test_a_member_it_was_passed_to_is_told_why_they_cannot_refer(people, browsers, make_ask):
    ask = make_ask()
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])

    shown = page(browsers["carol"], detail_url(ask))
    assert "Only Alice Archer’s own connections can refer someone" in shown
    assert reverse("introduction-request", args=["alice"]) in shown

    response = browsers["carol"].post(reverse("ask-refer", args=[ask.pk]), {"member": "bob"})
    assert response.status_code == 403
    assert AskReferral.objects.count() == 0


def test_a_refusal_keeps_the_page_with_its_status(people, browsers, make_ask, connect):
    ask = make_ask()
    connect(people["bob"], people["dave"])  # dave is alice's connection already: not offered
    response = browsers["bob"].post(reverse("ask-refer", args=[ask.pk]), {"member": "dave"})
    assert response.status_code == 400  # not among the choices

    services.ask_answer(ask_id=ask.pk, member=people["bob"], body="One")
    response = browsers["bob"].post(reverse("ask-answer", args=[ask.pk]), {"body": "Two"})
    assert response.status_code == 409
    assert "You have already answered this ask." in response.content.decode()


def test_the_asker_closes_from_the_page_and_thanks_helpers(people, browsers, make_ask):
    ask = make_ask()
    services.ask_answer(ask_id=ask.pk, member=people["dave"], body="Try Carol.")
    assert "Dave Diaz" in page(browsers["alice"], detail_url(ask))

    response = browsers["alice"].post(
        reverse("ask-close", args=[ask.pk]), {"solved": "yes", "helpers": ["dave"]}
    )

    assert response.status_code == 302
    assert Ask.objects.get().status == Ask.Status.SOLVED
    assert list(AskHelper.objects.values_list("member__username", flat=True)) == ["dave"]
    assert "thanked you for your help" in page(browsers["dave"], detail_url(ask))
    response = browsers["bob"].post(reverse("ask-close", args=[ask.pk]), {"solved": "no"})
    assert response.status_code == 403


def test_the_feed_page_costs_the_same_queries_for_any_number_of_asks(
    people, browsers, make_member, connect, django_assert_num_queries
):
    bob = browsers["bob"]
    services.ask_create(author=people["alice"], title="Leads?", body="Indexing.")
    page(bob, reverse("asks"))

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            page(bob, reverse("asks"))
        return len(queries)

    one = count()
    for n in range(5):
        friend = make_member(f"friend-{n}")
        connect(friend, people["carol"])
        ask = services.ask_create(author=friend, title=f"Ask {n}", body="Indexing.")
        if n % 2:
            connect(friend, people["bob"])
        else:
            services.ask_pass(ask_id=ask.pk, member=people["carol"], recipients=[people["bob"]])
    with django_assert_num_queries(one):
        content = page(bob, reverse("asks"))
    assert content.count('class="net-row ask-row"') == 6


def test_the_admin_lists_asks_with_their_reach(people, make_ask, admin_client):
    ask = make_ask()
    services.ask_views_record(viewer=people["bob"], asks=[ask])
    services.ask_pass(ask_id=ask.pk, member=people["bob"], recipients=[people["carol"]])
    services.ask_refer(ask_id=ask.pk, referrer=people["bob"], referred=people["erin"])

    listing = admin_client.get(reverse("admin:asks_ask_changelist"))
    assert listing.status_code == 200
    assert "Looking for an aviation technical writer" in listing.content.decode()
    assert admin_client.get(reverse("admin:asks_ask_change", args=[ask.pk])).status_code == 200
    for model in (AskPass, AskReferral, AskAnswer):
        assert model in site._registry
        name = model._meta.model_name
        assert admin_client.get(reverse(f"admin:asks_{name}_changelist")).status_code == 200
