"""What goes into a member's data archive, section by section.

Each section is a function (member) -> list of flat dicts; the archive has them
all in data.json and one CSV per section. A section shows only what the member
may see on the site today: hidden members (blocked either way, suspended) are
left out, contact details only of current connections, an introduction through
its participant's view (no note meant for someone else, no name of who declined).
Other apps add their sections with @section.
"""

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from connections import graph
from connections.models import Block, ConnectionRequest, Invitation
from profiles.models import Profile, User

Row = dict[str, Any]
Section = Callable[[User], list[Row]]
SECTIONS: dict[str, Section] = {}


def section(name: str) -> Callable[[Section], Section]:
    def register(fn: Section) -> Section:
        SECTIONS[name] = fn
        return fn

    return register


def _hidden_ids(member: User) -> set[int]:
    """Blocked either way, suspended, or deleted: left out of the archive."""
    from introductions.selectors import hidden_from

    gone = User.objects.filter(Q(is_suspended=True) | Q(is_active=False)).values_list(
        "pk", flat=True
    )
    return hidden_from(member) | set(gone)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@section("profile")
def profile_rows(member: User) -> list[Row]:
    p = Profile.objects.get(pk=member.pk)
    return [
        {
            "handle": member.username,
            "account_email": member.email,
            "joined": _iso(member.date_joined),
            "full_name": p.full_name,
            "headline": p.headline,
            "summary": p.summary,
            "industry": p.industry,
            "location": p.location,
            "contact_email": p.contact_email,
            "phone": p.phone,
            "website": p.website,
            "photo": p.photo.name if p.photo else "",
        }
    ]


@section("positions")
def position_rows(member: User) -> list[Row]:
    return [
        {
            "title": p.title,
            "organization": p.organization,
            "start_date": _iso(p.start_date),
            "end_date": _iso(p.end_date),
            "is_current": p.is_current,
            "description": p.description,
        }
        for p in Profile.objects.get(pk=member.pk).positions.all()
    ]


@section("education")
def education_rows(member: User) -> list[Row]:
    return [
        {
            "school": e.school,
            "degree": e.degree,
            "field_of_study": e.field_of_study,
            "start_year": e.start_year,
            "end_year": e.end_year,
        }
        for e in Profile.objects.get(pk=member.pk).education.all()
    ]


@section("skills")
def skill_rows(member: User) -> list[Row]:
    return [{"name": s.name} for s in Profile.objects.get(pk=member.pk).skills.all()]


@section("connections")
def connection_rows(member: User) -> list[Row]:
    # Connected now, so their contact details are the member's to see (INVARIANTS 1).
    hidden = _hidden_ids(member)
    rows = graph.connections_of(member.pk).select_related("other__profile").order_by("created_at")
    return [
        {
            "handle": c.other.username,
            "full_name": c.other.profile.full_name,
            "headline": c.other.profile.headline,
            "connected_at": _iso(c.created_at),
            "my_note": c.note,
            "contact_email": c.other.profile.contact_email,
            "phone": c.other.profile.phone,
            "website": c.other.profile.website,
        }
        for c in rows
        if c.other_id not in hidden
    ]


@section("connection_requests")
def request_rows(member: User) -> list[Row]:
    hidden = _hidden_ids(member)
    requests = (
        ConnectionRequest.objects.filter(Q(from_member=member) | Q(to_member=member))
        .select_related("from_member__profile", "to_member__profile")
        .order_by("created_at")
    )
    rows = []
    for r in requests:
        sent = r.from_member_id == member.pk
        other = r.to_member if sent else r.from_member
        if other.pk in hidden:
            continue
        rows.append(
            {
                "direction": "sent" if sent else "received",
                "handle": other.username,
                "full_name": other.profile.full_name,
                "note": r.note,
                "status": r.status,
                "created_at": _iso(r.created_at),
                "responded_at": _iso(r.responded_at),
            }
        )
    return rows


@section("invitations")
def invitation_rows(member: User) -> list[Row]:
    # The inviter is the one member who may see the invited address (INVARIANTS 10).
    return [
        {
            "email": i.email,
            "message": i.message,
            "status": i.status,
            "created_at": _iso(i.created_at),
            "expires_at": _iso(i.expires_at),
        }
        for i in Invitation.objects.filter(inviter=member).order_by("created_at")
    ]


@section("introductions")
def introduction_rows(member: User) -> list[Row]:
    from introductions.selectors import introduction_view, introductions_for

    rows = []
    for introduction in introductions_for(member).order_by("created_at"):
        view = introduction_view(introduction, member)
        if view is None:
            continue
        rows.append(
            {
                "id": introduction.pk,
                "kind": introduction.kind,
                "my_role": view.role,
                "status": view.status,
                "requester": view.requester.username,
                "target": view.target.username if view.target is not None else "",
                "target_email": view.target_email,
                "message": view.message,
                "brokers": " > ".join(
                    h.broker.username if h.broker else "(hidden)" for h in view.hops
                ),
                "notes_for_me": " | ".join(h.note for h in view.hops if h.note),
                "created_at": _iso(introduction.created_at),
                "closed_at": _iso(introduction.closed_at),
            }
        )
    return rows


@section("blocked_members")
def block_rows(member: User) -> list[Row]:
    return [
        {"handle": b.blocked.username, "blocked_at": _iso(b.created_at)}
        for b in Block.objects.filter(blocker=member)
        .select_related("blocked")
        .order_by("created_at")
    ]
