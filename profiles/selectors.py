"""Reads of members and profiles for pages and the API."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from connections import graph
from profiles.models import Profile, User


def visible_profiles() -> QuerySet[Profile]:
    return Profile.objects.filter(user__is_active=True, user__is_suspended=False)


def profile_for_viewer(*, handle: str, viewer: User | None) -> Profile:
    """The profile at /in/<handle>/ as `viewer` may see it.

    Raises Http404 alike for a member who never existed and one who is hidden
    (suspended or deactivated), so a response reveals nothing.
    """
    try:
        return (
            visible_profiles()
            .select_related("user")
            .prefetch_related("positions", "education", "skills")
            .get(user__username=handle.lower())
        )
    except Profile.DoesNotExist:
        raise Http404("No such member.") from None


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
