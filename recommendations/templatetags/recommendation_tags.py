"""The recommendations section of a profile page, without touching the profile's view."""

from django import template

from profiles.models import User
from recommendations.selectors import ProfileSection, profile_section

register = template.Library()


@register.simple_tag(takes_context=True)
def profile_recommendations(context: template.Context) -> ProfileSection:
    """What the viewer may see of the recommendations of the profile in the context
    (`profile`): one query."""
    profile = context.get("profile")
    if profile is None:
        return ProfileSection()
    request = context.get("request")
    user = getattr(request, "user", None)
    viewer = user if isinstance(user, User) and user.is_authenticated else None
    return profile_section(profile.user_id, viewer=viewer)
