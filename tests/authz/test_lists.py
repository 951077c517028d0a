"""Everything a member can list, search or be notified about, scanned for what they must
not see (INVARIANTS 1, 3, 10):

* the name or handle of a member hidden from them (blocked either way, suspended,
  deleted) — except in their own list of members they block;
* contact details of anyone but themselves and their current 1st-degree connections;
* anyone's sign-in address but their own;
* an invited non-member's address, unless they invited it.

The oracle is tests.authz.world.Model: it knows the rules, not the code. Each surface
also has a positive control for Vera (what she must see there), so an empty or broken
page cannot pass for a private one.

The matrix: viewers × surfaces (API for six members, pages for four).
"""

from dataclasses import dataclass

import pytest

from tests.authz.helpers import client_for, leaks, require_path, text_of
from tests.authz.world import OUTSIDER_EMAIL, PEOPLE, Model, World

pytestmark = pytest.mark.django_db

NAME = {key: person.name for key, person in PEOPLE.items()}


@dataclass(frozen=True)
class Surface:
    name: str
    path: str  # {me}: the viewer's handle; {ask_by_vera}...: world.objects
    vera_sees: tuple[str, ...] = ()  # the positive control
    blocker_list: bool = False  # lists whom the viewer blocks, by design
    echoes: str = ""  # the query, which the page repeats in its search box

    def url(self, world: World, viewer: str) -> str:
        return self.path.format(me=world.handle(viewer), **world.objects)


API_SURFACES = [
    Surface("me", "/api/v1/me/", (PEOPLE["vera"].contact_email,)),
    Surface("connections", "/api/v1/connections/", (NAME["fay"], PEOPLE["fay"].phone)),
    Surface("requests-received", "/api/v1/connection-requests/?direction=received", ("Olga",)),
    Surface("requests-sent", "/api/v1/connection-requests/?direction=sent"),
    Surface("invitations", "/api/v1/invitations/", (OUTSIDER_EMAIL,)),
    Surface("blocks", "/api/v1/blocks/", (NAME["bob"],), blocker_list=True),
    Surface("notifications", "/api/v1/notifications/", (NAME["fay"], NAME["olga"])),
    Surface("unread-count", "/api/v1/notifications/unread-count/", ("unread_count",)),
    Surface("network-counts", "/api/v1/network/", ("first",)),
    Surface(
        "introductions", "/api/v1/introductions/", (NAME["sam"], "Vera would like to meet Sam.")
    ),
    Surface("introduction-history", "/api/v1/introductions/history/"),
    Surface("brokers-for-sam", "/api/v1/introductions/brokers/?target=sam-second", (NAME["fay"],)),
    Surface("recommendations-received", "/api/v1/recommendations/?role=received", (NAME["fay"],)),
    Surface("recommendations-written", "/api/v1/recommendations/?role=written", (NAME["fay"],)),
    Surface("recommendations-about-me", "/api/v1/recommendations/?about={me}", (NAME["fay"],)),
    Surface(
        "recommendations-about-fay", "/api/v1/recommendations/?about=fay-first", ("Vera says",)
    ),
    Surface(
        "recommendation-requests-sent",
        "/api/v1/recommendation-requests/?direction=sent",
        (NAME["fay"],),
    ),
    Surface("recommendation-requests-received", "/api/v1/recommendation-requests/"),
    Surface("recommendation-suggestions", "/api/v1/recommendations/suggestions/"),
    Surface("asks-feed", "/api/v1/asks/", (f"{NAME['fay']} needs", f"{NAME['sam']} needs")),
    Surface("asks-mine", "/api/v1/asks/?mine=1", (f"{NAME['vera']} needs",)),
    Surface("ask-of-vera", "/api/v1/asks/{ask_by_vera}/", ("Fay can help.",)),
    Surface("ask-of-sam", "/api/v1/asks/{ask_by_sam}/", (NAME["fay"],)),
    Surface("suggestions", "/api/v1/suggestions/", (NAME["sam"],)),
    Surface("who-at-acme", "/api/v1/network/at/?company=Acme", (NAME["sam"], NAME["tom"])),
    Surface(
        "who-at-acme-via-fay", "/api/v1/network/at/via/fay-first/?company=Acme", (NAME["sam"],)
    ),
    Surface("reach", "/api/v1/network/reach/?by=company", ("company",)),
    Surface("reach-acme-1st", "/api/v1/network/reach/members/?by=company&value=acme&degree=1"),
    Surface(
        "reach-acme-2nd",
        "/api/v1/network/reach/members/?by=company&value=acme&degree=2",
        (NAME["sam"],),
    ),
    Surface(
        "reach-acme-3rd",
        "/api/v1/network/reach/members/?by=company&value=acme&degree=3",
        (NAME["tom"],),
    ),
    Surface("keep-in-touch", "/api/v1/keep-in-touch/", (NAME["fay"],)),
    Surface("digest", "/api/v1/digest/"),
    Surface("search-acme", "/api/v1/profiles/?company=Acme", (NAME["sam"], NAME["tom"])),
    Surface("search-industry", "/api/v1/profiles/?industry=information-technology", (NAME["fay"],)),
    Surface("search-bea", "/api/v1/profiles/?q=Bea%20Blackwood"),
    Surface("search-bob", "/api/v1/profiles/?q=Bob%20Bramley"),
    Surface("search-sue", "/api/v1/profiles/?q=Sutcliffe"),
    Surface("search-dan", "/api/v1/profiles/?q=Dankworth"),
    Surface("search-deleted", "/api/v1/profiles/?q=Deleted%20member"),
    Surface("search-vera", "/api/v1/profiles/?q=Vera%20Vantage"),
    Surface("search-sam", "/api/v1/profiles/?q=Sam%20Sorensen", (NAME["sam"],)),
    Surface("profile-fay", "/api/v1/profiles/fay-first/", (PEOPLE["fay"].website,)),
    Surface("profile-sam", "/api/v1/profiles/sam-second/", (NAME["sam"],)),
    Surface("paths-tom", "/api/v1/profiles/tom-third/paths/", (NAME["fay"], NAME["sam"])),
    Surface("paths-una", "/api/v1/profiles/una-unreached/paths/"),
    Surface("mutual-sam", "/api/v1/profiles/sam-second/mutual/", (NAME["fay"],)),
    Surface("mutual-fay", "/api/v1/profiles/fay-first/mutual/"),
    Surface("api-tokens", "/api/v1/auth/tokens/", ("authz",)),
    Surface("exports", "/api/v1/me/exports/"),
    Surface("digest-preference", "/api/v1/me/digest/", ("frequency",)),
]

