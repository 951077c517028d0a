"""manage.py seed_demo: realistic demo members and their graph, safe to run again."""

import io
import unicodedata
from collections import Counter

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from connections import graph
from connections.models import Connection
from profiles.demo_data import TECH_INDUSTRIES
from profiles.management.commands.seed_demo import (
    ADMIN_PASSWORD,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    demo_members,
)
from profiles.models import Education, Position, Profile, Skill, User
from profiles.validators import handle_validator
from tests.factories import UserFactory

MEMBERS = 300

pytestmark = pytest.mark.django_db


def seed_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--members", str(MEMBERS), *args, stdout=out, verbosity=0)
    return out.getvalue()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, verbosity=0)
    return out.getvalue()


@pytest.fixture
def seeded() -> None:
    seed_demo()


def members() -> list[User]:
    return list(demo_members().exclude(username="admin"))


def schema() -> list[str]:
    """Definitions of every index and constraint of the tables seed_demo rebuilds."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            " UNION ALL SELECT conrelid::regclass || ' ' || pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"
            " ORDER BY 1"
        )
        return [row[0] for row in cur.fetchall()]


class TestMembers:
    def test_creates_members_with_profiles_positions_education_skills_and_emails(self, seeded):
        people = members()
        ids = [m.pk for m in people]
        assert len(people) == MEMBERS
        assert Profile.objects.filter(user_id__in=ids).count() == MEMBERS
        positions = Counter(Position.objects.filter(profile_id__in=ids).values_list("profile_id"))
        current = Counter(
            Position.objects.filter(profile_id__in=ids, is_current=True).values_list("profile_id")
        )
        schools = Counter(Education.objects.filter(profile_id__in=ids).values_list("profile_id"))
        skills = Counter(Skill.objects.filter(profile_id__in=ids).values_list("profile_id"))
        for member in people:
            key = (member.pk,)
            assert 1 <= positions[key] <= 4
            assert current[key] == 1
            assert 1 <= schools[key] <= 2
            assert 3 <= skills[key] <= 8
        emails = EmailAddress.objects.filter(user_id__in=ids, verified=True, primary=True)
        assert sorted(emails.values_list("email", flat=True)) == sorted(m.email for m in people)

    def test_handles_are_valid_unique_and_derived_from_names(self, seeded):
        people = list(demo_members().exclude(username="admin").select_related("profile"))
        handles = [m.username for m in people]
        assert len(set(handles)) == len(handles)
        for member in people:
            handle_validator(member.username)
            assert member.email == f"{member.username}@{DEMO_DOMAIN}"
            if member.username != "demo":
                first_name = member.profile.full_name.split()[0]
                assert member.username[0] == unicodedata.normalize("NFKD", first_name)[0].lower()

    def test_positions_start_on_the_first_of_a_month_and_end_after_they_start(self, seeded):
        for start, end, is_current in Position.objects.values_list(
            "start_date", "end_date", "is_current"
        ):
            assert start.day == 1
            assert (end is None) == is_current
            assert end is None or (end.day == 1 and end >= start)

    def test_industries_lean_on_technology_with_aviation_and_publishing(self, seeded):
        industries = Counter(
            Profile.objects.filter(user__in=demo_members()).values_list("industry", flat=True)
        )
        tech = sum(industries[code] for code in TECH_INDUSTRIES)
        assert tech > 0.3 * MEMBERS
        assert industries["aviation"] >= 1
        assert industries["publishing"] >= 1

    def test_connected_members_often_share_an_employer(self, seeded):
        employer = dict(
            Position.objects.filter(is_current=True).values_list("profile_id", "organization")
        )
        shares: Counter[int] = Counter()
        for member_id, other_id in Connection.objects.values_list("member_id", "other_id"):
            if employer.get(member_id) == employer.get(other_id):
                shares[member_id] += 1
        assert len(shares) > 0.5 * MEMBERS

    def test_all_members_share_one_password_hash(self, seeded):
        assert demo_members().exclude(username="admin").values("password").distinct().count() == 1


class TestGraph:
    def test_every_connection_is_stored_in_both_directions(self, seeded):
        rows = set(Connection.objects.values_list("member_id", "other_id"))
        assert len(rows) > 20 * MEMBERS
        assert all((b, a) in rows for a, b in rows)
        assert all(a != b for a, b in rows)

    def test_demo_member_has_a_complete_profile_and_about_60_connections(self, seeded):
        demo = User.objects.select_related("profile").get(username="demo")
        profile = demo.profile
        assert demo.email == f"demo@{DEMO_DOMAIN}"
        assert profile.full_name
        assert profile.headline
        assert profile.summary
        assert profile.contact_email
        assert profile.phone
        assert profile.website
        assert profile.positions.count() >= 2
        assert profile.education.exists()
        assert profile.skills.count() == 8
        assert 40 <= graph.connection_count(demo.pk) <= 70

    def test_ids_continue_after_the_load(self, seeded):
        largest = max(u.pk for u in User.objects.all())
        assert UserFactory().pk > largest

    def test_indexes_and_constraints_are_rebuilt_as_they_were(self):
        before = schema()
        seed_demo()
        assert schema() == before


class TestLogins:
    def test_demo_member_logs_in_with_handle_or_email_on_the_login_page(self, seeded, client):
        for login in ("demo", f"demo@{DEMO_DOMAIN}"):
            response = client.post(
                reverse("account_login"), {"login": login, "password": DEMO_PASSWORD}
            )
            assert response.status_code == 302
            assert response.url == reverse("home")
            client.logout()

    def test_every_demo_member_can_log_in(self, seeded, client):
        for member in members()[:5]:
            assert client.login(username=member.username, password=DEMO_PASSWORD)
            client.logout()

    def test_admin_is_a_verified_superuser(self, seeded, client):
        admin = User.objects.get(username="admin")
        assert admin.is_superuser
        assert admin.is_staff
        assert EmailAddress.objects.filter(user=admin, verified=True, primary=True).exists()
        assert client.login(username="admin", password=ADMIN_PASSWORD)
        assert client.get("/admin/").status_code == 200

    def test_password_option_sets_every_demo_password(self, client):
        seed_demo("--password", "another-demo-pass")
        assert client.login(username="demo", password="another-demo-pass")
        assert not client.login(username="demo", password=DEMO_PASSWORD)
        assert "(the --password of seed_demo)" in run("--print-logins")

    def test_print_logins_lists_demo_first_then_showcase_members_and_admin(self, seeded):
        output = run("--print-logins")
        handles = [line.split()[0] for line in output.splitlines() if line.startswith("  ")]
        assert handles == ["demo", handles[1], handles[2], handles[3], "admin"]
        assert "Aviation" in output
        assert "Publishing" in output
        assert DEMO_PASSWORD in output
        assert f"admin@{DEMO_DOMAIN}" in output
        assert ADMIN_PASSWORD in output


class TestRerun:
    def test_check_fails_before_and_passes_after_loading(self):
        with pytest.raises(CommandError) as refused:
            run("--check")
        assert refused.value.returncode == 1
        seed_demo()
        assert "loaded" in run("--check")

    def test_rerun_without_reset_refuses_and_changes_nothing(self, seeded):
        count = User.objects.count()
        with pytest.raises(CommandError, match=r"already loaded.*--reset"):
            seed_demo()
        assert User.objects.count() == count

    def test_reset_replaces_the_demo_data(self, seeded):
        old = set(demo_members().values_list("pk", flat=True))
        seed_demo("--reset", "--seed", "2")
        new = set(demo_members().values_list("pk", flat=True))
        assert len(new) == len(old) == MEMBERS + 1  # the members and admin
        assert not old & new
        assert User.objects.filter(username="admin").count() == 1
        assert not Connection.objects.filter(member_id__in=old).exists()

    def test_same_seed_gives_the_same_members(self, seeded):
        before = sorted(m.username for m in members())
        seed_demo("--reset")
        assert sorted(m.username for m in members()) == before

    def test_reset_keeps_real_members_but_not_their_demo_connections(
        self, seeded, make_member, connect
    ):
        alice = make_member("alice")
        connect(alice, User.objects.get(username="demo"))
        seed_demo("--reset")
        assert User.objects.filter(pk=alice.pk).exists()
        assert Profile.objects.filter(user=alice).exists()
        assert graph.connection_count(alice.pk) == 0
        assert len(members()) == MEMBERS

    def test_refuses_when_a_real_member_has_the_demo_handle(self, make_member):
        make_member("demo")
        with pytest.raises(CommandError, match="not demo data"):
            seed_demo()

    def test_too_few_members_is_refused(self):
        with pytest.raises(CommandError, match="at least"):
            run("--members", "5")
