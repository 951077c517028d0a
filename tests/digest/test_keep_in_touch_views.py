"""The keep-in-touch page (/network/keep-in-touch/) and the button on a profile."""

import re

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from connections import services as connection_services
from digest import services
from digest.models import KeepInTouch, Touch
from profiles.services import member_suspend

pytestmark = pytest.mark.django_db

PAGE = "/network/keep-in-touch/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def names_in_order(html: str) -> list[str]:
    return re.findall(r'class="net-name" href="/in/[^/]+/">([^<]+)</a>', html)


def test_the_list_is_sorted_by_due_date_with_overdue_highlighted(client, circle, overdue):
    alice = circle["alice"]
    services.keep_in_touch_add(member=alice, other=circle["bob"], interval_months=12)
    services.keep_in_touch_add(member=alice, other=circle["carol"], interval_months=1)
    overdue(services.keep_in_touch_add(member=alice, other=circle["dave"]), days=3)
    client.force_login(alice)

    html = client.get(PAGE).content.decode()

    assert names_in_order(html) == ["Dave Dunn", "Carol Chen", "Bob Baker"]
    dave_row = html[html.index(f'id="kit-{circle["dave"].pk}"') - 40 :]
    assert "kit-overdue" in dave_row[:120]
    assert "Overdue" in dave_row.split("</li>")[0]
    bob_row = html[html.index(f'id="kit-{circle["bob"].pk}"') - 40 :].split("</li>")[0]
    assert "kit-overdue" not in bob_row and "Overdue" not in bob_row
    assert "Private: only you see this list" in html


