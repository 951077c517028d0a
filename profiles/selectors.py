"""Reads of members and profiles for pages and the API."""

from dataclasses import dataclass, field
from functools import cache

from django.db import connection
from django.db.models import Model, QuerySet
from django.http import Http404

from common.db import model_columns, run_prepared
from connections import graph
from connections.models import Block
from profiles.models import Education, Position, Profile, Skill, User


def visible_profiles() -> QuerySet[Profile]:
    return Profile.objects.filter(user__is_active=True, user__is_suspended=False)


def profile_for_viewer(*, handle: str, viewer: User | None) -> Profile:
    """The profile at /in/<handle>/ as `viewer` may see it, with its member, positions,
    education and skills loaded (profile.positions.all() and the rest read no more).

    Raises Http404 alike for a member who never existed and one who is hidden
    (suspended or deactivated), so a response reveals nothing.

    One statement written once (_profile_reads), not built by the ORM on every view:
    the most viewed thing on the site, whose query building cost more than its queries
    (docs/benchmarks.md, the load test). The rows become models as the ORM's would.
    """
    reads = _profile_reads()
    with connection.cursor() as cur:
        run_prepared(cur, reads.profile, [handle.lower()])
        row = cur.fetchone()
    if row is None:
        raise Http404("No such member.")
    split = len(reads.profile_fields)
    ends = split + len(reads.user_fields)
    profile = Profile.from_db(connection.alias, reads.profile_fields, row[:split])
    profile.user = User.from_db(connection.alias, reads.user_fields, row[split:ends])
    cache: dict[str, QuerySet] = {}
    # Each related list arrives as a JSON array of rows (json_agg): typed as the model's
    # fields type them, as the ORM would read them.
    for (name, model, fields), rows in zip(reads.related, row[ends:], strict=True):
        model_fields = model._meta.concrete_fields  # in model_columns' order
        objects = [
            model.from_db(
                connection.alias,
                fields,
                [f.to_python(value) for f, value in zip(model_fields, values, strict=True)],
            )
            for values in rows
        ]
        # As prefetch_related leaves it: a queryset of the profile's rows, evaluated. Its
        # filter is built only if something filters it further (Django's related managers
        # defer it alike): building three cost a twentieth of a worker's time under load.
        queryset = model._default_manager.all()
        queryset._defer_next_filter = True  # type: ignore[attr-defined]
        queryset = queryset.filter(profile_id=profile.pk)
        queryset._result_cache = objects
        queryset._prefetch_done = True  # type: ignore[attr-defined]
        cache[name] = queryset
    profile._prefetched_objects_cache = cache  # type: ignore[attr-defined]
    return profile


def visible_profiles_by_id(member_ids: list[int]) -> dict[int, Profile]:
    """The visible profiles of these members, with their member loaded. One statement,
    written once (see profile_for_viewer): every page of search results reads one."""
    reads = _profile_reads()
    split = len(reads.profile_fields)
    with connection.cursor() as cur:
        run_prepared(cur, reads.profiles, [member_ids])
        rows = cur.fetchall()
    found = {}
    for row in rows:
        profile = Profile.from_db(connection.alias, reads.profile_fields, row[:split])
        profile.user = User.from_db(connection.alias, reads.user_fields, row[split:])
        found[profile.pk] = profile
    return found


def visible_members_by_handle(viewer_id: int, handles: list[str]) -> dict[str, User]:
    """The members behind these handles (lower case) whom the viewer may see: active, not
    suspended, with a profile (loaded), and no block between the two either way. One
    statement, written once (see profile_for_viewer): every request that names a member
    (connect, introduce) reads one."""
    reads = _profile_reads()
    split = len(reads.profile_fields)
    with connection.cursor() as cur:
        run_prepared(cur, reads.members, {"v": viewer_id, "handles": handles})
        rows = cur.fetchall()
    found = {}
    for row in rows:
        profile = Profile.from_db(connection.alias, reads.profile_fields, row[:split])
        member = User.from_db(connection.alias, reads.user_fields, row[split:])
        member.profile = profile
        found[member.username] = member
    return found


