"""The connections API as a client sees it: paths, mutual connections, connections,
requests, invitations, blocks and notifications — roles, states and hidden members."""

from datetime import timedelta
from functools import partial

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import throttling

from connections import graph, services
from connections.models import Block, Connection, ConnectionRequest, Invitation, Notification
from profiles.models import User
from profiles.services import member_suspend
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db
Status = ConnectionRequest.Status

CONTACT_KEYS = {"contact_email", "phone", "website"}
SUMMARY_KEYS = {"handle", "full_name", "headline", "photo_url"}
NOT_FOUND = {"error": {"code": "not_found", "message": "Not found."}}

REQUESTS_URL = "/api/v1/connection-requests/"
CONNECTIONS_URL = "/api/v1/connections/"
INVITATIONS_URL = "/api/v1/invitations/"
BLOCKS_URL = "/api/v1/blocks/"
NOTIFICATIONS_URL = "/api/v1/notifications/"
UNREAD_URL = "/api/v1/notifications/unread-count/"
READ_URL = "/api/v1/notifications/read/"


@pytest.fixture(autouse=True)
def throttle_rates(monkeypatch):
    # DRF copies DEFAULT_THROTTLE_RATES onto SimpleRateThrottle at import time; the
    # scopes this API adds may not be in settings yet, so set them where throttles read.
    rates = {
        **throttling.SimpleRateThrottle.THROTTLE_RATES,
        "connect": "30/minute",
        "invite": "30/minute",
    }
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", rates)
    return rates


@pytest.fixture
def dave(make_member):
    return make_member("dave", full_name="Dave Diaz")


@pytest.fixture
def chain(alice, bob, carol, dave, connect):
    """alice–bob–carol–dave: bob is 1st, carol 2nd and dave 3rd degree from alice."""
    connect(alice, bob)
    connect(bob, carol)
    connect(carol, dave)
    return alice, bob, carol, dave


def with_contact(member):
    profile = member.profile
    profile.contact_email = f"{member.username}@contact.example"
    profile.phone = "+351 555 0100"
    profile.website = f"https://{member.username}.example"
    profile.save()
    return member


def profile_url(handle, tail=""):
    return f"/api/v1/profiles/{handle}/{tail}"


def action_url(request_id, action):
    return f"{REQUESTS_URL}{request_id}/{action}/"


def make_request(sender, recipient, note=""):
    return services.connection_request_create(sender=sender, recipient=recipient, note=note).request


def assert_not_found(*responses):
    """Every response is the one 404: same status, same bytes, same headers."""
    first = responses[0]
    for response in responses:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
        assert response.content == first.content
        assert sorted(response.headers.items()) == sorted(first.headers.items())


def query_count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def pending_pair(a, b):
    return ConnectionRequest.objects.filter(
        from_member__in=[a, b], to_member__in=[a, b], status=Status.PENDING
    )


# --- GET /profiles/{handle}/: degree, mutual count, blocks ---------------------------------


def test_profile_degree_and_mutual_count_come_from_the_graph(api_as, chain, make_member, connect):
    alice, bob, carol, dave = chain
    erin = make_member("erin")
    connect(alice, erin)
    connect(erin, carol)
    client = api_as(alice)

    def seen(member):
        data = client.get(profile_url(member.username)).json()
        return data["degree"], data["mutual_connections_count"]

    assert seen(bob) == (1, 0)
    assert seen(carol) == (2, 2)
    assert seen(dave) == (3, 0)
    assert seen(alice) == (None, 0)


def test_profile_out_of_network_is_null(api_as, alice, make_member):
    loner = make_member("loner")

    assert api_as(alice).get(profile_url("loner")).json()["degree"] is None
    assert loner.pk


@pytest.mark.parametrize("direction", ["viewer_blocks", "member_blocks"])
def test_profile_of_a_blocked_member_is_the_missing_404(api_as, alice, bob, connect, direction):
    connect(alice, bob)
    if direction == "viewer_blocks":
        services.block_create(blocker=alice, blocked=bob)
    else:
        services.block_create(blocker=bob, blocked=alice)
    client = api_as(alice)

    assert_not_found(client.get(profile_url("nobody-here")), client.get(profile_url("bob")))


def test_profile_query_count_is_unchanged_by_the_graph(api_as, chain):
    alice = chain[0]
    client = api_as(alice)
    client.get(profile_url("carol"))  # the token's last-used stamp is written once

    # token; profile with its positions, education and skills; closeness (with the block check)
    assert query_count(client, profile_url("carol")) == 3


# --- GET /profiles/{handle}/paths/ -------------------------------------------------------


def test_paths_to_a_third_degree_member_list_the_members_between(api_as, chain):
    alice = chain[0]
    for member in chain:
        with_contact(member)

    data = api_as(alice).get(profile_url("dave", "paths/")).json()

    assert data["degree"] == 3
    assert [[m["handle"] for m in path] for path in data["paths"]] == [["bob", "carol"]]
    bob = data["paths"][0][0]
    assert set(bob) == SUMMARY_KEYS
    assert bob["full_name"] == "Bob Baker"
    assert bob["headline"] == "Engineer"


