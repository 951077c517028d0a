"""A profile, seen by everyone who can ask for it, on the page and in the API.

INVARIANTS 1 (contact details only for the member and their 1st degree: keys absent,
not empty, otherwise), 5 (a hidden member looks exactly like one who never existed)
and 10 (a token or app never sees more than its member, narrowed by scopes).

Rows read "viewer via credential -> target: expectation".
"""

import pytest

from tests.authz.helpers import assert_same_as_missing, client_for, text_of
from tests.authz.world import PEOPLE

pytestmark = pytest.mark.django_db

CONTACT_KEYS = {"contact_email", "phone", "website"}

# expectation: contact | plain (no contact) | hidden (= a missing member) | 401 | 403
API_CASES = [
    # Vera looks at everyone.
    ("vera", "token", "vera", "contact", None),
    ("vera", "token", "fay", "contact", 1),
    ("vera", "token", "sam", "plain", 2),
    ("vera", "token", "tom", "plain", 3),
    ("vera", "token", "olga", "plain", None),
    ("vera", "token", "una", "plain", None),  # only through hidden members: out of network
    ("vera", "token", "bea", "hidden", None),  # blocks Vera
    ("vera", "token", "bob", "hidden", None),  # Vera blocks him
    ("vera", "token", "sue", "hidden", None),  # suspended, still in the edge table
    ("vera", "token", "dan-tombstone", "hidden", None),  # deleted: its tombstone
    ("vera", "token", "dan", "hidden", None),  # deleted: the handle he had
    ("vera", "session", "fay", "contact", 1),
    ("vera", "session", "sam", "plain", 2),
    ("vera", "session", "bea", "hidden", None),
    # Everyone looks at Vera.
    ("fay", "token", "vera", "contact", 1),
    ("sam", "token", "vera", "plain", 2),
    ("tom", "token", "vera", "plain", 3),
    ("olga", "token", "vera", "plain", None),
    ("bea", "token", "vera", "hidden", None),
    ("bob", "token", "vera", "hidden", None),
    ("fay", "token", "bea", "contact", 1),  # a block is between two members only
    ("fay", "token", "bob", "contact", 1),
    ("fay", "token", "sue", "hidden", None),
    ("sue", "token", "vera", "401", None),  # a suspended viewer's token stops working
    ("dan", "token", "vera", "401", None),  # a deleted viewer's token is gone
    (None, "anon", "vera", "401", None),
    # OAuth apps: what Vera sees, no more, and only with the scope.
    ("vera", "oauth:vera:profile+network", "fay", "contact", 1),
    ("vera", "oauth:vera:profile+network", "sam", "plain", 2),
    ("vera", "oauth:vera:profile+network", "bea", "hidden", None),
    ("vera", "oauth:vera:network", "fay", "403", None),  # no profile:read
    ("sue", "oauth:sue:profile", "vera", "401", None),
    ("dan", "oauth:dan:profile", "vera", "401", None),
]


def _id(case: tuple) -> str:
    viewer, via, target, expected, _ = case
    return f"{viewer or 'nobody'}-via-{via}->{target}:{expected}"


@pytest.mark.parametrize("viewer,via,target,expected,degree", API_CASES, ids=map(_id, API_CASES))
def test_profile_api(world, viewer, via, target, expected, degree):
    client = client_for(world, viewer, via)
    response = client.get(f"/api/v1/profiles/{world.handle(target)}/")

    if expected == "hidden":
        missing = client.get(f"/api/v1/profiles/{world.handle('ghost')}/")
        assert_same_as_missing(response, missing, what=f"profile of {target} to {viewer}")
        return
    if expected in ("401", "403"):
        assert response.status_code == int(expected), response.content
        assert set(response.json()) == {"error"}
        if expected == "403":
            assert response.json()["error"]["code"] == "insufficient_scope"
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["handle"] == world.handle(target)
    assert body["degree"] == degree
    person = PEOPLE[target]
    if expected == "contact":
        assert {k: body[k] for k in CONTACT_KEYS} == {
            "contact_email": person.contact_email,
            "phone": person.phone,
            "website": person.website,
        }
    else:
        assert not CONTACT_KEYS & set(body), f"contact keys present: {CONTACT_KEYS & set(body)}"
        for value in person.contact:
            assert value not in response.content.decode()
    assert person.account_email not in response.content.decode()


# Pages: the browser's session; a suspended or deleted member's session no longer counts,
# so they see what a logged-out visitor sees. Profile pages are public to visitors.
PAGE_CASES = [
    ("vera", "vera", "contact"),
    ("vera", "fay", "contact"),
    ("vera", "sam", "plain"),
    ("vera", "tom", "plain"),
    ("vera", "olga", "plain"),
    ("vera", "bea", "hidden"),
    ("vera", "bob", "hidden"),
    ("vera", "sue", "hidden"),
    ("vera", "dan-tombstone", "hidden"),
    ("fay", "vera", "contact"),
    ("sam", "vera", "plain"),
    ("tom", "vera", "plain"),
    ("olga", "vera", "plain"),
    ("bea", "vera", "hidden"),
    ("bob", "vera", "hidden"),
    ("sue", "vera", "plain"),
    ("dan", "vera", "plain"),
    (None, "vera", "plain"),
    (None, "sue", "hidden"),
    (None, "dan-tombstone", "hidden"),
]


@pytest.mark.parametrize(
    "viewer,target,expected",
    PAGE_CASES,
    ids=[f"{v or 'nobody'}->{t}:{e}" for v, t, e in PAGE_CASES],
)
def test_profile_page(world, viewer, target, expected):
    browser = world.browser(viewer)
    response = browser.get(f"/in/{world.handle(target)}/")

    if expected == "hidden":
        missing = browser.get(f"/in/{world.handle('ghost')}/")
        assert_same_as_missing(response, missing, what=f"profile page of {target} to {viewer}")
        return
    assert response.status_code == 200
    page = text_of(response)
    person = PEOPLE[target]
    assert person.name in page
    shown = [value for value in person.contact if value in page]
    if expected == "contact":
        assert shown == list(person.contact)
    else:
        assert shown == [], f"{viewer} sees {target}'s contact details: {shown}"
    assert person.account_email not in page


@pytest.mark.parametrize("credential", ["Token", "Bearer"])
def test_a_token_does_not_log_anyone_in_on_pages(world, credential):
    # Pages take the browser's session only: a token or an app's access token sent to a
    # page is a visitor (the profile without contact details; other pages ask to log in).
    secret = world.tokens["fay"] if credential == "Token" else world.oauth["vera:all-read"]
    header = {"HTTP_AUTHORIZATION": f"{credential} {secret}"}
    browser = world.browser(None)

    profile = browser.get(f"/in/{world.handle('vera')}/", **header)
    network = browser.get("/network/", **header)

    assert profile.status_code == 200
    assert not [value for value in PEOPLE["vera"].contact if value in text_of(profile)]
    assert network.status_code == 302 and "/accounts/login/" in network["Location"]
