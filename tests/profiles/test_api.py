"""The profiles API: tokens, /me/, photos and other members' profiles, as a client sees them."""

import io
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from profiles.models import ApiToken, Education, Position, Skill, User
from profiles.services import member_suspend
from tests.factories import PASSWORD, EducationFactory, PositionFactory, SkillFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
ME_URL = "/api/v1/me/"
PHOTO_URL = "/api/v1/me/photo/"
CONTACT_KEYS = {"contact_email", "phone", "website"}


def profile_url(handle: str) -> str:
    return f"/api/v1/profiles/{handle}/"


def with_contact(member: User) -> User:
    profile = member.profile
    profile.contact_email = f"{member.username}@contact.example"
    profile.phone = "+351 555 0100"
    profile.website = f"https://{member.username}.example"
    profile.save()
    return member


def png_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# --- POST /auth/token/ --------------------------------------------------------


def test_token_for_handle_and_password_is_201_and_works(api_client, alice):
    response = api_client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 201
    assert set(response.json()) == {"token", "expires_at"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(ME_URL).json()["handle"] == "alice"


def test_token_for_email_address_and_password(api_client, alice):
    response = api_client.post(TOKEN_URL, {"username": "alice@example.com", "password": PASSWORD})

    assert response.status_code == 201
    assert ApiToken.objects.filter(user=alice).count() == 1


def test_token_expires_in_about_ninety_days(api_client, alice):
    response = api_client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD})

    token = ApiToken.objects.get(user=alice)
    assert token.expires_at is not None
    assert timedelta(days=89) < token.expires_at - timezone.now() <= timedelta(days=90)
    assert response.json()["expires_at"] is not None


def test_token_key_is_not_stored(api_client, alice):
    key = api_client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD}).json()["token"]

    token = ApiToken.objects.get(user=alice)
    assert token.key_hash != key
    assert token.key_hash == ApiToken.hash_key(key)


def test_wrong_password_unknown_member_and_suspended_member_get_the_same_400(
    api_client, alice, bob
):
    member_suspend(member=bob)

    wrong = api_client.post(TOKEN_URL, {"username": "alice", "password": "nope-nope-nope"})
    unknown = api_client.post(TOKEN_URL, {"username": "nobody", "password": PASSWORD})
    suspended = api_client.post(TOKEN_URL, {"username": "bob", "password": PASSWORD})

    assert wrong.status_code == unknown.status_code == suspended.status_code == 400
    assert wrong.content == unknown.content == suspended.content
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    assert not ApiToken.objects.exists()


def test_unverified_email_gets_a_400_that_says_so(api_client, alice):
    EmailAddress.objects.filter(user=alice).update(verified=False)

    response = api_client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "email_unverified"
    assert "Verify your e-mail" in response.json()["error"]["message"]
    assert not ApiToken.objects.exists()


