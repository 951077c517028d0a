"""The recommendation pages and the profile's section, as members and visitors see them.

john — pete — maya        (zoe knows nobody)
"""

import re

import pytest
from django.urls import reverse

from connections import services as connection_services
from connections.models import Notification
from profiles.services import member_suspend
from recommendations import services
from recommendations.models import Recommendation, RecommendationRequest
from tests.recommendations.conftest import BODY, MESSAGE, ask, position, published, write_for

pytestmark = pytest.mark.django_db
Status = Recommendation.Status
HTMX = {"HTTP_HX_REQUEST": "true"}


def as_(client, member):
    client.force_login(member)
    return client


def text(response):
    return response.content.decode()


def profile(client, handle="john"):
    return text(client.get(f"/in/{handle}/"))


# -- the whole flow in pages ---------------------------------------------------------


def test_ask_write_approve_through_the_pages(client, people, johns_job):
    john, pete = people["john"], people["pete"]
    as_(client, john)
    page = client.get(reverse("recommendation-ask") + f"?to=pete&about=p:{johns_job.pk}")
    assert page.status_code == 200
    assert f'value="p:{johns_job.pk}" selected' in text(page)
    response = client.post(
        reverse("recommendation-ask"),
        {"author": "pete", "about": f"p:{johns_job.pk}", "message": MESSAGE},
    )
    assert response.status_code == 302 and response["Location"] == reverse("recommendations")
    request = RecommendationRequest.objects.get()

    as_(client, pete)
    overview = text(client.get(reverse("recommendations")))
    assert "Asks you for a recommendation" in overview and MESSAGE in overview
    write_url = reverse("recommendation-request-write", args=[request.pk])
    assert f'href="{write_url}"' in overview
    assert "Route planner at Atlantic Air" in text(client.get(write_url))
    response = client.post(write_url, {"relationship": "managed", "body": BODY})
    recommendation = Recommendation.objects.get()
    assert response["Location"] == reverse("recommendation-detail", args=[recommendation.pk])
    assert "Waiting for their approval" in text(client.get(response["Location"]))

    client.logout()
    assert BODY not in profile(client)  # not published yet
    as_(client, john)
    overview = text(client.get(reverse("recommendations")))
    assert "Waiting for your approval" in overview and BODY in overview
    response = client.post(reverse("recommendation-approve", args=[recommendation.pk]))
    assert response.status_code == 302
    client.logout()
    page = profile(client)
    assert BODY in page
    assert "Pete Novak managed John Carter directly" in page
    assert "Route planner at Atlantic Air" in page and "Operations lead" in page


def test_writing_unprompted_from_a_connections_profile(client, people, johns_job):
    as_(client, people["pete"])
    page = profile(client)
    write_url = reverse("recommendation-write", args=["john"])
    assert f'href="{write_url}"' in page  # "Recommend" on a connection's profile
    response = client.post(
        write_url, {"about": f"p:{johns_job.pk}", "relationship": "same_team", "body": BODY}
    )
    assert response.status_code == 302
    assert Recommendation.objects.get().status == Status.PENDING
    # The author sees their own, waiting, on John's profile; nobody else does.
    assert "Waiting for their approval" in profile(client) and BODY in profile(client)
    as_(client, people["maya"])
    assert BODY not in profile(client)


def test_bad_input_is_a_form_error_not_a_500(client, people, johns_job):
    as_(client, people["pete"])
    url = reverse("recommendation-write", args=["john"])
    response = client.post(url, {"about": f"p:{johns_job.pk}", "relationship": "", "body": ""})
    assert response.status_code == 400
    assert "Say how you know them." in text(response)
    response = client.post(url, {"about": "p:999999", "relationship": "managed", "body": BODY})
    assert response.status_code == 400 and "Choose one of their positions" in text(response)
    as_(client, people["john"])
    response = client.post(reverse("recommendation-ask"), {"author": "maya", "about": "p:1"})
    assert response.status_code == 400
    assert not Recommendation.objects.exists() and not RecommendationRequest.objects.exists()


def test_a_conflict_keeps_its_status_on_the_page(client, people, johns_job):
    ask(people, johns_job)
    as_(client, people["john"])
    response = client.post(
        reverse("recommendation-ask"), {"author": "pete", "about": f"p:{johns_job.pk}"}
    )
    assert response.status_code == 409
    assert "You have already asked them for this." in text(response)


