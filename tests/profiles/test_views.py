import io

import pytest
from django.urls import reverse
from PIL import Image

from profiles.models import Position, Skill
from profiles.services import member_suspend


def png_bytes(size: tuple[int, int] = (800, 600), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 102, 194)).save(out, format=fmt)
    return out.getvalue()


@pytest.mark.django_db
class TestAccess:
    def test_landing_is_public(self, client):
        response = client.get("/")
        assert response.status_code == 200
        assert b"Join LinkUp" in response.content

    def test_home_requires_login(self, client):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_public_profile_is_visible_logged_out_without_contact(self, client, alice):
        alice.profile.contact_email = "alice@private.example"
        alice.profile.save()
        response = client.get("/in/alice/")
        assert response.status_code == 200
        assert b"Alice Archer" in response.content
        assert b"alice@private.example" not in response.content

    def test_contact_details_only_for_self_and_first_degree(
        self, client, alice, bob, carol, connect
    ):
        alice.profile.phone = "+351 555 0101"
        alice.profile.save()
        connect(alice, bob)
        client.force_login(bob)
        assert b"+351 555 0101" in client.get("/in/alice/").content
        client.force_login(carol)
        assert b"+351 555 0101" not in client.get("/in/alice/").content
        client.force_login(alice)
        assert b"+351 555 0101" in client.get("/in/alice/").content

    def test_suspended_profile_looks_like_missing(self, client, alice, bob):
        member_suspend(member=alice)
        client.force_login(bob)
        hidden = client.get("/in/alice/")
        missing = client.get("/in/nobody-here/")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content

    def test_suspended_member_is_logged_out_on_next_request(self, client, alice):
        client.force_login(alice)
        assert client.get(reverse("home")).status_code == 200
        member_suspend(member=alice)
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_suspended_member_cannot_log_in(self, client, alice, password):
        member_suspend(member=alice)
        response = client.post(reverse("account_login"), {"login": "alice", "password": password})
        assert response.status_code == 302
        assert response["Location"] == reverse("account_inactive")
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
class TestProfileEditing:
    def test_edit_basics(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("profile-edit"),
            {
                "full_name": "Alice A. Archer",
                "headline": "Technical writer for aviation",
                "summary": "Manuals.",
                "industry": "aviation",
                "location": "Toulouse",
                "contact_email": "",
                "phone": "",
                "website": "",
            },
        )
        assert response.status_code == 302
        alice.profile.refresh_from_db()
        assert alice.profile.headline == "Technical writer for aviation"
        assert alice.profile.industry == "aviation"

    def test_edit_rejects_unknown_industry_with_form_error(self, client, alice):
        client.force_login(alice)
        response = client.post(reverse("profile-edit"), {"full_name": "A", "industry": "piracy"})
        assert response.status_code == 400
        assert b"Select a valid choice" in response.content

    def test_add_position_without_javascript_redirects(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("position-add"),
            {
                "title": "Editor",
                "organization": "Penguin",
                "start_date": "2019-03",
                "is_current": "on",
            },
        )
        assert response.status_code == 302
        position = Position.objects.get(profile=alice.profile)
        assert position.start_date.isoformat() == "2019-03-01"
        assert position.is_current and position.end_date is None

    def test_add_position_with_htmx_returns_section(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("position-add"),
            {
                "title": "Editor",
                "organization": "Penguin",
                "start_date": "2019-03",
                "end_date": "2021-05",
            },
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="positions"' in body and "Penguin" in body
        assert 'hx-swap-oob="true"' in body  # the completeness meter refreshes too

    def test_position_end_before_start_is_a_form_error(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("position-add"),
            {
                "title": "Editor",
                "organization": "Penguin",
                "start_date": "2020-03",
                "end_date": "2019-01",
            },
        )
        assert response.status_code == 400
        assert "before the start month" in response.content.decode()
        assert not Position.objects.exists()

    def test_cannot_delete_someone_elses_position(self, client, alice, bob):
        position = Position.objects.create(
            profile=bob.profile,
            title="CTO",
            organization="Acme",
            start_date="2020-01-01",
            is_current=True,
        )
        client.force_login(alice)
        assert client.post(reverse("position-delete", args=[position.pk])).status_code == 404
        assert Position.objects.filter(pk=position.pk).exists()

    def test_add_and_remove_skill_in_place(self, client, alice):
        client.force_login(alice)
        client.post(reverse("skill-add"), {"name": "Indexing"}, HTTP_HX_REQUEST="true")
        client.post(reverse("skill-add"), {"name": "indexing"}, HTTP_HX_REQUEST="true")
        assert list(Skill.objects.filter(profile=alice.profile).values_list("name", flat=True)) == [
            "Indexing"
        ]
        skill = Skill.objects.get(profile=alice.profile)
        response = client.post(reverse("skill-delete", args=[skill.pk]), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert not Skill.objects.exists()

    def test_education_add(self, client, alice):
        client.force_login(alice)
        response = client.post(
            reverse("education-add"),
            {
                "school": "MIT",
                "degree": "MSc",
                "field_of_study": "Aero",
                "start_year": 2001,
                "end_year": 2003,
            },
        )
        assert response.status_code == 302
        assert alice.profile.education.get().school == "MIT"

    def test_photo_upload_is_resized_to_a_square_jpeg(self, client, alice, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(alice)
        upload = io.BytesIO(png_bytes())
        upload.name = "me.png"
        response = client.post(reverse("photo-upload"), {"photo": upload})
        assert response.status_code == 302
        alice.profile.refresh_from_db()
        with Image.open(alice.profile.photo.path) as image:
            assert image.format == "JPEG"
            assert image.size == (settings.PHOTO_SIZE, settings.PHOTO_SIZE)

    def test_photo_upload_rejects_non_images(self, client, alice, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(alice)
        upload = io.BytesIO(b"%PDF-1.4 not an image")
        upload.name = "cv.png"
        response = client.post(reverse("photo-upload"), {"photo": upload})
        assert response.status_code == 400
        alice.profile.refresh_from_db()
        assert not alice.profile.photo

    def test_photo_upload_rejects_large_files(self, client, alice, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        settings.PHOTO_MAX_BYTES = 1000
        client.force_login(alice)
        upload = io.BytesIO(png_bytes((600, 600), "BMP"))
        upload.name = "big.bmp"
        response = client.post(reverse("photo-upload"), {"photo": upload})
        assert response.status_code == 400
        assert b"larger than" in response.content or b"JPEG, PNG" in response.content