def test_the_picker_offers_connections_not_yet_listed(client, circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    client.force_login(circle["alice"])
    html = client.get(PAGE).content.decode()
    options = re.findall(r'<option value="([^"]+) \(@([^)]+)\)">', html)
    assert options == [("Carol Chen", "carol"), ("Dave Dunn", "dave")]  # not Bob, not Eve


def test_add_without_javascript(client, circle):
    client.force_login(circle["alice"])
    response = client.post(PAGE, {"handle": "Carol Chen (@carol)", "interval_months": "6"})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    entry = KeepInTouch.objects.get()
    assert (entry.member, entry.other, entry.interval_months) == (
        circle["alice"],
        circle["carol"],
        6,
    )
    assert "Carol Chen is on your keep-in-touch list." in client.get(PAGE).content.decode()


def test_add_with_htmx_swaps_the_panel(client, circle):
    client.force_login(circle["alice"])
    response = client.post(PAGE, {"handle": "@Dave", "interval_months": "1"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="keep-in-touch-panel">')
    assert "Dave Dunn is on your keep-in-touch list." in html
    assert names_in_order(html) == ["Dave Dunn"]


@pytest.mark.parametrize(
    ("handle", "status", "message"),
    [
        ("eve", 409, "You can keep in touch only with your connections."),
        ("nobody", 404, "None of your connections has that handle."),
        ("", 400, "Choose one of your connections."),
        ("alice", 400, "You cannot keep in touch with yourself."),
    ],
)
def test_refusals_are_form_errors_with_their_status(client, circle, handle, status, message):
    client.force_login(circle["alice"])
    for extra in ({}, HTMX):
        response = client.post(PAGE, {"handle": handle, "interval_months": "3"}, **extra)
        assert response.status_code == status
        assert message in response.content.decode()
    assert not KeepInTouch.objects.exists()


def test_a_blocked_member_is_refused_like_a_missing_one(client, circle):
    connection_services.block_create(blocker=circle["bob"], blocked=circle["alice"])
    client.force_login(circle["alice"])
    blocked = client.post(PAGE, {"handle": "bob", "interval_months": "3"}, **HTMX)
    missing = client.post(PAGE, {"handle": "nobody", "interval_months": "3"}, **HTMX)
    assert blocked.status_code == missing.status_code == 404
    assert "None of your connections has that handle." in blocked.content.decode()


def test_mark_touched_with_a_note_in_place(client, circle, overdue):
    entry = overdue(services.keep_in_touch_add(member=circle["alice"], other=circle["bob"]))
    client.force_login(circle["alice"])
    response = client.post(f"{PAGE}bob/touch/", {"note": "Had coffee"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<li class="net-row kit-row" id="kit-{circle["bob"].pk}">')
    assert "Marked as in touch today." in html
    assert "“Had coffee”" in html
    assert "Overdue" not in html
    entry.refresh_from_db()
    assert entry.last_touch_note == "Had coffee"


def test_mark_touched_without_javascript_and_a_too_long_note(client, circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    client.force_login(circle["alice"])
    long = client.post(f"{PAGE}bob/touch/", {"note": "x" * 301}, **HTMX)
    assert long.status_code == 400
    assert "at most 300 characters" in long.content.decode()
    assert not Touch.objects.exists()
    done = client.post(f"{PAGE}bob/touch/", {"note": ""})
    assert (done.status_code, done["Location"]) == (302, PAGE)
    assert Touch.objects.count() == 1


def test_change_the_interval_in_place(client, circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    client.force_login(circle["alice"])
    response = client.post(f"{PAGE}bob/interval/", {"interval_months": "12"}, **HTMX)
    assert response.status_code == 200
    assert "Reminder: every year." in response.content.decode()
    assert KeepInTouch.objects.get().interval_months == 12
    bad = client.post(f"{PAGE}bob/interval/", {"interval_months": "5"}, **HTMX)
    assert bad.status_code == 400
    assert KeepInTouch.objects.get().interval_months == 12


def test_remove_in_place(client, circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    client.force_login(circle["alice"])
    response = client.post(f"{PAGE}bob/remove/", **HTMX)
    assert response.status_code == 200
    assert "Bob Baker is off your keep-in-touch list." in response.content.decode()
    assert not KeepInTouch.objects.exists()
    again = client.post(f"{PAGE}bob/remove/", **HTMX)
    assert again.status_code == 404
    assert "not on your keep-in-touch list" in again.content.decode()


def test_actions_on_hidden_members_404(client, circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"])
    member_suspend(member=circle["bob"])
    client.force_login(circle["alice"])
    for action in ("touch", "remove", "interval"):
        assert client.post(f"{PAGE}bob/{action}/", {"interval_months": "1"}).status_code == 404
    assert "Bob Baker" not in client.get(PAGE).content.decode()


def test_actions_need_post(client, circle):
    client.force_login(circle["alice"])
    assert client.get(f"{PAGE}bob/touch/").status_code == 405


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_page_query_count_does_not_grow_with_the_list(
    client, circle, make_member, connect, django_assert_num_queries
):
    alice = circle["alice"]
    for other in ("bob", "carol"):
        services.keep_in_touch_add(member=alice, other=circle[other])
    client.force_login(alice)
    client.get(PAGE)
    # session, user, entries, picker, nav counts (notifications, introductions)
    with django_assert_num_queries(6):
        client.get(PAGE)
    for i in range(6):
        member = make_member(f"friend{i}")
        connect(alice, member)
        services.keep_in_touch_add(member=alice, other=member)
    with django_assert_num_queries(6):
        assert len(names_in_order(client.get(PAGE).content.decode())) == 8


# -- the button on a connection's profile ---------------------------------------------------


def render_button(viewer, profile):
    request = RequestFactory().get("/")
    request.user = viewer
    template = Template('{% include "digest/_profile_keep_in_touch.html" %}')
    return template.render(Context({"request": request, "profile": profile}))


def test_the_profile_button_offers_to_keep_in_touch_with_a_connection(circle):
    html = render_button(circle["alice"], circle["bob"].profile)
    assert 'id="keep-in-touch-button"' in html
    assert '<input type="hidden" name="handle" value="bob">' in html
    assert "Keep in touch</button>" in html


def test_the_profile_button_says_when_they_are_on_the_list(circle):
    services.keep_in_touch_add(member=circle["alice"], other=circle["bob"], interval_months=6)
    html = render_button(circle["alice"], circle["bob"].profile)
    assert "On your" in html and "every 6 months" in html
    assert "<form" not in html


def test_no_button_for_strangers_yourself_or_visitors(circle):
    from django.contrib.auth.models import AnonymousUser

    assert render_button(circle["alice"], circle["eve"].profile).strip() == ""
    assert render_button(circle["alice"], circle["alice"].profile).strip() == ""
    assert render_button(AnonymousUser(), circle["bob"].profile).strip() == ""


def test_adding_from_the_profile_with_htmx_swaps_the_button(client, circle):
    client.force_login(circle["alice"])
    response = client.post(
        PAGE, {"handle": "bob", "interval_months": "3", "source": "profile"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="keep-in-touch-button"' in html
    assert "On your" in html and "every 3 months" in html
    again = client.post(
        PAGE, {"handle": "bob", "interval_months": "3", "source": "profile"}, **HTMX
    )
    assert again.status_code == 409
    assert "already on your keep-in-touch list" in again.content.decode()


def test_adding_from_the_profile_without_javascript_goes_back_to_it(client, circle):
    client.force_login(circle["alice"])
    response = client.post(PAGE, {"handle": "bob", "interval_months": "3", "source": "profile"})
    assert (response.status_code, response["Location"]) == (302, "/in/bob/")
