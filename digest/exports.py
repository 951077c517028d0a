"""The member's keep-in-touch list, touch history and digest preference in their data
archive (privacy.exporters). Hidden members are left out, as on the site."""

from typing import Any

from django.db.models import Q

from digest import selectors
from digest.models import Touch
from privacy.exporters import section
from profiles.models import User

Row = dict[str, Any]


def _iso(value: Any) -> Any:
    return value.isoformat() if value is not None else None


@section("keep_in_touch")
def keep_in_touch_rows(member: User) -> list[Row]:
    return [
        {
            "handle": entry.other.username,
            "full_name": entry.other.profile.full_name,
            "interval_months": entry.interval_months,
            "next_due_at": _iso(entry.next_due_at),
            "last_touched_at": _iso(entry.last_touched_at),
            "last_touch_how": entry.last_touch_how,
            "last_touch_note": entry.last_touch_note,
            "added_at": _iso(entry.created_at),
        }
        for entry in selectors.keep_in_touch_for(member)
    ]


@section("touches")
def touch_rows(member: User) -> list[Row]:
    from introductions.selectors import hidden_from

    touches = (
        Touch.objects.filter(member=member)
        .filter(Q(other__is_active=True, other__is_suspended=False))
        .exclude(other_id__in=hidden_from(member))
        .select_related("other")
        .order_by("-at", "-id")
    )
    return [
        {"handle": t.other.username, "how": t.how, "note": t.note, "at": _iso(t.at)}
        for t in touches
    ]


@section("digest")
def digest_rows(member: User) -> list[Row]:
    preference = selectors.digest_preference(member)
    return [{"frequency": preference.frequency, "last_sent_at": _iso(preference.last_sent_at)}]