def test_writing_for_someone_not_connected_says_so(client, people):
    as_(client, people["john"])
    page = client.get(reverse("recommendation-write", args=["maya"]))
    assert page.status_code == 200
    assert "only your 1st-degree connections" in text(page)


# -- htmx in place -------------------------------------------------------------------


def test_approve_hide_and_show_in_place(client, people, johns_job):
    recommendation = write_for(people, ask(people, johns_job))
    as_(client, people["john"])
    response = client.post(reverse("recommendation-approve", args=[recommendation.pk]), **HTMX)
    body = text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith(
        f'<li class="net-row rec-row" id="recommendation-{recommendation.pk}"'
    )
    assert "On your profile" in body and "Approved: it is on your profile now." in body
    assert ">Hide<" in body
    response = client.post(reverse("recommendation-hide", args=[recommendation.pk]), **HTMX)
    assert "Hidden from your profile" in text(response) and "Show on my profile" in text(response)
    client.post(reverse("recommendation-show", args=[recommendation.pk]), **HTMX)
    recommendation.refresh_from_db()
    assert recommendation.status == Status.PUBLISHED


def test_a_second_approve_answers_409_in_the_row(client, people, johns_job):
    recommendation = published(people, johns_job)
    as_(client, people["john"])
    response = client.post(reverse("recommendation-approve", args=[recommendation.pk]), **HTMX)
    assert response.status_code == 409
    assert "Not possible now: this recommendation is on the profile." in text(response)


def test_ask_for_changes_then_the_author_revises(client, people, johns_job):
    recommendation = published(people, johns_job)
    as_(client, people["john"])
    url = reverse("recommendation-revise", args=[recommendation.pk])
    assert client.post(url, {"message": ""}, **HTMX).status_code == 400
    response = client.post(url, {"message": "Mention the timetables, please."}, **HTMX)
    assert response.status_code == 200 and "Waiting for their changes" in text(response)

    as_(client, people["pete"])
    notifications = text(client.get("/notifications/"))
    edit_url = reverse("recommendation-edit", args=[recommendation.pk])
    assert "John Carter asks you to make changes to your recommendation" in notifications
    assert f'href="{edit_url}"' in notifications
    page = text(client.get(edit_url))
    assert "Mention the timetables, please." in page
    response = client.post(edit_url, {"relationship": "managed", "body": BODY + " Timetables!"})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == Status.PENDING


def test_withdraw_in_place_removes_the_row(client, people, johns_job):
    recommendation = published(people, johns_job)
    as_(client, people["pete"])
    response = client.post(reverse("recommendation-withdraw", args=[recommendation.pk]), **HTMX)
    assert response.status_code == 200
    assert f'id="recommendation-{recommendation.pk}"' in text(response)
    assert "Withdrawn" in text(response)
    client.logout()
    assert BODY not in profile(client)


def test_decline_and_withdraw_requests_in_place(client, people, johns_job):
    request = ask(people, johns_job)
    as_(client, people["john"])
    response = client.post(reverse("recommendation-request-decline", args=[request.pk]), **HTMX)
    assert response.status_code == 403 and "Only the person asked" in text(response)
    as_(client, people["pete"])
    response = client.post(reverse("recommendation-request-decline", args=[request.pk]), **HTMX)
    assert response.status_code == 200 and "Declined" in text(response)
    as_(client, people["john"])
    response = client.post(reverse("recommendation-request-withdraw", args=[request.pk]))
    assert response.status_code == 409
    assert "no longer open" in text(response)


