import pytest
from django.urls import reverse

from reach import services
from reach.models import ReachHistory, ReachSummary

pytestmark = pytest.mark.django_db


def test_admins_see_summaries_read_only(client, person, connect, django_user_model):
    alice, bob = person("alice"), person("bob", industry="retail")
    connect(alice, bob)
    services.reach_compute(member_ids=[alice.pk])
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(admin)
    summary = ReachSummary.objects.get(member=alice)
    listing = client.get(reverse("admin:reach_reachsummary_changelist"), {"q": "alice"})
    assert listing.status_code == 200 and "alice" in listing.content.decode()
    page = client.get(reverse("admin:reach_reachsummary_change", args=[summary.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "&quot;retail&quot;" in html
    assert 'name="_save"' not in html  # nothing to save: read-only
    assert client.get(reverse("admin:reach_reachsummary_add")).status_code == 403
    history = client.get(reverse("admin:reach_reachhistory_changelist"))
    assert history.status_code == 200
    assert ReachHistory.objects.filter(member=alice).count() == 1
