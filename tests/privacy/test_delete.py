"""Delete my account: asks for the password and the handle, removes the member's links
and personal data at once, refreshes their former connections' counts."""

import pytest
from django.urls import reverse

from connections import graph, network
from connections.models import NetworkCounts
from introductions import services as introduction_services
from introductions.models import Hop, Introduction
from privacy import services
from privacy.models import AccountDeletion
from profiles.models import Profile, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_member, connect):
    alice = make_member("alice", full_name="Alice Archer", contact_email="alice@example.com")
    bob = make_member("bob", full_name="Bob Baker")
    carol = make_member("carol", full_name="Carol Chen")
    connect(alice, bob)
    connect(bob, carol)
    return alice, bob, carol


def test_a_wrong_password_or_handle_changes_nothing(client, people, password):
    alice, _, _ = people
    client.force_login(alice)
    response = client.post(
        reverse("settings-delete-account"), {"password": "nope", "confirm": "alice"}
    )
    assert response.status_code == 400
    assert b"The password is not right." in response.content
    response = client.post(
        reverse("settings-delete-account"), {"password": password, "confirm": "bob"}
    )
    assert b"Type your handle, alice, to confirm." in response.content
    assert graph.first_degree_ids(alice.pk)
    assert not AccountDeletion.objects.exists()


def test_deleting_removes_links_and_personal_data(client, people, password, on_commit):
    alice, bob, carol = people
    introduction_services.introduction_request(
        requester=alice, via=[bob], target=carol, message="Hello Carol", note_to_broker="Psst"
    )
    client.force_login(alice)
    with on_commit():
        response = client.post(
            reverse("settings-delete-account"), {"password": password, "confirm": "Alice"}
        )
    assert response.status_code == 302 and response["Location"] == reverse("account-deleted")
    assert graph.first_degree_ids(alice.pk) == []
    assert graph.first_degree_ids(bob.pk) == [carol.pk]
    tombstone = User.objects.get(pk=alice.pk)
    assert tombstone.username == f"deleted-{alice.pk}" and tombstone.email == ""
    assert tombstone.is_suspended and not tombstone.is_active
    assert not tombstone.has_usable_password() or not tombstone.check_password(password)
    profile = Profile.objects.get(pk=alice.pk)
    assert (profile.full_name, profile.contact_email) == ("Deleted member", "")
    introduction = Introduction.objects.get()
    assert introduction.status == Introduction.Status.CANCELLED and introduction.message == ""
    assert Hop.objects.get().note == ""
    assert AccountDeletion.objects.get(member_id=alice.pk).connections_removed == 1
    # The former connection's counts were refreshed (per-member refresh after commit).
    network.process_pending_changes()
    bob_counts = NetworkCounts.objects.get(member=bob)
    assert (bob_counts.first, bob_counts.second) == (1, 0)
    # Logged out; the handle is free and the old profile gives the plain 404.
    assert client.get(reverse("home")).status_code == 302
    client.force_login(carol)
    assert client.get("/in/alice/").status_code == 404


def test_tokens_stop_working_at_once_and_the_api_deletes_too(api_as, people, password):
    alice, bob, _ = people
    api = api_as(alice)
    wrong = api.post("/api/v1/me/delete/", {"password": password, "confirm": "bob"}, format="json")
    assert wrong.status_code == 400
    assert set(wrong.json()["error"]["fields"]) == {"confirm"}
    extra = api.post(
        "/api/v1/me/delete/", {"password": password, "confirm": "alice", "x": 1}, format="json"
    )
    assert extra.status_code == 400
    deleted = api.post(
        "/api/v1/me/delete/", {"password": password, "confirm": "alice"}, format="json"
    )
    assert deleted.status_code == 204
    assert api.get("/api/v1/me/").status_code == 401
    assert api_as(bob).get("/api/v1/profiles/alice/").status_code == 404
    assert api_as(bob).get(f"/api/v1/profiles/deleted-{alice.pk}/").status_code == 404


def test_deleting_twice_is_refused(people, password):
    alice, _, _ = people
    services.account_delete(member=alice, password=password, confirm="alice")
    alice.refresh_from_db()
    with pytest.raises(services.ApplicationError):
        services.account_delete(member=alice, password=password, confirm=alice.username)