PAGE_SURFACES = [
    Surface("home", "/home/", (NAME["vera"],)),
    Surface("network", "/network/", (NAME["fay"],)),
    Surface("requests-received", "/network/requests/", (NAME["olga"],)),
    Surface("requests-sent", "/network/requests/sent/"),
    Surface("invitations", "/network/invitations/", (OUTSIDER_EMAIL,)),
    Surface("notifications", "/notifications/", (NAME["fay"],)),
    Surface("blocked", "/settings/blocked/", (NAME["bob"],), blocker_list=True),
    Surface("search-acme", "/search/?company=Acme", (NAME["sam"], NAME["tom"])),
    Surface("search-bea", "/search/?q=Bea+Blackwood", echoes=NAME["bea"]),
    Surface("search-sue", "/search/?q=Sue+Sutcliffe", echoes=NAME["sue"]),
    Surface("search-vera", "/search/?q=Vera+Vantage", echoes=NAME["vera"]),
    Surface("search-sam", "/search/?q=Sam+Sorensen", ("sam-second",), echoes=NAME["sam"]),
    Surface("own-profile", "/in/{me}/"),
    Surface("profile-fay", "/in/fay-first/", (PEOPLE["fay"].contact_email,)),
    Surface("profile-tom", "/in/tom-third/", (NAME["sam"],)),
    Surface("profile-una", "/in/una-unreached/", (NAME["una"],)),
    Surface("mutual-sam", "/in/sam-second/mutual/", (NAME["fay"],)),
    Surface("introductions", "/introductions/"),
    Surface("introductions-requests", "/introductions/requests/", (NAME["sam"],)),
    Surface("introductions-for-me", "/introductions/for-me/"),
    Surface("introductions-brokered", "/introductions/brokered/"),
    Surface("introduction", "/introductions/{intro_vera_sam}/", (NAME["sam"],)),
    Surface("get-introduced-to-tom", "/in/tom-third/get-introduced/", (NAME["fay"],)),
    Surface("recommendations", "/recommendations/", (NAME["fay"],)),
    Surface("asks", "/asks/", (f"{NAME['sam']} needs",)),
    Surface("asks-mine", "/asks/mine/", (f"{NAME['vera']} needs",)),
    Surface("ask-of-vera", "/asks/{ask_by_vera}/", ("Fay can help.",)),
    Surface("reach", "/network/reach/?by=company"),
    Surface(
        "reach-acme-2nd",
        "/network/reach/members/?by=company&value=acme&degree=2",
        (NAME["sam"],),
    ),
    Surface("discover", "/discover/"),
    Surface("discover-suggestions", "/discover/suggestions/"),
    Surface("who-at-acme", "/discover/at/?company=Acme", (NAME["sam"], NAME["tom"])),
    Surface("keep-in-touch", "/network/keep-in-touch/", (NAME["fay"],)),
    Surface("digest", "/digest/"),
    Surface("data", "/settings/data/"),
    Surface("apps", "/settings/apps/", ("Planner",)),
    Surface("tokens", "/settings/tokens/"),
    Surface("broker-settings", "/settings/broker/"),
    Surface("recommend-choose", "/recommendations/write/", (NAME["fay"],)),
    Surface("recommendation-ask", "/recommendations/ask/", (NAME["fay"],)),
    Surface("introduce-two", "/introductions/offer/", (NAME["fay"],)),
    Surface("discover-panel", "/discover/panel/"),
    Surface("network-size", "/network/size/"),
    Surface("new-ask", "/asks/new/"),
    Surface("reach-status", "/network/reach/status/"),
    Surface("data-state", "/settings/data/state/"),
]

