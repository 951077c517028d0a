"""One small world for the authorization suite, built once for the whole package.

Every member stands in one relation to the viewer, Vera:

    vera ── fay ── sam ── tom     1st, 2nd and 3rd degree (Fay and Vera: Northwind)
    bea: blocks Vera; was her connection; knows fay and sam
    bob: Vera blocks him; knows fay, tom and una
    sue: suspended; still connected (in the edge table) to vera, fay, sam and una
    dan: deleted his account (connected to vera and fay before); a tombstone remains
    olga ── otto: out of Vera's network (Olga has asked Vera to connect)
    una: reachable only through bob and sue, so out of Vera's network
    devon: develops the OAuth app "Planner"

Each member has contact details, an account e-mail and a current position. Around
them: published recommendations (some by members who are hidden later), asks (one
passed on to Vera), an open introduction, connection requests, two invitations of
non-members, keep-in-touch entries, people-you-may-know computed before the blocks
(so only read-time filtering can hide them), personal API tokens, sessions and
OAuth tokens. The hiding events come last: Bea blocks Vera, Vera blocks Bob, Sue is
suspended, Dan deletes his account.

`Model` says, without asking the application, what each viewer may see: the test
oracle. Nothing here reads the graph to decide what is expected.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from asks import services as asks
from connections import graph
from connections import services as connections
from developers import services as developers
from digest import services as digest
from discovery import services as discovery
from introductions import services as introductions
from privacy import services as privacy
from profiles.models import Education, Position, User
from profiles.services import api_token_create, member_suspend
from recommendations import services as recommendations
from tests.developers.conftest import (
    REDIRECT_URI,
    App,
    consent,
    exchange,
    pkce_pair,
    redirect_params,
)
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # tests.factories.PASSWORD
GHOST = "never-was-here"  # a handle nobody ever had
OUTSIDER_EMAIL = "outsider.invited@nowhere.example"  # invited by Vera
NEWBIE_EMAIL = "newbie.offered@nowhere.example"  # invited by Fay (an introduction offer)


@dataclass(frozen=True)
class Person:
    key: str
    handle: str
    name: str
    company: str

    @property
    def contact_email(self) -> str:
        return f"{self.key}.contact@private.example"

    @property
    def phone(self) -> str:
        return f"+35191{list(PEOPLE).index(self.key) + 1:04d}777"

    @property
    def website(self) -> str:
        return f"https://{self.key}-homepage.example/"

    @property
    def account_email(self) -> str:
        return f"{self.key}.account@login.example"

    @property
    def contact(self) -> tuple[str, str, str]:
        return (self.contact_email, self.phone, self.website)


PEOPLE = {
    p.key: p
    for p in (
        Person("vera", "vera-viewer", "Vera Vantage", "Northwind"),
        Person("fay", "fay-first", "Fay Fenwick", "Northwind"),
        Person("sam", "sam-second", "Sam Sorensen", "Acme"),
        Person("tom", "tom-third", "Tom Tillman", "Acme"),
        Person("olga", "olga-outside", "Olga Ostrova", "Acme"),
        Person("otto", "otto-outside", "Otto Osgood", "Globex"),
        Person("bea", "bea-blocker", "Bea Blackwood", "Acme"),
        Person("bob", "bob-blocked", "Bob Bramley", "Acme"),
        Person("sue", "sue-suspended", "Sue Sutcliffe", "Northwind"),
        Person("dan", "dan-deleted", "Dan Dankworth", "Acme"),
        Person("una", "una-unreached", "Una Underhill", "Acme"),
        Person("devon", "devon-dev", "Devon Builder", "Initech"),
    )
}

# The connections as they stand once the world is built (blocks and the deletion
# applied): the oracle's graph.
FINAL_EDGES = {
    frozenset(pair)
    for pair in (
        ("vera", "fay"),
        ("vera", "sue"),
        ("fay", "sam"),
        ("fay", "bea"),
        ("fay", "bob"),
        ("fay", "sue"),
        ("sam", "tom"),
        ("sam", "sue"),
        ("sam", "bea"),
        ("tom", "bob"),
        ("bob", "una"),
        ("sue", "una"),
        ("olga", "otto"),
    )
}
# Before the hiding events, also: Vera–Bea (the block ends it), Dan–Vera, Dan–Fay
# (the deletion ends them).
INITIAL_EDGES = FINAL_EDGES | {
    frozenset(pair) for pair in (("vera", "bea"), ("vera", "dan"), ("fay", "dan"))
}
BLOCKS = (("bea", "vera"), ("vera", "bob"))  # (blocker, blocked)
SUSPENDED = {"sue"}
DELETED = {"dan"}
GONE = SUSPENDED | DELETED


class Model:
    """What the rules say each viewer may see."""

    @staticmethod
    def hidden_from(viewer: str) -> set[str]:
        blocked = {b for a, b in BLOCKS if a == viewer} | {a for a, b in BLOCKS if b == viewer}
        return GONE | blocked

    @classmethod
    def first_degree(cls, viewer: str) -> set[str]:
        hidden = cls.hidden_from(viewer)
        return {
            other
            for edge in FINAL_EDGES
            if viewer in edge
            for other in edge - {viewer}
            if other not in hidden
        }

    @classmethod
    def sees_contact(cls, viewer: str, member: str) -> bool:
        return viewer == member or member in cls.first_degree(viewer)

    @classmethod
    def secrets(cls, viewer: str, *, blocker_list: bool = False) -> dict[str, str]:
        """Strings that must not appear in anything `viewer` gets, with why.

        `blocker_list`: a surface listing whom the viewer blocks (their block list,
        their archive), where the members they block appear by design.
        """
        out: dict[str, str] = {}
        hidden = cls.hidden_from(viewer)
        if blocker_list:
            hidden = hidden - {b for a, b in BLOCKS if a == viewer}
        for key, person in PEOPLE.items():
            if key == viewer:
                continue
            out[person.account_email] = f"{key}'s sign-in address"
            if not cls.sees_contact(viewer, key):
                for value in person.contact:
                    out[value] = f"{key}'s contact details"
            if key in hidden:
                out[person.handle] = f"{key}'s handle ({key} is hidden from {viewer})"
                out[person.name] = f"{key}'s name ({key} is hidden from {viewer})"
        if viewer != "vera":
            out[OUTSIDER_EMAIL] = "the address Vera invited"
        if viewer != "fay":
            out[NEWBIE_EMAIL] = "the address Fay invited"
        return out


@dataclass
class World:
    ids: dict[str, int]
    tokens: dict[str, str]  # personal API tokens
    sessions: dict[str, str]  # session cookies
    oauth: dict[str, str]  # named OAuth access tokens
    objects: dict[str, int]  # named objects' ids
    emails: list[Any] = field(default_factory=list)
    app_id: int = 0

    def handle(self, key: str) -> str:
        if key == "ghost":
            return GHOST
        if key == "dan-tombstone":
            return f"deleted-{self.ids['dan']}"
        return PEOPLE[key].handle

    def user(self, key: str) -> User:
        """A fresh instance (selectors memoise per-viewer facts on the object)."""
        return User.objects.select_related("profile").get(pk=self.ids[key])

    def api(self, key: str | None) -> APIClient:
        """The API as `key` with their personal token; None: no credentials."""
        client = APIClient()
        if key is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.tokens[key]}")
        return client

    def bearer(self, name: str) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.oauth[name]}")
        return client

    def browser(self, key: str | None) -> Client:
        """Pages as `key` with their session cookie; None: logged out."""
        client = Client()
        if key is not None:
            client.cookies["sessionid"] = self.sessions[key]
        return client

    def session_api(self, key: str) -> APIClient:
        client = APIClient()
        client.cookies["sessionid"] = self.sessions[key]
        return client


def _position(user: User, organization: str) -> int:
    return Position.objects.create(
        profile_id=user.pk,
        title="Engineer",
        organization=organization,
        start_date=datetime.date(2019, 1, 1),
        is_current=True,
    ).pk


def _oauth_token(app: Any, member: User, scope: str) -> str:
    client = Client()
    client.force_login(member)
    verifier, challenge = pkce_pair()
    code = redirect_params(consent(client, app, scope=scope, challenge=challenge))["code"]
    response = exchange(app, code=code, verifier=verifier)
    assert response.status_code == 200, response.content
    return str(response.json()["access_token"])


def build() -> World:
    """Build the world (the caller holds the transaction and runs on-commit callbacks)."""
    users: dict[str, User] = {}
    positions: dict[str, int] = {}
    for key, person in PEOPLE.items():
        users[key] = UserFactory.create(
            username=person.handle,
            email=person.account_email,
            profile__full_name=person.name,
            profile__headline=f"{person.name.split()[0]} works at {person.company}",
            profile__contact_email=person.contact_email,
            profile__phone=person.phone,
            profile__website=person.website,
        )
        positions[key] = _position(users[key], person.company)
    for a, b in sorted(tuple(sorted(edge)) for edge in INITIAL_EDGES):
        graph.add_edge(users[a].pk, users[b].pk)
    u = users
    objects: dict[str, int] = {}

    # Recommendations of Vera, published; those by Sue, Bea and Dan vanish later.
    for author in ("fay", "sue", "bea", "dan"):
        rec = recommendations.recommendation_write(
            author=u[author],
            subject=u["vera"],
            position_id=positions["vera"],
            relationship="same_team",
            body=f"{PEOPLE[author].name} says Vera is a fine engineer.",
        )
        recommendations.recommendation_approve(recommendation_id=rec.pk, member=u["vera"])
        objects[f"rec_by_{author}"] = rec.pk
    rec = recommendations.recommendation_write(
        author=u["vera"],
        subject=u["fay"],
        position_id=positions["fay"],
        relationship="same_team",
        body="Vera says Fay ships on time.",
    )
    recommendations.recommendation_approve(recommendation_id=rec.pk, member=u["fay"])
    objects["rec_by_vera"] = rec.pk
    objects["vera_position"] = positions["vera"]
    objects["fay_position"] = positions["fay"]
    objects["sam_position"] = positions["sam"]
    # An open request: Vera asks Fay to recommend her (for role tests).
    school = Education.objects.create(profile_id=u["vera"].pk, school="Lisbon Tech", degree="BSc")
    objects["vera_school"] = school.pk
    objects["recreq_vera_fay"] = recommendations.recommendation_request_create(
        asker=u["vera"], author=u["fay"], education_id=school.pk, message="Please?"
    ).pk

    # Asks. Fay's and Sam's (passed on to Vera by Fay) stay visible; Bea's, Sue's and
    # Dan's vanish with the hiding events; Bea answers Vera's own ask before her block.
    for author in ("fay", "sam", "bea", "sue", "dan", "vera"):
        ask = asks.ask_create(
            author=u[author],
            title=f"{PEOPLE[author].name} needs a mentor",
            body="Someone who has done it before.",
        )
        objects[f"ask_by_{author}"] = ask.pk
    asks.ask_pass(ask_id=objects["ask_by_sam"], member=u["fay"], recipients=[u["vera"]])
    asks.ask_answer(ask_id=objects["ask_by_vera"], member=u["fay"], body="Fay can help.")
    asks.ask_answer(ask_id=objects["ask_by_vera"], member=u["bea"], body="Bea can help.")

    # Vera asks Fay for an introduction to Sam (with Fay now).
    objects["intro_vera_sam"] = introductions.introduction_request(
        requester=u["vera"],
        via=[u["fay"]],
        target=u["sam"],
        message="Vera would like to meet Sam.",
        note_to_broker="Fay, only for you.",
    ).pk
    # Fay offers to introduce Vera to a non-member: Fay invites the address.
    objects["offer_fay_newbie"] = introductions.introduction_offer(
        broker=u["fay"], first=u["vera"], second_email=NEWBIE_EMAIL, message="Meet my friend."
    ).pk
    objects["invitation_vera"] = connections.invitation_create(
        inviter=u["vera"], email=OUTSIDER_EMAIL, message="Join LinkUp, please."
    ).pk

    # Connection requests: Olga asks Vera (stays pending), Bob asks Vera (the block ends it).
    objects["request_olga_vera"] = connections.connection_request_create(
        sender=u["olga"], recipient=u["vera"], note="Olga here."
    ).request.pk
    objects["request_bob_vera"] = connections.connection_request_create(
        sender=u["bob"], recipient=u["vera"], note="Bob here."
    ).request.pk

    for other in ("fay", "sue", "dan"):
        digest.keep_in_touch_add(member=u["vera"], other=u[other], interval_months=1)

    # People you may know, computed while Bea and Bob were still visible to Vera.
    for key in ("vera", "fay", "sam", "tom", "olga", "bea", "bob"):
        discovery.suggestions_compute(member_id=u[key].pk)

    tokens = {key: api_token_create(user=user, name="authz")[1] for key, user in u.items()}
    sessions = {}
    for key, user in u.items():
        client = Client()
        client.force_login(user)
        sessions[key] = client.cookies["sessionid"].value

    application, secret = developers.application_register(
        owner=u["devon"], name="Planner", redirect_uris=[REDIRECT_URI], client_type="confidential"
    )
    app = App(application, secret)
    oauth = {
        "vera:profile+network": _oauth_token(app, u["vera"], "profile:read network:read"),
        "vera:network": _oauth_token(app, u["vera"], "network:read"),
        "vera:all-read": _oauth_token(
            app,
            u["vera"],
            "profile:read network:read introductions:read recommendations:read asks:read"
            " reach:read notifications:read",
        ),
        "sue:profile": _oauth_token(app, u["sue"], "profile:read"),
        "dan:profile": _oauth_token(app, u["dan"], "profile:read"),
    }

    # The hiding events.
    connections.block_create(blocker=u["bea"], blocked=u["vera"])
    connections.block_create(blocker=u["vera"], blocked=u["bob"])
    member_suspend(member=u["sue"], reason="authz suite")
    privacy.account_delete(member=u["dan"], password=PASSWORD, confirm=PEOPLE["dan"].handle)

    discovery.directory_refresh()
    objects["missing_id"] = 10**9
    return World(
        ids={key: user.pk for key, user in u.items()},
        tokens=tokens,
        sessions=sessions,
        oauth=oauth,
        objects=objects,
        emails=list(mail.outbox),
        app_id=application.pk,
    )
