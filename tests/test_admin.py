import pytest
from django.urls import reverse

from connections import services
from profiles.models import User
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory(username="moderator", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.mark.django_db
class TestMemberModeration:
    def test_members_are_searchable_and_filterable(self, admin_client, alice, bob):
        url = reverse("admin:profiles_user_changelist")
        response = admin_client.get(url, {"q": "Archer"})
        assert response.status_code == 200
        assert b"alice" in response.content and b">bob<" not in response.content
        response = admin_client.get(url, {"profile__industry__exact": "aviation"})
        assert response.status_code == 200
        response = admin_client.get(url, {"is_suspended__exact": "0"})
        assert b"alice" in response.content

    def test_suspend_and_unsuspend_actions(self, admin_client, alice, bob):
        url = reverse("admin:profiles_user_changelist")
        response = admin_client.post(
            url, {"action": "suspend_members", "_selected_action": [alice.pk]}, follow=True
        )
        assert b"Suspended 1 member" in response.content
        alice.refresh_from_db()
        assert alice.is_suspended and alice.suspended_at is not None
        # Suspended members vanish for everyone but admin.
        admin_client.get(reverse("admin:profiles_user_change", args=[alice.pk]))
        bob_client = type(admin_client)()
        bob_client.force_login(bob)
        assert bob_client.get("/in/alice/").status_code == 404
        admin_client.post(url, {"action": "unsuspend_members", "_selected_action": [alice.pk]})
        alice.refresh_from_db()
        assert not alice.is_suspended
        assert bob_client.get("/in/alice/").status_code == 200

    def test_member_page_shows_the_neighbourhood(self, admin_client, alice, bob, carol, connect):
        connect(alice, bob)
        services.connection_request_create(sender=carol, recipient=alice)
        services.block_create(blocker=alice, blocked=User.objects.get(username="moderator"))
        response = admin_client.get(reverse("admin:profiles_user_change", args=[alice.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "1</strong> connection" in body and ">bob<" in body
        assert "Pending received" in body and ">carol<" in body
        assert "blocks <a" in body

    @pytest.mark.parametrize(
        "name",
        [
            "connections_connectionrequest",
            "connections_invitation",
            "connections_block",
            "connections_notification",
            "profiles_profile",
            "profiles_apitoken",
        ],
    )
    def test_changelists_render_with_search(self, admin_client, alice, name):
        response = admin_client.get(reverse(f"admin:{name}_changelist"), {"q": "alice"})
        assert response.status_code == 200


@pytest.mark.django_db
def test_introduction_funnel_and_report_queue(admin_client, make_member, connect):
    from introductions import services as intro_services
    from introductions.models import MessageReport

    john, pete, me = make_member("john"), make_member("pete"), make_member("me")
    connect(john, pete)
    connect(pete, me)
    intro = intro_services.introduction_request(
        requester=john, target=me, via=[pete], message="Hello there"
    )
    intro_services.introduction_forward(introduction_id=intro.pk, broker=pete)
    response = admin_client.get(reverse("admin:introductions_introduction_changelist"))
    body = response.content.decode()
    assert "Funnel by week" in body and "1 (100%)" in body
    report = MessageReport.objects.create(introduction=intro, reporter=me, reason="spam")
    response = admin_client.post(
        reverse("admin:introductions_messagereport_changelist"),
        {"action": "suspend_author", "_selected_action": [report.pk]},
        follow=True,
    )
    assert b"Suspended 1 member" in response.content
    john.refresh_from_db()
    assert john.is_suspended
    assert (
        admin_client.get(
            reverse("admin:introductions_messagereport_change", args=[report.pk])
        ).status_code
        == 200
    )