API_VIEWERS = ["vera", "fay", "tom", "olga", "bea", "bob"]
PAGE_VIEWERS = ["vera", "fay", "bea", "bob"]


def _scan(world: World, viewer: str, surface: Surface, response) -> None:
    assert response.status_code < 500, f"{surface.name} failed for {viewer}"
    text = text_of(response)
    secrets = Model.secrets(viewer, blocker_list=surface.blocker_list)
    secrets.pop(surface.echoes, None)  # the handle stays secret: no result may show it
    found = leaks(text, secrets)
    assert not found, f"{surface.name} shows {viewer}: " + "; ".join(found)
    if viewer == "vera":
        assert response.status_code == 200, (response.status_code, text[:300])
        missing = [expected for expected in surface.vera_sees if expected not in text]
        assert not missing, f"the control failed: Vera's {surface.name} lacks {missing}"


@pytest.mark.parametrize("surface", API_SURFACES, ids=lambda s: s.name)
@pytest.mark.parametrize("viewer", API_VIEWERS)
def test_api(world, viewer, surface):
    url = surface.url(world, viewer)
    require_path(url)
    _scan(world, viewer, surface, world.api(viewer).get(url))


@pytest.mark.parametrize("surface", PAGE_SURFACES, ids=lambda s: s.name)
@pytest.mark.parametrize("viewer", PAGE_VIEWERS)
def test_page(world, viewer, surface):
    url = surface.url(world, viewer)
    require_path(url)
    response = world.browser(viewer).get(url)
    assert response.status_code != 302, f"{viewer}'s session did not open {url}"
    _scan(world, viewer, surface, response)


def test_suggestions_computed_before_the_blocks_still_hide_them(world):
    # Vera's people-you-may-know were computed while Bob was a 2nd-degree candidate;
    # the list shows who may be seen now.
    handles = [
        row["handle"] for row in world.api("vera").get("/api/v1/suggestions/").json()["results"]
    ]
    assert world.handle("sam") in handles
    assert world.handle("bob") not in handles


def test_counts_agree_with_lists(world):
    # A count never says more than the list it counts (INVARIANTS 3: hidden members'
    # notifications are neither listed nor counted).
    api = world.api("vera")
    listed = api.get("/api/v1/notifications/").json()
    unread = api.get("/api/v1/notifications/unread-count/").json()["unread_count"]
    assert unread == sum(1 for row in listed["results"] if not row.get("read_at"))
    assert api.get("/api/v1/network/").json()["first"] == len(Model.first_degree("vera"))
    # Sam's mutual connections with Vera: Fay (Sue, suspended, is not one any more).
    mutual = api.get("/api/v1/profiles/sam-second/mutual/").json()
    assert [row["handle"] for row in mutual["results"]] == ["fay-first"]
    assert api.get("/api/v1/profiles/sam-second/").json()["mutual_connections_count"] == 1
    found = api.get("/api/v1/profiles/?q=Sorensen").json()["results"]
    assert [row["mutual_connections_count"] for row in found] == [1]
    # Vera's ask was answered by Fay and by Bea, who blocks her since: one answer shown,
    # one counted.
    ask = api.get(f"/api/v1/asks/{world.objects['ask_by_vera']}/").json()
    assert ask["reach"]["answers"] == 1


# Nobody, a suspended member and a deleted one: the API says 401 and nothing else;
# pages ask to log in, but for the public profile pages, which show no contact details.
LOCKED_OUT_API = [
    ("nobody", "anon"),
    ("sue", "token"),
    ("dan", "token"),
    ("sue", "oauth:sue:profile"),
]


@pytest.mark.parametrize("surface", API_SURFACES, ids=lambda s: s.name)
def test_api_locked_out(world, surface):
    url = surface.url(world, "vera")
    require_path(url)
    for viewer, via in LOCKED_OUT_API:
        response = client_for(world, viewer, via).get(url)
        assert response.status_code == 401, (viewer, via, response.status_code)
        assert set(response.json()) == {"error"}


@pytest.mark.parametrize("surface", PAGE_SURFACES, ids=lambda s: s.name)
def test_page_locked_out(world, surface):
    url = surface.url(world, "vera")
    require_path(url)
    for viewer in (None, "sue", "dan"):
        response = world.browser(viewer).get(url)
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/"), response["Location"]
            continue
        assert url.startswith("/in/"), f"{url} answered {response.status_code} to {viewer}"
        found = leaks(text_of(response), Model.secrets("a visitor"))
        assert not found, f"{url} shows a visitor: {found}"