def test_paths_to_a_second_degree_member_go_through_mutuals_strongest_first(
    api_as, chain, make_member, connect
):
    alice, _, carol, _ = chain
    erin, frank = make_member("erin"), make_member("frank")
    for member in (erin, frank):
        connect(alice, member)
    connect(erin, carol)
    connect(erin, frank)  # erin shares a connection (frank) with alice; bob shares none

    data = api_as(alice).get(profile_url("carol", "paths/")).json()

    assert data["degree"] == 2
    assert [[m["handle"] for m in path] for path in data["paths"]] == [["erin"], ["bob"]]


@pytest.mark.parametrize(("handle", "degree"), [("bob", 1), ("alice", None), ("loner", None)])
def test_no_paths_to_first_degree_self_or_out_of_network(
    api_as, chain, make_member, handle, degree
):
    make_member("loner")

    data = api_as(chain[0]).get(profile_url(handle, "paths/")).json()

    assert data == {"degree": degree, "paths": []}


def test_paths_skip_a_suspended_intermediary(api_as, chain):
    alice, bob, *_ = chain
    member_suspend(member=bob)

    assert api_as(alice).get(profile_url("dave", "paths/")).json() == {
        "degree": None,
        "paths": [],
    }


@pytest.mark.parametrize("tail", ["paths/", "mutual/"])
def test_paths_and_mutual_of_hidden_members_are_the_missing_404(api_as, chain, make_member, tail):
    alice, bob, carol, dave = chain
    services.block_create(blocker=carol, blocked=alice)
    services.block_create(blocker=alice, blocked=bob)
    member_suspend(member=dave)
    client = api_as(alice)

    assert_not_found(
        client.get(profile_url("nobody-here", tail)),
        client.get(profile_url("carol", tail)),
        client.get(profile_url("bob", tail)),
        client.get(profile_url("dave", tail)),
    )


# --- GET /profiles/{handle}/mutual/ ------------------------------------------------------


def test_mutual_lists_shared_connections_as_a_page(api_as, alice, bob, make_member, connect):
    shared = [make_member(f"shared-{n}") for n in range(3)]
    for member in shared:
        connect(alice, member)
        connect(bob, member)
    connect(alice, make_member("only-alice"))

    data = api_as(alice).get(profile_url("bob", "mutual/") + "?page_size=2").json()

    assert data["count"] == 3
    assert len(data["results"]) == 2
    assert data["next"] is not None
    assert all(set(row) == SUMMARY_KEYS for row in data["results"])
    everyone = api_as(alice).get(profile_url("bob", "mutual/")).json()["results"]
    assert sorted(m["handle"] for m in everyone) == ["shared-0", "shared-1", "shared-2"]


def test_mutual_leaves_out_suspended_members_and_is_empty_for_yourself(
    api_as, alice, bob, make_member, connect
):
    dave = make_member("dave")
    connect(alice, dave)
    connect(bob, dave)
    connect(alice, bob)
    client = api_as(alice)
    assert client.get(profile_url("bob", "mutual/")).json()["count"] == 1

    member_suspend(member=dave)

    assert client.get(profile_url("bob", "mutual/")).json()["count"] == 0
    assert client.get(profile_url("alice", "mutual/")).json()["count"] == 0


# --- GET /connections/ --------------------------------------------------------------------


def test_connections_list_my_connections_with_note_and_contact(api_as, alice, bob, carol, connect):
    with_contact(bob)
    connect(alice, bob)
    graph.set_connection_note(alice.pk, bob.pk, "Met at PyCon")

    data = api_as(alice).get(CONNECTIONS_URL).json()

    assert data["count"] == 1
    (row,) = data["results"]
    assert set(row) == SUMMARY_KEYS | CONTACT_KEYS | {"connected_at", "note"}
    assert row["handle"] == "bob"
    assert row["note"] == "Met at PyCon"
    assert row["contact_email"] == "bob@contact.example"
    assert row["connected_at"]


def test_connections_leave_out_suspended_members(api_as, alice, bob, carol, connect):
    connect(alice, bob)
    connect(alice, carol)
    member_suspend(member=carol)

    data = api_as(alice).get(CONNECTIONS_URL).json()

    assert [row["handle"] for row in data["results"]] == ["bob"]


def test_connections_filter_and_sort(api_as, alice, make_member, connect):
    now = timezone.now()
    for age, (handle, name) in enumerate(
        [("zed", "Zed Zimmer"), ("amy", "Amy Adams"), ("max", "Max Amyson")]
    ):
        graph.add_edge(alice.pk, make_member(handle, full_name=name).pk, at=now - timedelta(age))
    client = api_as(alice)

    def handles(query):
        return [row["handle"] for row in client.get(CONNECTIONS_URL + query).json()["results"]]

    assert handles("") == ["zed", "amy", "max"]
    assert handles("?sort=name") == ["amy", "max", "zed"]
    assert handles("?q=amy") == ["amy", "max"]
    assert handles("?q=ze") == ["zed"]


def test_connections_with_an_unknown_sort_is_400(api_as, alice):
    response = api_as(alice).get(CONNECTIONS_URL + "?sort=random")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"sort"}


def test_connections_query_count_does_not_grow_with_rows(api_as, alice, make_member, connect):
    connect(alice, make_member("first"))
    client = api_as(alice)
    client.get(CONNECTIONS_URL)
    one = query_count(client, CONNECTIONS_URL)

    for n in range(5):
        connect(alice, make_member(f"more-{n}"))

    assert query_count(client, CONNECTIONS_URL) == one == 3  # token, count, page


