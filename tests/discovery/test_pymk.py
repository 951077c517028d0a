"""People you may know: ranking, exclusions (at computation and at read time), the Celery
computation and sweep, the pages, and query counts."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from common.exceptions import ApplicationError
from connections import graph
from connections import services as connection_services
from connections.models import ConnectionRequest, GraphChange
from discovery import candidates, selectors, services
from discovery.models import PymkDismissal, Suggestion, SuggestionState
from discovery.tasks import compute_suggestions, refresh_suggestions
from profiles.models import User
from profiles.services import member_suspend

pytestmark = pytest.mark.django_db


def shown(member) -> list[str]:
    return [s.candidate.username for s in selectors.suggestions_for(member)]


@pytest.fixture
def world(alice, bob, carol, people, connect, works_at, studied_at):
    """alice knows bob and carol. Around her:

    dave  knows bob and carol         (2 mutual connections)
    erin  knows bob                   (1 mutual connection)
    frank worked at Acme when alice did
    gina  worked at Acme, later
    hank  was at Lisbon when alice was
    ivan  knows bob, and was at Lisbon years later
    """
    p = people("dave", "erin", "frank", "gina", "hank", "ivan")
    connect(alice, bob)
    connect(alice, carol)
    connect(p["dave"], bob)
    connect(p["dave"], carol)
    connect(p["erin"], bob)
    connect(p["ivan"], bob)
    works_at(alice, "Acme", date(2015, 1, 1), date(2018, 1, 1))
    works_at(p["frank"], "Acme", date(2016, 1, 1), date(2019, 1, 1))
    works_at(p["gina"], "Acme", date(2019, 1, 1))
    studied_at(alice, "University of Lisbon", 2005, 2009)
    studied_at(p["hank"], "University of Lisbon", 2007, 2011)
    studied_at(p["ivan"], "University of Lisbon", 2012, 2016)
    return {"alice": alice, "bob": bob, "carol": carol, **p}


class TestRanking:
    def test_colleagues_alumni_and_mutual_connections_scored_together(self, world):
        alice = world["alice"]
        assert services.suggestions_compute(member_id=alice.pk) == 6
        # frank 4 (Acme, same time) > hank 3 (Lisbon, same years) > dave 2 mutual
        # = ivan 1 mutual + Lisbon (other years), more mutual first > gina 1.5 > erin 1.
        assert shown(alice) == ["frank", "hank", "dave", "ivan", "gina", "erin"]
        rows = {s.candidate.username: s for s in selectors.suggestions_for(alice)}
        assert rows["dave"].mutual_count == 2 and rows["dave"].score == 2.0
        assert rows["frank"].reason["companies"] == [{"name": "Acme", "overlap": True}]
        assert rows["gina"].reason["companies"] == [{"name": "Acme", "overlap": False}]
        assert rows["hank"].reason["schools"] == [{"name": "University of Lisbon", "overlap": True}]
        assert rows["ivan"].score == 1 + candidates.SCHOOL_SHARED

    def test_never_the_viewer_nor_a_connection(self, world):
        alice = world["alice"]
        services.suggestions_compute(member_id=alice.pk)
        stored = set(Suggestion.objects.filter(member=alice).values_list("candidate", flat=True))
        assert alice.pk not in stored
        assert {world["bob"].pk, world["carol"].pk}.isdisjoint(stored)

    def test_hidden_intermediaries_do_not_count_as_mutual(self, world):
        member_suspend(member=world["carol"])
        services.suggestions_compute(member_id=world["alice"].pk)
        dave = Suggestion.objects.get(member=world["alice"], candidate=world["dave"])
        assert dave.mutual_count == 1

    def test_keeps_the_best_hundred(self, alice, bob, people, connect, monkeypatch):
        monkeypatch.setattr(services, "KEEP", 3)
        connect(alice, bob)
        for member in people(*[f"m{i}" for i in range(5)]).values():
            connect(member, bob)
        assert services.suggestions_compute(member_id=alice.pk) == 3
        assert Suggestion.objects.filter(member=alice).count() == 3


def _exclude_everyone_else(world, *, now_hidden):
    """Make every candidate but dave unsuggestable, each for another reason."""
    alice = world["alice"]
    # A pending request either way, and an ignored one either way.
    ConnectionRequest.objects.create(from_member=alice, to_member=world["erin"])
    ConnectionRequest.objects.create(from_member=world["frank"], to_member=alice)
    ignored_at = timezone.now()
    ConnectionRequest.objects.create(
        from_member=world["gina"], to_member=alice, status="ignored", responded_at=ignored_at
    )
    # Blocked either way.
    connection_services.block_create(blocker=alice, blocked=world["hank"])
    connection_services.block_create(blocker=world["ivan"], blocked=alice)
    # Dismissed, suspended.
    services.pymk_dismiss(member=alice, handle="zara")
    member_suspend(member=world["yann"])
    if now_hidden:
        now_hidden()


@pytest.fixture
def crowded(world, people, connect, works_at):
    """Two more candidates: zara (to be dismissed) and yann (to be suspended)."""
    more = people("zara", "yann")
    connect(more["zara"], world["bob"])
    connect(more["yann"], world["bob"])
    return {**world, **more}


class TestExclusions:
    def test_excluded_at_computation(self, crowded):
        alice = crowded["alice"]
        _exclude_everyone_else(crowded, now_hidden=None)
        services.suggestions_compute(member_id=alice.pk)
        stored = list(Suggestion.objects.filter(member=alice).values_list("candidate__username"))
        assert stored == [("dave",)]
        assert shown(alice) == ["dave"]

    def test_excluded_when_it_changes_after_computation(self, crowded, fresh_graph):
        alice = crowded["alice"]
        services.suggestions_compute(member_id=alice.pk)
        assert set(shown(alice)) == {
            "dave", "erin", "frank", "gina", "hank", "ivan", "zara", "yann",
        }  # fmt: skip
        _exclude_everyone_else(crowded, now_hidden=None)
        assert shown(alice) == ["dave"]
        # And a connection made since: dave is gone too, without a recomputation.
        graph.add_edge(alice.pk, crowded["dave"].pk)
        assert shown(alice) == []
        assert Suggestion.objects.filter(member=alice).count() >= 6  # the rows are still there

    def test_dismissal_is_stored_and_idempotent(self, crowded):
        alice = crowded["alice"]
        services.suggestions_compute(member_id=alice.pk)
        first = services.pymk_dismiss(member=alice, handle="Dave")
        again = services.pymk_dismiss(member=alice, handle="dave")
        assert first.pk == again.pk
        assert PymkDismissal.objects.filter(member=alice, dismissed=crowded["dave"]).count() == 1
        services.suggestions_compute(member_id=alice.pk)
        assert "dave" not in shown(alice)

    def test_dismissing_a_hidden_member_is_a_404_like_a_missing_one(self, crowded):
        alice = crowded["alice"]
        member_suspend(member=crowded["yann"])
        connection_services.block_create(blocker=crowded["zara"], blocked=alice)
        for handle in ("yann", "zara", "nobody"):
            with pytest.raises(ApplicationError) as caught:
                services.pymk_dismiss(member=alice, handle=handle)
            assert caught.value.status == 404
        with pytest.raises(ApplicationError) as caught:
            services.pymk_dismiss(member=alice, handle="alice")
        assert caught.value.status == 400

    def test_a_hidden_member_gets_no_suggestions(self, world):
        member_suspend(member=world["alice"])
        assert services.suggestions_compute(member_id=world["alice"].pk) == 0
        assert not Suggestion.objects.filter(member=world["alice"]).exists()


class TestCelery:
    def test_the_task_computes_and_skips_duplicates(self, world):
        alice = world["alice"]
        asked = timezone.now() - timedelta(seconds=1)
        assert compute_suggestions.delay([alice.pk], asked.isoformat()).get() == {
            "computed": 1,
            "skipped": 0,
        }
        state = SuggestionState.objects.get(pk=alice.pk)
        assert state.ready and state.candidates == 6 and state.seconds is not None
        # A duplicate delivery of the same request finds it done after it was asked.
        assert compute_suggestions.delay([alice.pk], asked.isoformat()).get() == {
            "computed": 0,
            "skipped": 1,
        }
        assert shown(alice)[0] == "frank"

    def test_beat_runs_the_sweep(self):
        entries = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
        assert "discovery.tasks.refresh_suggestions" in entries
        assert "discovery.tasks.refresh_directory" in entries

    def test_sweep_recomputes_after_the_members_connections_change(
        self, world, people, connect, on_commit
    ):
        alice = world["alice"]
        olga = people("olga")["olga"]
        connect(olga, world["dave"])
        services.suggestions_compute(member_id=alice.pk)
        assert services.stale_member_ids() == []
        # A new connection of alice's makes her suggestions stale.
        request = connection_services.connection_request_create(sender=alice, recipient=olga)
        connection_services.connection_request_accept(request_id=request.request.pk, member=olga)
        assert services.stale_member_ids() == [alice.pk]
        with on_commit():
            assert refresh_suggestions.delay().get() == 1
        # Connected to olga now, who knows dave: bob, carol and olga are mutual.
        dave = Suggestion.objects.get(member=alice, candidate=world["dave"])
        assert dave.mutual_count == 3
        # A change stamped within COMMIT_MARGIN before a computation may have committed
        # after it: it still counts as missed. Once older than that, it does not.
        assert services.stale_member_ids() == [alice.pk]
        GraphChange.objects.update(created_at=timezone.now() - timedelta(minutes=3))
        assert services.stale_member_ids() == []

    def test_sweep_takes_recent_visitors_with_old_suggestions(self, world):
        alice, bob, carol = world["alice"], world["bob"], world["carol"]
        now = timezone.now()
        for member in (alice, bob, carol):
            services.suggestions_compute(member_id=member.pk)
        SuggestionState.objects.filter(pk=alice.pk).update(
            computed_at=now - timedelta(hours=13), visited_at=now - timedelta(hours=1)
        )
        # Visited long ago: left alone. Computed recently: left alone.
        SuggestionState.objects.filter(pk=bob.pk).update(
            computed_at=now - timedelta(hours=13), visited_at=now - timedelta(days=8)
        )
        SuggestionState.objects.filter(pk=carol.pk).update(visited_at=now)
        assert services.stale_member_ids() == [alice.pk]

    def test_sweep_retries_a_lost_first_computation(self, world, on_commit):
        alice = world["alice"]
        SuggestionState.objects.create(
            member=alice, requested_at=timezone.now() - timedelta(minutes=5)
        )
        assert services.stale_member_ids() == [alice.pk]
        with on_commit():
            services.suggestions_sweep()
        assert SuggestionState.objects.get(pk=alice.pk).ready
        assert shown(alice)


class TestPage:
    def test_first_visit_finds_then_shows(self, client, world, on_commit):
        alice = world["alice"]
        client.force_login(alice)
        with on_commit() as callbacks:
            response = client.get(reverse("discover"))
        assert response.status_code == 200
        assert b"Finding people you may know" in response.content
        assert b'hx-get="/discover/suggestions/?tries=1"' in response.content
        assert len(callbacks) == 1  # the computation, run by the eager worker
        response = client.get(reverse("discover-suggestions"), {"tries": 1})
        assert b"Finding people" not in response.content
        assert b"Frank Example" in response.content and b"hx-post" in response.content
        assert b"Worked at Acme when you did" in response.content
        assert b"2 mutual connections" in response.content

    def test_polling_gives_up_after_a_while(self, client, world):
        client.force_login(world["alice"])
        response = client.get(reverse("discover-suggestions"), {"tries": 30})
        assert b"taking longer than usual" in response.content
        assert b"hx-trigger" not in response.content

    def test_no_contact_details(self, client, world):
        alice, frank = world["alice"], world["frank"]
        frank.profile.contact_email = "frank@secret.example"
        frank.profile.phone = "+351 555 0100"
        frank.profile.save()
        services.suggestions_compute(member_id=alice.pk)
        client.force_login(alice)
        response = client.get(reverse("discover"))
        assert b"Frank Example" in response.content
        assert b"secret.example" not in response.content and b"555 0100" not in response.content

    def test_connect_button_sends_a_request_in_place(self, client, world):
        alice, dave = world["alice"], world["dave"]
        services.suggestions_compute(member_id=alice.pk)
        client.force_login(alice)
        response = client.post(
            reverse("discover-connect", args=["dave"]), headers={"HX-Request": "true"}
        )
        assert response.status_code == 200
        assert b"Request sent." in response.content
        assert ConnectionRequest.objects.filter(
            from_member=alice, to_member=dave, status="pending"
        ).exists()
        assert "dave" not in shown(alice)
        # Again: the service's refusal shows in the row, with its status.
        response = client.post(
            reverse("discover-connect", args=["dave"]), headers={"HX-Request": "true"}
        )
        assert response.status_code == 409 and b"already have a pending" in response.content

    def test_dont_know_them_button(self, client, world):
        alice = world["alice"]
        services.suggestions_compute(member_id=alice.pk)
        client.force_login(alice)
        response = client.post(
            reverse("discover-dismiss", args=["frank"]), headers={"HX-Request": "true"}
        )
        assert response.status_code == 200 and b"suggest Frank Example again" in response.content
        assert "frank" not in shown(alice)
        # Without JavaScript: a redirect back to the page.
        response = client.post(reverse("discover-dismiss", args=["gina"]))
        assert response.status_code == 302 and response.url == reverse("discover")

    def test_buttons_on_hidden_members_are_404(self, client, world):
        alice = world["alice"]
        member_suspend(member=world["dave"])
        connection_services.block_create(blocker=world["erin"], blocked=alice)
        client.force_login(alice)
        for handle in ("dave", "erin", "nobody"):
            for name in ("discover-connect", "discover-dismiss"):
                assert client.post(reverse(name, args=[handle])).status_code == 404
        assert client.get(reverse("discover-connect", args=["frank"])).status_code == 405

    def test_home_panel(self, client, world):
        alice = world["alice"]
        services.suggestions_compute(member_id=alice.pk)
        client.force_login(alice)
        response = client.get(reverse("discover-panel"))
        assert response.status_code == 200
        assert response.content.count(b'class="net-row suggestion"') == 3
        assert b"Frank Example" in response.content

    def test_pages(self, client, world, people, connect, monkeypatch):
        from discovery import views

        monkeypatch.setattr(views, "PAGE_SIZE", 4)
        alice = world["alice"]
        services.suggestions_compute(member_id=alice.pk)
        client.force_login(alice)
        first = client.get(reverse("discover")).content
        second = client.get(reverse("discover"), {"page": 2}).content
        assert b"Frank Example" in first and b"Gina Example" not in first and b"Next" in first
        assert b"Gina Example" in second and b"Erin Example" in second
        assert b"Frank Example" not in second


class TestQueryCounts:
    def test_the_list_is_one_query_whatever_the_number_of_rows(
        self,
        client,
        world,
        people,
        connect,
        django_assert_num_queries,
        django_assert_max_num_queries,
        fresh_graph,
    ):
        alice = world["alice"]
        services.suggestions_compute(member_id=alice.pk)
        SuggestionState.objects.filter(pk=alice.pk).update(visited_at=timezone.now())
        client.force_login(alice)
        url = reverse("discover-suggestions")
        # session, user, the state, the suggestions.
        with django_assert_num_queries(4):
            few = client.get(url).content
        assert few.count(b'class="net-row suggestion"') == 6
        with django_assert_max_num_queries(20) as page:
            client.get(reverse("discover"))
        page_queries = len(page.captured_queries)  # the list plus the top bar's badges
        for member in people(*[f"extra{i}" for i in range(10)]).values():
            connect(member, world["bob"])
        fresh_graph()
        services.suggestions_compute(member_id=alice.pk)
        with django_assert_num_queries(4):
            many = client.get(url).content
        assert many.count(b'class="net-row suggestion"') == 16
        with django_assert_num_queries(page_queries):
            client.get(reverse("discover"))


class TestAdmin:
    def test_models_are_listed_and_dismissals_filterable(self, client, world, make_member):
        alice = world["alice"]
        services.suggestions_compute(member_id=alice.pk)
        services.pymk_dismiss(member=alice, handle="frank")
        services.directory_refresh()
        moderator = make_member("moderator", full_name="Mo Derator")
        User.objects.filter(pk=moderator.pk).update(is_staff=True, is_superuser=True)
        client.force_login(moderator)
        for model in ("suggestion", "suggestionstate", "pymkdismissal", "directoryname"):
            response = client.get(reverse(f"admin:discovery_{model}_changelist"))
            assert response.status_code == 200, model
        url = reverse("admin:discovery_pymkdismissal_changelist")
        # Dismissed by one member only: not among those dismissed by 5 or more.
        assert b">frank<" in client.get(url).content
        assert b">frank<" not in client.get(url, {"dismissed_by": "5"}).content
        response = client.get(reverse("admin:discovery_suggestion_changelist"), {"q": "frank"})
        assert b"frank" in response.content
