"""Download my data: an archive prepared by Celery with its progress shown, the member's
data as JSON and CSV, privacy rules kept, available to its member alone for 72 hours."""

import csv
import io
import json
import zipfile
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from connections import services as connection_services
from connections.models import Notification
from introductions import services as introduction_services
from privacy import services
from privacy.models import DataExport
from profiles.services import member_suspend

pytestmark = pytest.mark.django_db


def archive_of(export: DataExport) -> zipfile.ZipFile:
    return zipfile.ZipFile(services.export_path(export))


def data_of(export: DataExport) -> dict:
    return json.loads(archive_of(export).read("linkup-data/data.json"))


def build(member, on_commit) -> DataExport:
    with on_commit():
        export = services.export_request(member=member)
    export.refresh_from_db()
    return export


@pytest.fixture
def network(make_member, connect):
    alice = make_member("alice", full_name="Alice Archer", contact_email="alice@example.com")
    bob = make_member("bob", full_name="Bob Baker", contact_email="bob@example.com", phone="+1 5")
    carol = make_member("carol", full_name="Carol Chen", contact_email="carol@example.com")
    connect(alice, bob)
    connect(bob, carol)
    return alice, bob, carol


def test_the_archive_is_built_in_the_background_with_every_section(network, on_commit):
    alice, bob, _carol = network
    export = build(alice, on_commit)
    assert export.status == DataExport.Status.READY
    assert export.progress == 100
    assert export.expires_at - export.finished_at == timedelta(hours=72)
    names = set(archive_of(export).namelist())
    assert {"linkup-data/data.json", "linkup-data/README.txt", "linkup-data/profile.csv"} <= names
    assert {"linkup-data/connections.csv", "linkup-data/introductions.csv"} <= names
    data = data_of(export)
    assert data["profile"][0]["handle"] == "alice"
    assert data["profile"][0]["contact_email"] == "alice@example.com"
    # A current connection's contact details are the member's to see...
    assert data["connections"] == [
        {
            "handle": "bob",
            "full_name": "Bob Baker",
            "headline": bob.profile.headline,
            "connected_at": data["connections"][0]["connected_at"],
            "my_note": "",
            "contact_email": "bob@example.com",
            "phone": "+1 5",
            "website": bob.profile.website,
        }
    ]
    # ...and nobody else's appear anywhere in the archive.
    assert "carol@example.com" not in archive_of(export).read("linkup-data/data.json").decode()
    rows = list(
        csv.DictReader(io.StringIO(archive_of(export).read("linkup-data/connections.csv").decode()))
    )
    assert [r["handle"] for r in rows] == ["bob"]


def test_ready_is_notified_in_the_app_and_by_email(network, on_commit):
    alice, _, _ = network
    with on_commit():
        export = services.export_request(member=alice)
    notification = Notification.objects.get(recipient=alice, kind=Notification.Kind.EXPORT_READY)
    assert notification.subject_id == export.pk
    assert any("Your LinkUp data is ready" in m.subject for m in mail.outbox)


def test_progress_is_reported_section_by_section(network):
    alice, _, _ = network
    export = DataExport.objects.create(member=alice)
    seen: list[tuple[int, str]] = []

    def record(export_id, done, total, step):
        services._progress(export_id, done, total, step)
        row = DataExport.objects.get(pk=export_id)
        seen.append((row.progress, row.step))

    services.export_build(export.pk, on_progress=record)
    progresses = [p for p, _ in seen]
    assert progresses == sorted(progresses) and progresses[0] == 0 and progresses[-1] < 100
    assert seen[1][1] == "Gathering positions"
    assert DataExport.objects.get(pk=export.pk).progress == 100


def test_blocked_and_suspended_members_are_left_out(network, make_member, on_commit):
    alice, bob, carol = network
    dave = make_member("dave")
    connection_services.connection_request_create(sender=carol, recipient=alice, note="hi")
    connection_services.connection_request_create(sender=dave, recipient=alice, note="yo")
    connection_services.block_create(blocker=carol, blocked=alice)
    member_suspend(member=bob)
    data = data_of(build(alice, on_commit))
    assert data["connections"] == []
    assert [r["handle"] for r in data["connection_requests"]] == ["dave"]
    text = json.dumps(data)
    assert "carol" not in text.lower() and "Bob Baker" not in text