# --- DELETE/PATCH /connections/{handle}/ ---------------------------------------------------


def test_remove_a_connection_is_silent_and_mutual(api_as, alice, bob, connect):
    connect(alice, bob)
    client = api_as(alice)

    response = client.delete(f"{CONNECTIONS_URL}bob/")

    assert response.status_code == 204
    assert not graph.are_connected(alice.pk, bob.pk)
    assert not graph.are_connected(bob.pk, alice.pk)
    assert not Notification.objects.exists()
    assert client.delete(f"{CONNECTIONS_URL}bob/").status_code == 404


def test_remove_a_non_connection_is_the_missing_404(api_as, alice, bob, carol, connect):
    connect(bob, carol)
    services.block_create(blocker=carol, blocked=alice)
    client = api_as(alice)

    assert_not_found(
        client.delete(f"{CONNECTIONS_URL}nobody-here/"),
        client.delete(f"{CONNECTIONS_URL}bob/"),
        client.delete(f"{CONNECTIONS_URL}carol/"),
    )
    assert graph.are_connected(bob.pk, carol.pk)


def test_contact_details_leave_the_list_with_the_connection(api_as, alice, bob, connect):
    with_contact(bob)
    connect(alice, bob)
    client = api_as(alice)
    assert client.get(CONNECTIONS_URL).json()["results"][0]["phone"] == "+351 555 0100"

    client.delete(f"{CONNECTIONS_URL}bob/")

    assert client.get(CONNECTIONS_URL).json()["results"] == []
    assert CONTACT_KEYS.isdisjoint(client.get(profile_url("bob")).json())


def test_patch_note_sets_my_private_note_only(api_as, alice, bob, connect):
    connect(alice, bob)
    graph.set_connection_note(bob.pk, alice.pk, "bob's own note")

    response = api_as(alice).patch(f"{CONNECTIONS_URL}bob/", {"note": "  Former colleague "})

    assert response.status_code == 200
    assert response.json()["note"] == "Former colleague"
    assert response.json()["handle"] == "bob"
    assert graph.connection_note(alice.pk, bob.pk) == "Former colleague"
    assert graph.connection_note(bob.pk, alice.pk) == "bob's own note"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"note": "x", "created_at": "2001-01-01T00:00:00Z"}, "created_at"),
        ({"note": "x", "other": "carol"}, "other"),
        ({"note": "x" * 301}, "note"),
    ],
)
def test_patch_note_rejects_unknown_keys_and_long_notes(api_as, alice, bob, connect, body, field):
    connect(alice, bob)

    response = api_as(alice).patch(f"{CONNECTIONS_URL}bob/", body)

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {field}
    assert graph.connection_note(alice.pk, bob.pk) == ""


def test_patch_note_of_a_non_connection_is_404(api_as, alice, bob):
    response = api_as(alice).patch(f"{CONNECTIONS_URL}bob/", {"note": "x"})

    assert_not_found(response, api_as(alice).patch(f"{CONNECTIONS_URL}nobody/", {"note": "x"}))


# --- POST /connection-requests/ ---------------------------------------------------------


def test_send_a_request(api_as, chain, make_member, connect):
    alice, _, carol, _ = chain

    response = api_as(alice).post(REQUESTS_URL, {"to": "carol", "note": "Hi Carol"})

    assert response.status_code == 201
    data = response.json()
    request = ConnectionRequest.objects.get()
    assert data["id"] == request.pk
    assert (request.from_member, request.to_member, request.status) == (alice, carol, "pending")
    assert data["status"] == "pending"
    assert data["note"] == "Hi Carol"
    assert data["from"]["handle"] == "alice"
    assert data["to"] == {
        "handle": "carol",
        "full_name": "Carol Chen",
        "headline": "Engineer",
        "photo_url": None,
        "degree": 2,
        "mutual_connections_count": 1,
    }
    assert Notification.objects.filter(recipient=carol, kind="request_received").count() == 1


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"to": "bob", "status": "accepted"}, {"status"}),
        ({"to": "bob", "from": "carol"}, {"from"}),
        ({"to": "bob", "from_member": 1, "id": 5}, {"from_member", "id"}),
        ({"note": "hi"}, {"to"}),
        ({"to": "bob", "note": "x" * 301}, {"note"}),
    ],
)
def test_send_a_request_with_bad_keys_is_400_and_creates_nothing(
    api_as, alice, bob, carol, body, fields
):
    response = api_as(alice).post(REQUESTS_URL, body)

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == fields
    assert not ConnectionRequest.objects.exists()


def test_request_to_a_hidden_member_is_the_missing_404(api_as, alice, make_member):
    blocked, blocker, suspended = (make_member(h) for h in ("blocked", "blocker", "suspended"))
    services.block_create(blocker=alice, blocked=blocked)
    services.block_create(blocker=blocker, blocked=alice)
    member_suspend(member=suspended)
    client = api_as(alice)

    assert_not_found(
        client.post(REQUESTS_URL, {"to": "nobody-here"}),
        client.post(REQUESTS_URL, {"to": "blocked"}),
        client.post(REQUESTS_URL, {"to": "blocker"}),
        client.post(REQUESTS_URL, {"to": "suspended"}),
    )
    assert not ConnectionRequest.objects.exists()