def test_token_request_without_password_names_the_field(api_client, alice):
    response = api_client.post(TOKEN_URL, {"username": "alice"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"password"}


def test_token_request_ignores_a_stale_authorization_header(api_client, alice):
    api_client.credentials(HTTP_AUTHORIZATION="Token no-longer-valid")

    response = api_client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 201


def test_token_brute_force_is_throttled_with_retry_after(api_client, alice):
    # The configured "auth" rate is 10 a minute.
    for _ in range(10):
        assert api_client.post(TOKEN_URL, {"username": "alice", "password": "x"}).status_code == 400

    response = api_client.post(TOKEN_URL, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < response.json()["error"]["retry_after"] <= 60
    assert not ApiToken.objects.exists()


# --- DELETE /auth/token/ ------------------------------------------------------


def test_delete_token_revokes_it_and_the_next_request_is_401(api_as, alice):
    client = api_as(alice)

    assert client.delete(TOKEN_URL).status_code == 204
    response = client.get(ME_URL)

    assert response.status_code == 401
    assert ApiToken.objects.get(user=alice).revoked_at is not None


def test_delete_token_revokes_only_that_token(api_as, alice):
    kept = api_as(alice)
    revoked = api_as(alice)

    revoked.delete(TOKEN_URL)

    assert kept.get(ME_URL).status_code == 200


def test_delete_token_without_a_token_is_401(api_client, alice):
    api_client.force_login(alice)  # a browser session has no token to revoke

    response = api_client.delete(TOKEN_URL)

    assert response.status_code == 401


# --- GET /me/ -----------------------------------------------------------------


def test_me_shows_own_profile_with_contact_details(api_as, alice):
    with_contact(alice)
    client = api_as(alice)

    data = client.get(ME_URL).json()

    assert data["handle"] == "alice"
    assert data["full_name"] == "Alice Archer"
    assert data["industry"] == {
        "code": "information-technology",
        "label": "Information Technology and Services",
    }
    assert data["contact_email"] == "alice@contact.example"
    assert data["phone"] == "+351 555 0100"
    assert data["website"] == "https://alice.example"
    assert data["url"] == "http://testserver/in/alice/"
    assert data["photo_url"] is None


def test_me_shows_positions_as_months_education_and_skill_names(api_as, alice):
    PositionFactory(
        profile=alice.profile,
        title="CTO",
        organization="Acme",
        start_date=date(2019, 3, 1),
        is_current=True,
    )
    PositionFactory(
        profile=alice.profile,
        title="Engineer",
        organization="Initech",
        start_date=date(2015, 1, 1),
        end_date=date(2019, 2, 1),
        is_current=False,
    )
    EducationFactory(profile=alice.profile)
    SkillFactory(profile=alice.profile, name="Python")
    SkillFactory(profile=alice.profile, name="Postgres")

    data = api_as(alice).get(ME_URL).json()

    assert data["positions"] == [
        {
            "title": "CTO",
            "organization": "Acme",
            "start": "2019-03",
            "end": None,
            "is_current": True,
            "description": "",
        },
        {
            "title": "Engineer",
            "organization": "Initech",
            "start": "2015-01",
            "end": "2019-02",
            "is_current": False,
            "description": "",
        },
    ]
    assert data["education"] == [
        {
            "school": "University of Lisbon",
            "degree": "BSc",
            "field_of_study": "Computer Science",
            "start_year": 2005,
            "end_year": 2009,
        }
    ]
    assert data["skills"] == ["Python", "Postgres"]


def test_me_shows_completeness_with_prompts(api_as, alice):
    data = api_as(alice).get(ME_URL).json()

    assert 0 <= data["completeness"]["percent"] < 100
    assert "Add a photo so people recognise you." in data["completeness"]["prompts"]


def test_me_without_credentials_is_401(api_client, alice):
    assert api_client.get(ME_URL).status_code == 401


def test_put_me_is_not_offered(api_as, alice):
    response = api_as(alice).put(ME_URL, {"full_name": "X"})

    assert response.status_code == 405


# --- PATCH /me/ ---------------------------------------------------------------


def test_patch_me_changes_the_given_fields_only(api_as, alice):
    response = api_as(alice).patch(
        ME_URL,
        {
            "headline": "Builder of networks",
            "industry": "internet",
            "contact_email": "hello@alice.example",
            "website": "https://alice.example",
        },
    )

    assert response.status_code == 200
    assert response.json()["headline"] == "Builder of networks"
    assert response.json()["industry"] == {"code": "internet", "label": "Internet"}
    alice.profile.refresh_from_db()
    assert alice.profile.headline == "Builder of networks"
    assert alice.profile.contact_email == "hello@alice.example"
    assert alice.profile.full_name == "Alice Archer"
    assert alice.profile.location == "Lisbon"


def test_patch_me_can_clear_the_industry(api_as, alice):
    response = api_as(alice).patch(ME_URL, {"industry": ""})

    assert response.status_code == 200
    assert response.json()["industry"] is None


def test_patch_me_with_an_unknown_industry_is_400(api_as, alice):
    response = api_as(alice).patch(ME_URL, {"industry": "piracy"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"industry"}
    alice.profile.refresh_from_db()
    assert alice.profile.industry == "information-technology"


def test_patch_me_with_an_empty_full_name_is_400(api_as, alice):
    response = api_as(alice).patch(ME_URL, {"full_name": ""})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"full_name"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("username", "mallory"),
        ("is_staff", True),
        ("is_superuser", True),
        ("is_suspended", True),
        ("is_active", False),
        ("id", 999),
        ("user", 999),
        ("email", "mallory@example.com"),
        ("photo", "photos/elsewhere.jpg"),
    ],
)
def test_patch_me_with_an_unknown_key_is_400_and_changes_nothing(api_as, alice, key, value):
    response = api_as(alice).patch(ME_URL, {"headline": "Changed", key: value})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {key: ["Unknown field: it cannot be set here."]}
    alice.refresh_from_db()
    alice.profile.refresh_from_db()
    assert alice.username == "alice"
    assert alice.email == "alice@example.com"
    assert not alice.is_staff
    assert not alice.is_superuser
    assert not alice.is_suspended
    assert alice.is_active
    assert alice.profile.headline == "Engineer"
    assert not alice.profile.photo


def test_patch_me_lists_every_unknown_key(api_as, alice):
    response = api_as(alice).patch(ME_URL, {"is_staff": True, "username": "x"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"is_staff", "username"}


def test_patch_me_replaces_positions_education_and_skills(api_as, alice):
    PositionFactory(profile=alice.profile, title="Old job")
    EducationFactory(profile=alice.profile, school="Old school")
    SkillFactory(profile=alice.profile, name="Cobol")

    response = api_as(alice).patch(
        ME_URL,
        {
            "positions": [
                {"title": "CTO", "organization": "Acme", "start": "2020-06", "is_current": True},
                {
                    "title": "Engineer",
                    "organization": "Initech",
                    "start": "2016-01",
                    "end": "2020-05",
                    "description": "Built the TPS report pipeline.",
                },
            ],
            "education": [{"school": "IST", "degree": "MSc", "start_year": 2010, "end_year": 2012}],
            "skills": ["Python", "Django", "Postgres"],
        },
        format="json",
    )

    assert response.status_code == 200
    positions = Position.objects.filter(profile=alice.profile)
    assert sorted(positions.values_list("title", "start_date", "end_date", "is_current")) == [
        ("CTO", date(2020, 6, 1), None, True),
        ("Engineer", date(2016, 1, 1), date(2020, 5, 1), False),
    ]
    assert list(Education.objects.filter(profile=alice.profile).values_list("school")) == [("IST",)]
    assert response.json()["skills"] == ["Python", "Django", "Postgres"]
    assert [p["start"] for p in response.json()["positions"]] == ["2020-06", "2016-01"]


def test_patch_me_without_lists_leaves_them_alone(api_as, alice):
    PositionFactory(profile=alice.profile, title="Kept")
    SkillFactory(profile=alice.profile, name="Kept skill")

    api_as(alice).patch(ME_URL, {"headline": "New"})

    assert Position.objects.filter(profile=alice.profile, title="Kept").exists()
    assert Skill.objects.filter(profile=alice.profile, name="Kept skill").exists()


def test_patch_me_with_empty_lists_clears_them(api_as, alice):
    PositionFactory(profile=alice.profile)
    SkillFactory(profile=alice.profile)

    response = api_as(alice).patch(ME_URL, {"positions": [], "skills": []}, format="json")

    assert response.status_code == 200
    assert response.json()["positions"] == []
    assert response.json()["skills"] == []


def test_patch_me_duplicate_skills_are_kept_once(api_as, alice):
    response = api_as(alice).patch(ME_URL, {"skills": ["Python", "python", " Python "]})

    assert response.json()["skills"] == ["Python"]


@pytest.mark.parametrize(
    ("position", "field"),
    [
        ({"start": "2020-06", "end": "2020-05"}, "positions[0].end"),
        ({"start": "2020-06", "end": "2021-01", "is_current": True}, "positions[0].end"),
        ({"start": "2020-6"}, "positions[0].start"),
        ({"start": "2020-13"}, "positions[0].start"),
        ({"start": "2020-06-01"}, "positions[0].start"),
        ({"start": "1066-10"}, "positions[0].start"),
        ({"start": "2020-06", "id": 7}, "positions[0].id"),
        ({"start": "2020-06", "profile": 7}, "positions[0].profile"),
    ],
)
def test_patch_me_with_an_invalid_position_is_400_and_keeps_the_old_list(
    api_as, alice, position, field
):
    PositionFactory(profile=alice.profile, title="Old job")
    item = {"title": "CTO", "organization": "Acme", **position}

    response = api_as(alice).patch(
        ME_URL, {"headline": "Changed", "positions": [item]}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {field}
    assert list(Position.objects.filter(profile=alice.profile).values_list("title")) == [
        ("Old job",)
    ]
    alice.profile.refresh_from_db()
    assert alice.profile.headline == "Engineer"


def test_patch_me_with_education_ending_before_it_starts_is_400(api_as, alice):
    response = api_as(alice).patch(
        ME_URL, {"education": [{"school": "IST", "start_year": 2012, "end_year": 2010}]}
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"education[0].end_year"}


def test_patch_me_with_too_many_skills_is_400(api_as, alice):
    response = api_as(alice).patch(ME_URL, {"skills": [f"Skill {n}" for n in range(51)]})

    assert response.status_code == 400
    assert "skills" in response.json()["error"]["fields"]


def test_patch_me_as_a_form_is_415(api_as, alice):
    response = api_as(alice).patch(ME_URL, {"headline": "x"}, format="multipart")

    assert response.status_code == 415


# --- PUT/DELETE /me/photo/ ----------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def test_put_photo_stores_a_square_jpeg_and_returns_its_url(api_as, alice, media_root):
    response = api_as(alice).put(
        PHOTO_URL, {"photo": upload("me.png", png_bytes())}, format="multipart"
    )

    assert response.status_code == 200
    alice.profile.refresh_from_db()
    assert response.json() == {"photo_url": f"http://testserver{alice.profile.photo.url}"}
    with Image.open(alice.profile.photo.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size[0] == stored.size[1]


def test_put_photo_shows_up_on_me(api_as, alice, media_root):
    client = api_as(alice)
    client.put(PHOTO_URL, {"photo": upload("me.png", png_bytes())}, format="multipart")

    assert client.get(ME_URL).json()["photo_url"].startswith("http://testserver/media/photos/")


def test_put_photo_that_is_not_an_image_is_400(api_as, alice, media_root):
    response = api_as(alice).put(
        PHOTO_URL, {"photo": upload("me.png", b"not an image at all")}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "photo_invalid"
    alice.profile.refresh_from_db()
    assert not alice.profile.photo


def test_put_photo_without_a_file_names_the_field(api_as, alice, media_root):
    response = api_as(alice).put(PHOTO_URL, {}, format="multipart")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"photo"}


def test_put_photo_as_json_is_415(api_as, alice, media_root):
    response = api_as(alice).put(PHOTO_URL, {"photo": "x"}, format="json")

    assert response.status_code == 415


def test_delete_photo_removes_it(api_as, alice, media_root):
    client = api_as(alice)
    client.put(PHOTO_URL, {"photo": upload("me.png", png_bytes())}, format="multipart")
    alice.profile.refresh_from_db()
    stored = alice.profile.photo.path

    response = client.delete(PHOTO_URL)

    assert response.status_code == 204
    alice.profile.refresh_from_db()
    assert not alice.profile.photo
    assert not (media_root / stored).exists()
    assert client.get(ME_URL).json()["photo_url"] is None


def test_delete_photo_when_there_is_none_is_204(api_as, alice, media_root):
    assert api_as(alice).delete(PHOTO_URL).status_code == 204


# --- GET /profiles/{handle}/ --------------------------------------------------


def test_stranger_sees_the_profile_without_contact_keys(api_as, alice, bob):
    with_contact(alice)

    response = api_as(bob).get(profile_url("alice"))

    assert response.status_code == 200
    data = response.json()
    assert data["handle"] == "alice"
    assert data["full_name"] == "Alice Archer"
    assert CONTACT_KEYS.isdisjoint(data)
    assert "alice@contact.example" not in response.content.decode()
    assert data["degree"] is None
    assert data["is_self"] is False


def test_connection_sees_contact_details_and_degree_one(api_as, alice, bob, connect):
    with_contact(alice)
    connect(alice, bob)

    data = api_as(bob).get(profile_url("alice")).json()

    assert data["contact_email"] == "alice@contact.example"
    assert data["phone"] == "+351 555 0100"
    assert data["website"] == "https://alice.example"
    assert data["degree"] == 1


def test_second_degree_member_does_not_see_contact_details(api_as, alice, bob, carol, connect):
    with_contact(alice)
    connect(alice, bob)
    connect(bob, carol)

    data = api_as(carol).get(profile_url("alice")).json()

    assert CONTACT_KEYS.isdisjoint(data)


def test_contact_details_disappear_once_the_connection_is_removed(api_as, alice, bob, connect):
    from connections import graph

    with_contact(alice)
    connect(alice, bob)
    client = api_as(bob)
    assert "contact_email" in client.get(profile_url("alice")).json()

    graph.remove_edge(alice.pk, bob.pk)

    assert CONTACT_KEYS.isdisjoint(client.get(profile_url("alice")).json())


def test_own_profile_has_contact_details_and_no_degree(api_as, alice):
    with_contact(alice)

    data = api_as(alice).get(profile_url("alice")).json()

    assert data["contact_email"] == "alice@contact.example"
    assert data["is_self"] is True
    assert data["degree"] is None
    assert data["mutual_connections_count"] == 0


def test_mutual_connections_count_counts_common_connections(
    api_as, make_member, alice, bob, connect
):
    first, second, only_alice = (make_member(h) for h in ("dave", "erin", "frank"))
    for common in (first, second):
        connect(alice, common)
        connect(bob, common)
    connect(alice, only_alice)

    data = api_as(bob).get(profile_url("alice")).json()

    assert data["mutual_connections_count"] == 2
    assert data["degree"] == 2


def test_mutual_connections_count_leaves_out_suspended_members(
    api_as, make_member, alice, bob, connect
):
    dave = make_member("dave")
    connect(alice, dave)
    connect(bob, dave)
    member_suspend(member=dave)

    assert api_as(bob).get(profile_url("alice")).json()["mutual_connections_count"] == 0


def test_profile_handle_is_case_insensitive(api_as, alice, bob):
    assert api_as(bob).get(profile_url("Alice")).json()["handle"] == "alice"


def test_suspended_and_nonexistent_members_give_identical_404s(api_as, alice, bob, carol):
    member_suspend(member=carol)
    client = api_as(bob)

    hidden = client.get(profile_url("carol"))
    missing = client.get(profile_url("nobody-here"))

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.json() == {"error": {"code": "not_found", "message": "Not found."}}
    assert sorted(hidden.headers.items()) == sorted(missing.headers.items())


def test_suspended_connection_is_hidden_too(api_as, alice, bob, connect):
    connect(alice, bob)
    member_suspend(member=alice)

    response = api_as(bob).get(profile_url("alice"))

    assert response.status_code == 404


def test_profile_needs_credentials(api_client, alice):
    assert api_client.get(profile_url("alice")).status_code == 401


def test_profile_is_three_queries(api_as, alice, bob, connect, django_assert_num_queries):
    PositionFactory(profile=alice.profile)
    PositionFactory(profile=alice.profile)
    SkillFactory(profile=alice.profile)
    connect(alice, bob)
    client = api_as(bob)
    client.get(profile_url("alice"))  # the token's first use stamps it

    # the token and its member; the profile with its positions, education and skills;
    # degree, mutual count and a block either way
    with django_assert_num_queries(3):
        response = client.get(profile_url("alice"))
    assert len(response.json()["positions"]) == 2
    assert len(response.json()["skills"]) == 1


# --- suspension ---------------------------------------------------------------


def test_suspended_members_token_stops_working_on_the_next_request(api_as, alice):
    client = api_as(alice)
    assert client.get(ME_URL).status_code == 200

    member_suspend(member=alice)
    response = client.get(ME_URL)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