def test_introductions_are_exported_as_each_participant_sees_them(network, on_commit):
    alice, bob, carol = network
    introduction_services.introduction_request(
        requester=alice,
        via=[bob],
        target=carol,
        message="Carol, I would love to talk about indexing.",
        note_to_broker="Bob, only for you: she owes me one.",
    )
    mine = data_of(build(alice, on_commit))["introductions"]
    assert mine[0]["my_role"] == "requester" and mine[0]["target"] == "carol"
    broker = data_of(build(bob, on_commit))["introductions"]
    assert broker[0]["notes_for_me"] == "Bob, only for you: she owes me one."
    # The target has not been reached: the introduction is not theirs to see yet.
    assert data_of(build(carol, on_commit))["introductions"] == []


def test_one_archive_at_a_time_and_a_few_a_day(network, on_commit):
    alice, _, _ = network
    with mock.patch("privacy.services.enqueue"):
        with on_commit():
            services.export_request(member=alice)
        with pytest.raises(services.ApplicationError) as busy:
            services.export_request(member=alice)
    assert busy.value.status == 409
    DataExport.objects.update(status=DataExport.Status.FAILED)
    for _ in range(services.EXPORTS_PER_DAY - 1):
        build(alice, on_commit)
    with pytest.raises(services.RateLimited):
        services.export_request(member=alice)


def test_a_duplicate_delivery_builds_once(network):
    alice, _, _ = network
    export = DataExport.objects.create(member=alice)
    assert services.export_build(export.pk) is not None
    assert services.export_build(export.pk) is None
    assert Notification.objects.filter(kind=Notification.Kind.EXPORT_READY).count() == 1


def test_the_sweep_requeues_lost_work_fails_stuck_work_and_expires_old_archives(network, on_commit):
    alice, bob, _ = network
    ready = build(alice, on_commit)
    lost = DataExport.objects.create(member=bob)
    DataExport.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    with mock.patch("privacy.services.enqueue") as enqueue:
        result = services.exports_sweep()
    assert result["requeued"] == 1 and enqueue.call_args.args[1] == lost.pk
    DataExport.objects.filter(pk=ready.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    path = services.export_path(ready)
    assert path.exists()
    assert services.exports_sweep()["expired"] == 1
    assert not path.exists()
    assert DataExport.objects.get(pk=ready.pk).status == DataExport.Status.EXPIRED


def test_the_page_shows_progress_and_the_download(client, network, on_commit):
    alice, bob, _ = network
    client.force_login(alice)
    page = client.get(reverse("settings-data"))
    assert b"Prepare my archive" in page.content
    with mock.patch("privacy.services.enqueue"), on_commit():
        client.post(reverse("settings-data-export"))
    state = client.get(reverse("settings-data-state"))
    assert b'hx-trigger="every 2s"' in state.content and b"Waiting for a worker" in state.content
    export = DataExport.objects.get(member=alice)
    services.export_build(export.pk)
    state = client.get(reverse("settings-data-state"))
    assert b"every 2s" not in state.content and b"Download" in state.content
    download = client.get(reverse("settings-data-download", args=[export.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    client.force_login(bob)
    assert client.get(reverse("settings-data-download", args=[export.pk])).status_code == 404


def test_the_api_prepares_lists_and_serves_archives_to_their_member_only(
    api_as, network, on_commit
):
    alice, bob, _ = network
    api = api_as(alice)
    with on_commit():
        created = api.post("/api/v1/me/exports/")
    assert created.status_code == 202
    export_id = created.json()["id"]
    detail = api.get(f"/api/v1/me/exports/{export_id}/").json()
    assert detail["status"] == "ready" and detail["progress"] == 100
    assert detail["download_url"] == f"/api/v1/me/exports/{export_id}/download/"
    assert api.get("/api/v1/me/exports/").json()["count"] == 1
    download = api.get(detail["download_url"])
    assert download.status_code == 200
    other = api_as(bob)
    assert other.get(f"/api/v1/me/exports/{export_id}/").status_code == 404
    assert other.get(detail["download_url"]).status_code == 404
    assert api.get("/api/v1/me/exports/999999/download/").status_code == 404