def test_request_to_yourself_is_400(api_as, alice):
    response = api_as(alice).post(REQUESTS_URL, {"to": "alice"})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "self"


def test_request_to_a_connection_is_409(api_as, alice, bob, connect):
    connect(alice, bob)

    response = api_as(alice).post(REQUESTS_URL, {"to": "bob"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_connected"
    assert not ConnectionRequest.objects.exists()


def test_asking_again_after_an_ignore_looks_exactly_like_still_pending(api_as, alice, bob, carol):
    client = api_as(alice)
    client.post(REQUESTS_URL, {"to": "bob"})
    client.post(REQUESTS_URL, {"to": "carol"})
    ignored = ConnectionRequest.objects.get(to_member=carol)
    services.connection_request_ignore(request_id=ignored.pk, member=carol)

    pending = client.post(REQUESTS_URL, {"to": "bob"})
    after_ignore = client.post(REQUESTS_URL, {"to": "carol"})

    assert pending.status_code == after_ignore.status_code == 409
    assert pending.content == after_ignore.content
    assert ConnectionRequest.objects.count() == 2


def test_request_after_a_withdrawal_waits_with_retry_after(api_as, alice, bob):
    client = api_as(alice)
    request_id = client.post(REQUESTS_URL, {"to": "bob"}).json()["id"]
    client.post(action_url(request_id, "withdraw"))

    response = client.post(REQUESTS_URL, {"to": "bob"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "cooldown"
    assert response.json()["error"]["retry_after"] > 20 * 24 * 3600


def test_requesting_someone_who_asked_you_connects_you_once(api_as, alice, bob):
    first = api_as(alice).post(REQUESTS_URL, {"to": "bob"})

    response = api_as(bob).post(REQUESTS_URL, {"to": "alice", "note": "Yes!"})

    assert response.status_code == 200
    data = response.json()
    assert data["connected"] is True
    assert data["request"]["id"] == first.json()["id"]
    assert data["request"]["status"] == "accepted"
    assert data["request"]["from"]["handle"] == "alice"
    assert data["request"]["from"]["degree"] == 1
    assert Connection.objects.count() == 2
    assert ConnectionRequest.objects.get().status == Status.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_requests_crossing_at_the_same_moment_connect_once(api_as, alice, bob):
    alice_client, bob_client = api_as(alice), api_as(bob)
    for _ in range(3):
        responses = run_together(
            partial(alice_client.post, REQUESTS_URL, {"to": "bob"}),
            partial(bob_client.post, REQUESTS_URL, {"to": "alice"}),
        )

        assert sorted(r.status_code for r in responses) == [200, 201]
        assert Connection.objects.count() == 2
        assert list(ConnectionRequest.objects.values_list("status", flat=True)) == ["accepted"]
        graph.remove_edge(alice.pk, bob.pk)
        ConnectionRequest.objects.all().delete()


def test_weekly_request_limit_is_429_with_retry_after(api_as, alice, make_member, monkeypatch):
    monkeypatch.setattr(services, "REQUESTS_PER_WEEK", 2)
    for handle in ("one", "two", "three"):
        make_member(handle)
    client = api_as(alice)
    assert client.post(REQUESTS_URL, {"to": "one"}).status_code == 201
    assert client.post(REQUESTS_URL, {"to": "two"}).status_code == 201

    response = client.post(REQUESTS_URL, {"to": "three"})

    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "limit_reached"
    assert 6 * 24 * 3600 < error["retry_after"] <= 7 * 24 * 3600 + 1
    assert ConnectionRequest.objects.count() == 2


def test_sending_requests_is_throttled_per_minute_but_listing_is_not(
    api_as, alice, make_member, throttle_rates
):
    throttle_rates["connect"] = "2/minute"
    for handle in ("one", "two", "three"):
        make_member(handle)
    client = api_as(alice)
    client.post(REQUESTS_URL, {"to": "one"})
    client.post(REQUESTS_URL, {"to": "two"})

    response = client.post(REQUESTS_URL, {"to": "three"})

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < response.json()["error"]["retry_after"] <= 60
    assert ConnectionRequest.objects.count() == 2
    for _ in range(3):
        assert client.get(REQUESTS_URL).status_code == 200


# --- GET /connection-requests/ ----------------------------------------------------------


def test_received_requests_show_the_sender_with_degree_and_no_contact(api_as, chain):
    alice, _, carol, _ = chain
    with_contact(alice)
    make_request(alice, carol, note="Hello")

    data = api_as(carol).get(REQUESTS_URL).json()

    assert data["count"] == 1
    (row,) = data["results"]
    assert set(row) == {"id", "from", "to", "note", "status", "created_at"}
    assert row["from"]["handle"] == "alice"
    assert row["from"]["degree"] == 2
    assert row["from"]["mutual_connections_count"] == 1
    assert row["to"]["handle"] == "carol"
    assert row["to"]["degree"] is None
    assert row["note"] == "Hello"
    assert row["status"] == "pending"
    assert "alice@contact.example" not in str(data)
    assert CONTACT_KEYS.isdisjoint(row["from"])


def test_ignored_request_still_looks_pending_to_its_sender(api_as, alice, bob):
    request = make_request(alice, bob)
    bob_client = api_as(bob)

    ignored = bob_client.post(action_url(request.pk, "ignore"))

    assert ignored.json()["status"] == "ignored"
    sent = api_as(alice).get(REQUESTS_URL + "?direction=sent").json()["results"]
    assert [(r["id"], r["status"]) for r in sent] == [(request.pk, "pending")]
    assert bob_client.get(REQUESTS_URL).json()["results"] == []
    assert "ignored" not in api_as(alice).get(REQUESTS_URL + "?direction=sent").content.decode()


def test_sender_can_withdraw_an_ignored_request_without_learning_of_it(api_as, alice, bob):
    request = make_request(alice, bob)
    services.connection_request_ignore(request_id=request.pk, member=bob)

    response = api_as(alice).post(action_url(request.pk, "withdraw"))

    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_requests_with_hidden_members_are_left_out(api_as, alice, make_member):
    suspended, blocked, visible = (make_member(h) for h in ("suspended", "blocked", "visible"))
    for sender in (suspended, blocked, visible):
        make_request(sender, alice)
    member_suspend(member=suspended)
    # A block made around the service (as an admin might) must still hide the request.
    Block.objects.create(blocker=alice, blocked=blocked)
    outgoing = make_member("outgoing")
    make_request(alice, outgoing)
    member_suspend(member=outgoing)
    client = api_as(alice)

    received = client.get(REQUESTS_URL).json()["results"]
    sent = client.get(REQUESTS_URL + "?direction=sent").json()["results"]

    assert [r["from"]["handle"] for r in received] == ["visible"]
    assert sent == []


def test_request_list_with_an_unknown_direction_is_400(api_as, alice):
    response = api_as(alice).get(REQUESTS_URL + "?direction=sideways")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"direction"}


@pytest.mark.parametrize("direction", ["received", "sent"])
def test_request_list_query_count_does_not_grow_with_rows(
    api_as, alice, make_member, connect, direction
):
    def add(n):
        other = make_member(f"other-{n}")
        connect(other, make_member(f"mutual-{n}"))
        if direction == "received":
            make_request(other, alice)
        else:
            make_request(alice, other)

    add(0)
    client = api_as(alice)
    url = f"{REQUESTS_URL}?direction={direction}"
    client.get(url)
    one = query_count(client, url)
    for n in range(1, 6):
        add(n)

    assert query_count(client, url) == one == 4  # token, count, page, closeness


# --- POST /connection-requests/{id}/accept|ignore|decline|withdraw/ ---------------------------


def test_accept_connects_both_and_tells_the_sender(api_as, alice, bob):
    request = make_request(alice, bob)

    response = api_as(bob).post(action_url(request.pk, "accept"))

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert response.json()["from"]["degree"] == 1
    assert graph.are_connected(alice.pk, bob.pk)
    assert Notification.objects.filter(recipient=alice, kind="request_accepted").count() == 1


@pytest.mark.parametrize("action", ["ignore", "decline"])
def test_ignore_and_decline_close_the_request_without_connecting(api_as, alice, bob, action):
    request = make_request(alice, bob)

    response = api_as(bob).post(action_url(request.pk, action))

    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == Status.IGNORED
    assert not graph.are_connected(alice.pk, bob.pk)


def test_withdraw_closes_the_request(api_as, alice, bob):
    request = make_request(alice, bob)

    response = api_as(alice).post(action_url(request.pk, "withdraw"))

    assert response.status_code == 200
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


@pytest.mark.parametrize(
    ("actor", "action"),
    [
        ("sender", "accept"),
        ("sender", "ignore"),
        ("sender", "decline"),
        ("recipient", "withdraw"),
    ],
)
def test_the_wrong_role_is_403_and_nothing_changes(api_as, alice, bob, actor, action):
    request = make_request(alice, bob)
    client = api_as(alice if actor == "sender" else bob)

    response = client.post(action_url(request.pk, action))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    request.refresh_from_db()
    assert request.status == Status.PENDING
    assert request.responded_at is None
    assert not graph.are_connected(alice.pk, bob.pk)


@pytest.mark.parametrize("action", ["accept", "ignore", "decline", "withdraw"])
def test_a_stranger_gets_the_missing_404_and_nothing_changes(api_as, alice, bob, carol, action):
    request = make_request(alice, bob)
    client = api_as(carol)

    assert_not_found(
        client.post(action_url(request.pk + 1000, action)),
        client.post(action_url(request.pk, action)),
    )
    request.refresh_from_db()
    assert request.status == Status.PENDING


def test_actions_on_a_request_with_a_now_hidden_member_are_404(api_as, alice, bob, carol):
    request = make_request(alice, bob)
    member_suspend(member=alice)
    other = make_request(carol, bob)
    Block.objects.create(blocker=bob, blocked=carol)
    client = api_as(bob)

    assert_not_found(
        client.post(action_url(request.pk + 1000, "accept")),
        client.post(action_url(request.pk, "accept")),
        client.post(action_url(other.pk, "accept")),
    )
    assert not Connection.objects.exists()


@pytest.mark.parametrize(
    ("first", "then"),
    [
        (("recipient", "accept"), ("recipient", "accept")),
        (("recipient", "accept"), ("recipient", "ignore")),
        (("recipient", "accept"), ("sender", "withdraw")),
        (("recipient", "ignore"), ("recipient", "accept")),
        (("recipient", "ignore"), ("recipient", "decline")),
        (("sender", "withdraw"), ("recipient", "accept")),
        (("sender", "withdraw"), ("recipient", "ignore")),
        (("sender", "withdraw"), ("sender", "withdraw")),
    ],
)
def test_a_closed_request_is_409_and_stays_as_it_was(api_as, alice, bob, first, then):
    request = make_request(alice, bob)
    clients = {"sender": api_as(alice), "recipient": api_as(bob)}
    assert clients[first[0]].post(action_url(request.pk, first[1])).status_code == 200
    request.refresh_from_db()
    before = (request.status, request.responded_at, Connection.objects.count())

    response = clients[then[0]].post(action_url(request.pk, then[1]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_pending"
    request.refresh_from_db()
    assert (request.status, request.responded_at, Connection.objects.count()) == before


def test_actions_take_no_body(api_as, alice, bob):
    request = make_request(alice, bob)

    response = api_as(bob).post(action_url(request.pk, "accept"), {"status": "accepted"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"status"}
    request.refresh_from_db()
    assert request.status == Status.PENDING


# --- invitations ---------------------------------------------------------------------------


def test_invite_by_email_and_list_my_invitations(api_as, alice):
    client = api_as(alice)

    response = client.post(INVITATIONS_URL, {"email": "Zoe@Example.org", "message": "Join us"})

    assert response.status_code == 201
    data = response.json()
    assert set(data) == {
        "id",
        "email",
        "message",
        "status",
        "created_at",
        "sent_at",
        "expires_at",
        "reminder",
        "reminder_at",
    }
    assert data["email"] == "Zoe@Example.org"
    assert data["status"] == "sent"
    assert data["reminder"] == "scheduled"
    assert data["reminder_at"] is not None
    invitation = Invitation.objects.get()
    assert invitation.inviter == alice
    listed = client.get(INVITATIONS_URL).json()
    assert [row["id"] for row in listed["results"]] == [invitation.pk]


def test_an_invitees_address_is_only_for_the_inviter(api_as, alice, bob):
    api_as(alice).post(INVITATIONS_URL, {"email": "zoe@example.org"})
    invitation = Invitation.objects.get()
    client = api_as(bob)

    assert client.get(INVITATIONS_URL).json()["results"] == []
    assert_not_found(
        client.post(f"{INVITATIONS_URL}{invitation.pk + 1000}/cancel/"),
        client.post(f"{INVITATIONS_URL}{invitation.pk}/cancel/"),
        client.post(f"{INVITATIONS_URL}{invitation.pk}/cancel-reminder/"),
    )
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.SENT
    assert invitation.reminder_cancelled_at is None


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"email": "zoe@example.org", "status": "accepted"}, {"status"}),
        ({"email": "zoe@example.org", "inviter": 1}, {"inviter"}),
        ({"email": "not an address"}, {"email"}),
        ({"email": "zoe@example.org", "message": "x" * 1001}, {"message"}),
    ],
)
def test_invite_with_bad_keys_is_400_and_creates_nothing(api_as, alice, body, fields):
    response = api_as(alice).post(INVITATIONS_URL, body)

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == fields
    assert not Invitation.objects.exists()


def test_inviting_a_members_address_is_409_without_naming_them(api_as, alice, bob):
    response = api_as(alice).post(INVITATIONS_URL, {"email": "bob@example.com"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_member"
    assert "bob" not in str(response.json()["error"].get("handle", ""))
    assert set(response.json()["error"]) == {"code", "message"}


def test_inviting_the_same_address_twice_is_409(api_as, alice):
    client = api_as(alice)
    client.post(INVITATIONS_URL, {"email": "zoe@example.org"})

    response = client.post(INVITATIONS_URL, {"email": "ZOE@example.org"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_invited"
    assert Invitation.objects.count() == 1


def test_weekly_invitation_limit_is_429_with_retry_after(api_as, alice, monkeypatch):
    monkeypatch.setattr(services, "INVITATIONS_PER_WEEK", 1)
    client = api_as(alice)
    client.post(INVITATIONS_URL, {"email": "one@example.org"})

    response = client.post(INVITATIONS_URL, {"email": "two@example.org"})

    assert response.status_code == 429
    assert response.json()["error"]["retry_after"] > 0
    assert Invitation.objects.count() == 1


def test_invitations_are_throttled_per_minute(api_as, alice, throttle_rates):
    throttle_rates["invite"] = "1/minute"
    client = api_as(alice)
    client.post(INVITATIONS_URL, {"email": "one@example.org"})

    response = client.post(INVITATIONS_URL, {"email": "two@example.org"})

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert "retry_after" in response.json()["error"]


def test_cancel_an_invitation_then_again_is_409(api_as, alice):
    client = api_as(alice)
    invitation_id = client.post(INVITATIONS_URL, {"email": "zoe@example.org"}).json()["id"]

    response = client.post(f"{INVITATIONS_URL}{invitation_id}/cancel/")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert response.json()["reminder"] == "none"
    again = client.post(f"{INVITATIONS_URL}{invitation_id}/cancel/")
    assert again.status_code == 409
    assert Invitation.objects.get().status == Invitation.Status.CANCELLED


def test_cancel_the_reminder_is_idempotent_until_it_was_sent(api_as, alice):
    client = api_as(alice)
    invitation_id = client.post(INVITATIONS_URL, {"email": "zoe@example.org"}).json()["id"]
    url = f"{INVITATIONS_URL}{invitation_id}/cancel-reminder/"

    first, second = client.post(url), client.post(url)

    assert first.status_code == second.status_code == 200
    assert first.json()["reminder"] == second.json()["reminder"] == "cancelled"
    assert first.json()["status"] == "sent"
    Invitation.objects.filter(pk=invitation_id).update(
        reminder_cancelled_at=None, reminded_at=timezone.now()
    )
    assert client.post(url).status_code == 409


def test_an_invitation_past_its_expiry_shows_expired(api_as, alice):
    client = api_as(alice)
    client.post(INVITATIONS_URL, {"email": "zoe@example.org"})
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))

    (row,) = client.get(INVITATIONS_URL).json()["results"]

    assert row["status"] == "expired"
    assert row["reminder"] == "none"


# --- blocks --------------------------------------------------------------------------------


def test_block_a_member_ends_everything_between_you(api_as, alice, bob, carol, connect):
    connect(alice, bob)
    make_request(carol, alice)
    client = api_as(alice)

    first = client.post(BLOCKS_URL, {"handle": "bob"})
    second = client.post(BLOCKS_URL, {"handle": "carol"})

    assert first.status_code == second.status_code == 201
    assert first.json()["handle"] == "bob"
    assert set(first.json()) == {"handle", "full_name", "headline", "blocked_at"}
    assert not graph.are_connected(alice.pk, bob.pk)
    assert not pending_pair(alice, carol).exists()
    assert client.get(REQUESTS_URL).json()["results"] == []
    listed = client.get(BLOCKS_URL).json()
    assert sorted(row["handle"] for row in listed["results"]) == ["bob", "carol"]
    bob_client = api_as(bob)
    assert_not_found(
        bob_client.get(profile_url("nobody-here")), bob_client.get(profile_url("alice"))
    )


def test_blocking_twice_is_200(api_as, alice, bob):
    client = api_as(alice)
    client.post(BLOCKS_URL, {"handle": "bob"})

    response = client.post(BLOCKS_URL, {"handle": "Bob"})

    assert response.status_code == 200
    assert Block.objects.count() == 1


def test_blocking_a_hidden_member_is_the_missing_404(api_as, alice, bob, carol):
    member_suspend(member=carol)
    services.block_create(blocker=bob, blocked=alice)
    client = api_as(alice)

    assert_not_found(
        client.post(BLOCKS_URL, {"handle": "nobody-here"}),
        client.post(BLOCKS_URL, {"handle": "bob"}),
        client.post(BLOCKS_URL, {"handle": "carol"}),
    )
    assert list(Block.objects.values_list("blocker", "blocked")) == [(bob.pk, alice.pk)]


@pytest.mark.parametrize(
    ("body", "fields"),
    [({"handle": "bob", "blocker": "carol"}, {"blocker"}), ({}, {"handle"})],
)
def test_block_with_bad_keys_is_400(api_as, alice, bob, carol, body, fields):
    response = api_as(alice).post(BLOCKS_URL, body)

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == fields
    assert not Block.objects.exists()


def test_blocking_yourself_is_400(api_as, alice):
    response = api_as(alice).post(BLOCKS_URL, {"handle": "alice"})

    assert response.status_code == 400
    assert not Block.objects.exists()


def test_unblock(api_as, alice, bob):
    client = api_as(alice)
    client.post(BLOCKS_URL, {"handle": "bob"})

    response = client.delete(f"{BLOCKS_URL}bob/")

    assert response.status_code == 204
    assert not Block.objects.exists()
    assert client.get(profile_url("bob")).status_code == 200
    assert not graph.are_connected(alice.pk, bob.pk)


def test_unblocking_without_a_block_of_yours_is_the_missing_404(api_as, alice, bob, carol):
    services.block_create(blocker=bob, blocked=alice)
    client = api_as(alice)

    assert_not_found(
        client.delete(f"{BLOCKS_URL}nobody-here/"),
        client.delete(f"{BLOCKS_URL}bob/"),
        client.delete(f"{BLOCKS_URL}carol/"),
    )
    assert Block.objects.count() == 1


def test_block_list_leaves_out_suspended_members(api_as, alice, bob, carol):
    services.block_create(blocker=alice, blocked=bob)
    services.block_create(blocker=alice, blocked=carol)
    member_suspend(member=carol)

    data = api_as(alice).get(BLOCKS_URL).json()

    assert [row["handle"] for row in data["results"]] == ["bob"]


# --- notifications --------------------------------------------------------------------------


def test_notifications_list_unread_count_and_mark_read(api_as, alice, bob, carol):
    from_bob = make_request(bob, alice)
    make_request(carol, alice)
    client = api_as(alice)

    data = client.get(NOTIFICATIONS_URL).json()

    assert data["count"] == 2
    newest, oldest = data["results"]
    assert newest["actor"]["handle"] == "carol"
    assert oldest["kind"] == "request_received"
    assert oldest["request_id"] == from_bob.pk
    assert oldest["introduction_id"] is None
    assert oldest["actor"]["handle"] == "bob"
    assert set(oldest["actor"]) == SUMMARY_KEYS
    assert oldest["read_at"] is None
    assert client.get(UNREAD_URL).json() == {"unread_count": 2}

    marked = client.post(READ_URL, {"ids": [oldest["id"]]}, format="json")

    assert marked.json() == {"marked": 1, "unread_count": 1}
    assert client.post(READ_URL, {}, format="json").json() == {"marked": 1, "unread_count": 0}
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()


def test_notifications_about_hidden_members_are_left_out(api_as, alice, bob, carol):
    make_request(bob, alice)
    make_request(carol, alice)
    member_suspend(member=carol)
    client = api_as(alice)

    data = client.get(NOTIFICATIONS_URL).json()

    assert [n["actor"]["handle"] for n in data["results"]] == ["bob"]
    assert client.get(UNREAD_URL).json() == {"unread_count": 1}


def test_marking_someone_elses_notifications_read_does_nothing(api_as, alice, bob):
    make_request(alice, bob)
    theirs = Notification.objects.get(recipient=bob)

    response = api_as(alice).post(READ_URL, {"ids": [theirs.pk]}, format="json")

    assert response.json()["marked"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize(
    ("body", "field"),
    [({"ids": [1], "recipient": 2}, "recipient"), ({"ids": ["x"]}, "ids.0"), ({"ids": 5}, "ids")],
)
def test_mark_read_with_bad_input_is_400(api_as, alice, body, field):
    response = api_as(alice).post(READ_URL, body, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {field}


def test_notifications_query_count_does_not_grow_with_rows(api_as, alice, make_member):
    make_request(make_member("first"), alice)
    client = api_as(alice)
    client.get(NOTIFICATIONS_URL)
    one = query_count(client, NOTIFICATIONS_URL)
    for n in range(5):
        make_request(make_member(f"more-{n}"), alice)

    assert query_count(client, NOTIFICATIONS_URL) == one == 3  # token, count, page


def _add_mutual(alice, make_member, connect, n):
    shared = make_member(f"shared-{n}")
    connect(alice, shared)
    connect(shared, make_member("bob") if n == 0 else User.objects.get(username="bob"))


def _add_invitation(alice, make_member, connect, n):
    services.invitation_create(inviter=alice, email=f"friend-{n}@example.org")


def _add_block(alice, make_member, connect, n):
    services.block_create(blocker=alice, blocked=make_member(f"blocked-{n}"))


@pytest.mark.parametrize(
    ("url", "add", "expected"),
    [
        # token, member look-up, mutual ids, profiles of the page
        (profile_url("bob", "mutual/"), _add_mutual, 4),
        (INVITATIONS_URL, _add_invitation, 3),  # token, count, page
        (BLOCKS_URL, _add_block, 3),  # token, count, page
    ],
)
def test_other_list_query_counts_do_not_grow_with_rows(
    api_as, alice, make_member, connect, url, add, expected
):
    add(alice, make_member, connect, 0)
    client = api_as(alice)
    client.get(url)
    one = query_count(client, url)
    for n in range(1, 6):
        add(alice, make_member, connect, n)

    assert query_count(client, url) == one == expected
    assert client.get(url).json()["count"] == 6


# --- authentication ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", profile_url("alice", "paths/")),
        ("get", profile_url("alice", "mutual/")),
        ("get", CONNECTIONS_URL),
        ("delete", f"{CONNECTIONS_URL}alice/"),
        ("patch", f"{CONNECTIONS_URL}alice/"),
        ("get", REQUESTS_URL),
        ("post", REQUESTS_URL),
        ("post", action_url(1, "accept")),
        ("post", action_url(1, "ignore")),
        ("post", action_url(1, "decline")),
        ("post", action_url(1, "withdraw")),
        ("get", INVITATIONS_URL),
        ("post", INVITATIONS_URL),
        ("post", f"{INVITATIONS_URL}1/cancel/"),
        ("post", f"{INVITATIONS_URL}1/cancel-reminder/"),
        ("get", BLOCKS_URL),
        ("post", BLOCKS_URL),
        ("delete", f"{BLOCKS_URL}alice/"),
        ("get", NOTIFICATIONS_URL),
        ("get", UNREAD_URL),
        ("post", READ_URL),
    ],
)
def test_every_endpoint_needs_credentials(api_client, alice, method, url):
    response = getattr(api_client, method)(url)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


# --- e-mail side effects and closing requests on connect ---------------------------------


def test_an_invitation_is_emailed_to_the_invitee(
    api_as, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(alice).post(INVITATIONS_URL, {"email": "zoe@example.org"})

    assert response.status_code == 201
    assert [mail.to for mail in mailoutbox] == [["zoe@example.org"]]


def test_inviting_the_address_of_a_member_who_blocks_you_emails_them_nothing(
    api_as, alice, bob, mailoutbox, django_capture_on_commit_callbacks
):
    services.block_create(blocker=bob, blocked=alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(alice).post(INVITATIONS_URL, {"email": "bob@example.com"})

    assert response.status_code == 201  # looks like any non-member's address
    assert mailoutbox == []


def test_asking_back_after_ignoring_connects_and_leaves_no_open_request(api_as, alice, bob):
    ignored = make_request(alice, bob)
    services.connection_request_ignore(request_id=ignored.pk, member=bob)

    response = api_as(bob).post(REQUESTS_URL, {"to": "alice"})

    assert response.status_code == 200 and response.json()["connected"] is True
    assert graph.are_connected(alice.pk, bob.pk)
    assert api_as(alice).get(REQUESTS_URL + "?direction=sent").json()["results"] == []