@dataclass(frozen=True)
class _ProfileReads:
    profile: str
    profiles: str
    members: str
    profile_fields: list[str]
    user_fields: list[str]
    related: list[tuple[str, type[Model], list[str]]]


@cache
def _profile_reads() -> _ProfileReads:
    profile_fields, profile_columns = model_columns(Profile, "p")
    user_fields, user_columns = model_columns(User, "u")
    related = []
    lists = []
    # Each in its model's Meta.ordering, as the ORM would read them.
    for name, model, order in [
        ("positions", Position, "o.is_current DESC, o.start_date DESC, o.id DESC"),
        ("education", Education, "o.end_year DESC, o.start_year DESC, o.id DESC"),
        ("skills", Skill, "o.id"),
    ]:
        fields, columns = model_columns(model, "o")
        related.append((name, model, fields))
        lists.append(
            f"(SELECT coalesce(json_agg(json_build_array({columns}) ORDER BY {order}), '[]')"  # noqa: S608 (model metadata only)
            f" FROM {model._meta.db_table} o WHERE o.profile_id = p.user_id)"
        )
    select = (
        f"SELECT {profile_columns}, {user_columns} FROM {Profile._meta.db_table} p"  # noqa: S608 (model metadata only)
        f" JOIN {User._meta.db_table} u ON u.id = p.user_id"
        " WHERE u.is_active AND NOT u.is_suspended"
    )
    with_lists = select.replace(
        f"{user_columns} FROM", f"{user_columns}, {', '.join(lists)} FROM", 1
    )
    blocks = Block._meta.db_table
    return _ProfileReads(
        profile=f"{with_lists} AND u.username = %s",
        profiles=f"{select} AND p.user_id = ANY(%s)",
        members=(
            f"{select} AND u.username = ANY(%(handles)s) AND NOT EXISTS (SELECT 1 FROM {blocks} b"  # noqa: S608 (model metadata only)
            " WHERE (b.blocker_id = %(v)s AND b.blocked_id = u.id)"
            " OR (b.blocker_id = u.id AND b.blocked_id = %(v)s))"
        ),
        profile_fields=profile_fields,
        user_fields=user_fields,
        related=related,
    )


def can_see_contact(*, viewer: User | None, member_id: int) -> bool:
    """Contact details: only the member and their 1st-degree connections."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == member_id:
        return True
    return graph.are_connected(viewer.pk, member_id)


def own_profile(*, user: User) -> Profile:
    return (
        Profile.objects.select_related("user")
        .prefetch_related("positions", "education", "skills")
        .get(user=user)
    )


@dataclass
class Completeness:
    percent: int
    prompts: list[str] = field(default_factory=list)


def profile_completeness(profile: Profile) -> Completeness:
    """How complete a profile is, with concrete prompts for what is missing.

    Uses the prefetched positions, education and skills when present.
    """
    positions = list(profile.positions.all())
    checks: list[tuple[int, bool, str]] = [
        (10, bool(profile.photo), "Add a photo so people recognise you."),
        (15, bool(profile.headline), "Write a headline: what you do, in a line."),
        (15, bool(profile.summary), "Write a short summary of your experience."),
        (5, bool(profile.industry), "Choose your industry."),
        (5, bool(profile.location), "Say where you are based."),
        (20, bool(positions), "Add your current or a past position."),
        (5, any(p.description for p in positions), "Describe what you did in a position."),
        (10, bool(list(profile.education.all())), "Add a school you attended."),
        (
            10,
            len(list(profile.skills.all())) >= 3,
            "List at least three skills.",
        ),
        (
            5,
            bool(profile.contact_email or profile.phone or profile.website),
            "Add contact details for your connections.",
        ),
    ]
    percent = sum(weight for weight, done, _ in checks if done)
    return Completeness(percent=percent, prompts=[text for _, done, text in checks if not done])