def test_one_click_ask_from_the_suggestions(client, people, johns_job):
    position(people["pete"])
    as_(client, people["john"])
    overview = text(client.get(reverse("recommendations")))
    assert "You and Pete both list Atlantic Air, 2004–2006" in overview
    response = client.post(
        reverse("recommendation-ask"),
        {
            "author": "pete",
            "about": f"p:{johns_job.pk}",
            "message": "Hi Pete, we worked together at Atlantic Air.",
            "row": "ask-pete",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert 'id="suggestion-ask-pete"' in text(response) and "Asked Pete Novak" in text(response)
    assert RecommendationRequest.objects.get().author == people["pete"]
    # Asked: no longer suggested to ask; John may still recommend Pete.
    page = text(client.get(reverse("recommendations")))
    assert 'id="suggestion-ask-pete"' not in page and 'id="suggestion-write-pete"' in page


# -- who sees what --------------------------------------------------------------------


def test_pending_and_hidden_ones_only_for_the_subject_and_the_author(client, people, johns_job):
    pending = write_for(people, ask(people, johns_job))
    other_job = position(people["john"], "Nordic Rail", start=(2010, 1), end=(2012, 1))
    hidden = services.recommendation_approve(
        recommendation_id=write_for(people, ask(people, other_job), body="Hidden words.").pk,
        member=people["john"],
    )
    services.recommendation_hide(recommendation_id=hidden.pk, member=people["john"])
    as_(client, people["john"])
    mine = profile(client)
    assert BODY in mine and "Hidden words." in mine and "Waiting for your approval" in mine
    for viewer in (people["maya"], people["zoe"]):
        as_(client, viewer)
        page = profile(client)
        assert BODY not in page and "Hidden words." not in page
    client.logout()
    assert BODY not in profile(client)
    # The detail page is the same 404 as a missing one for others.
    as_(client, people["maya"])
    assert client.get(reverse("recommendation-detail", args=[pending.pk])).status_code == 404
    assert client.get(reverse("recommendation-detail", args=[999999])).status_code == 404


def test_published_ones_for_anyone_who_may_see_the_profile(client, people, johns_job):
    recommendation = published(people, johns_job)
    client.logout()
    assert BODY in profile(client)
    as_(client, people["zoe"])
    assert BODY in profile(client)
    assert client.get(reverse("recommendation-detail", args=[recommendation.pk])).status_code == 200
    # A reader cannot move it.
    response = client.post(reverse("recommendation-hide", args=[recommendation.pk]), **HTMX)
    assert response.status_code == 403
    recommendation.refresh_from_db()
    assert recommendation.status == Status.PUBLISHED


def test_a_block_hides_it_on_the_profile_for_everyone(client, people, johns_job):
    published(people, johns_job)
    connection_services.block_create(blocker=people["pete"], blocked=people["john"])
    for viewer in (people["john"], people["maya"]):
        as_(client, viewer)
        assert BODY not in profile(client)
    client.logout()
    assert BODY not in profile(client)


def test_a_viewer_blocked_with_the_author_does_not_see_it(client, people, johns_job):
    published(people, johns_job)
    connection_services.block_create(blocker=people["zoe"], blocked=people["pete"])
    as_(client, people["zoe"])
    page = profile(client)
    assert BODY not in page and "Pete Novak" not in page


def test_a_suspended_authors_recommendation_vanishes_from_the_profile(client, people, johns_job):
    published(people, johns_job)
    member_suspend(member=people["pete"])
    client.logout()
    assert BODY not in profile(client)
    as_(client, people["john"])
    assert BODY not in profile(client) and BODY not in text(client.get(reverse("recommendations")))


def test_requests_from_hidden_members_are_left_out(client, people, johns_job):
    ask(people, johns_job)
    member_suspend(member=people["john"])
    as_(client, people["pete"])
    assert MESSAGE not in text(client.get(reverse("recommendations")))


def test_notifications_link_to_the_right_pages(client, people, johns_job):
    request = ask(people, johns_job)
    as_(client, people["pete"])
    page = text(client.get("/notifications/"))
    assert "John Carter asks you to write them a recommendation." in page
    assert reverse("recommendation-request-write", args=[request.pk]) in page
    recommendation = write_for(people, request)
    as_(client, people["john"])
    page = text(client.get("/notifications/"))
    assert "Pete Novak wrote you a recommendation." in page
    assert reverse("recommendation-detail", args=[recommendation.pk]) in page
    services.recommendation_approve(recommendation_id=recommendation.pk, member=people["john"])
    as_(client, people["pete"])
    assert "John Carter approved your recommendation" in text(client.get("/notifications/"))
    assert Notification.objects.filter(kind__startswith="recommendation_").count() == 3


# -- query counts ---------------------------------------------------------------------


def _fill(people, make_member, connect, n):
    """n more connections of John's, each with a request both ways (John's answered by the
    recommendation he approved, theirs still open), one recommendation each way and history."""
    for _ in range(n):
        i = Recommendation.objects.count()
        other = make_member(f"colleague-{i}", full_name=f"Colleague {i}")
        connect(people["john"], other)
        position(other)
        job = position(people["john"], f"Company {i}", start=(2000, 1), end=(2001, 1))
        services.recommendation_request_create(
            asker=people["john"], author=other, position_id=job.pk, message="Please?"
        )
        their = position(other, f"Other {i}")
        services.recommendation_request_create(
            asker=other, author=people["john"], position_id=their.pk, message="And me?"
        )
        recommendation = services.recommendation_write(
            author=other,
            subject=people["john"],
            position_id=job.pk,
            relationship="managed",
            body="Good.",
        )
        services.recommendation_approve(recommendation_id=recommendation.pk, member=people["john"])
        services.recommendation_write(
            author=people["john"],
            subject=other,
            position_id=position(other, f"Third {i}").pk,
            relationship="client",
            body="Fine.",
        )


def _queries(client, url, capture):
    with capture() as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_the_overview_costs_the_same_with_more_rows(
    client, people, johns_job, make_member, connect, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def capture():
        return CaptureQueriesContext(connection)

    position(people["pete"])
    as_(client, people["john"])
    url = reverse("recommendations")
    _fill(people, make_member, connect, 2)
    two = _queries(client, url, capture)
    _fill(people, make_member, connect, 4)
    page = text(client.get(url))
    assert len(re.findall(r'class="net-row rec-row" id="recommendation-', page)) == 12
    assert len(re.findall(r'id="rec-request-', page)) == 12
    assert _queries(client, url, capture) == two
    with django_assert_num_queries(two) as context:
        client.get(url)
    # Of which this app's: four lists, two suggestion lists and their members' profiles.
    mine = [
        q["sql"]
        for q in context.captured_queries
        if "recommendations_" in q["sql"].split(" FROM ")[0]
        or "WITH me AS" in q["sql"]
        or q["sql"].startswith('SELECT "profiles_profile"."created_at"')
    ]
    assert len(mine) == 7, mine


def test_the_profile_section_costs_the_same_with_more_rows(
    client, people, johns_job, make_member, connect
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def capture():
        return CaptureQueriesContext(connection)

    _fill(people, make_member, connect, 1)
    as_(client, people["maya"])
    one = _queries(client, "/in/john/", capture)
    _fill(people, make_member, connect, 4)
    assert text(client.get("/in/john/")).count("Good.") == 5
    assert _queries(client, "/in/john/", capture) == one


# -- login, admin ---------------------------------------------------------------------


def test_the_pages_need_a_login(client, people, johns_job):
    for url in (reverse("recommendations"), reverse("recommendation-ask")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_moderators_see_every_recommendation_and_take_one_down(client, people, johns_job):
    from tests.factories import UserFactory

    recommendation = published(people, johns_job)
    pending = write_for(
        people,
        ask(people, position(people["john"], "Nordic Rail", start=(2010, 1), end=(2011, 1))),
        body="Still waiting.",
    )
    client.force_login(UserFactory(username="moderator", is_staff=True, is_superuser=True))
    url = reverse("admin:recommendations_recommendation_changelist")
    listing = text(client.get(url))
    assert f"/{recommendation.pk}/change/" in listing and f"/{pending.pk}/change/" in listing
    searched = text(client.get(url, {"q": "Still waiting"}))
    assert f"/{pending.pk}/change/" in searched and f"/{recommendation.pk}/change/" not in searched
    assert client.get(url, {"status__exact": "pending"}).status_code == 200
    assert (
        client.get(reverse("admin:recommendations_recommendationrequest_changelist")).status_code
        == 200
    )
    assert (
        client.get(
            reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
        ).status_code
        == 200
    )
    response = client.post(
        url, {"action": "take_down", "_selected_action": [recommendation.pk]}, follow=True
    )
    assert "1 recommendation(s) taken down." in text(response)
    client.logout()
    assert BODY not in profile(client)
    recommendation.refresh_from_db()
    assert recommendation.status == Status.PUBLISHED and recommendation.moderated_at
