"""API serializers for keep-in-touch entries, digest preferences and the digest.

Input serializers only validate (and reject keys they do not declare); output
serializers only render. No contact details anywhere here.
"""

from typing import Any

from rest_framework import serializers

from common.api import OutputSerializer, StrictInputSerializer
from digest.models import INTERVAL_CHOICES, DigestPreference, KeepInTouch
from digest.services import NOTE_MAX

INTERVAL_HELP = "How often you want to be in touch, in months: 1, 3, 6 or 12."

# --- input ------------------------------------------------------------------


class KeepInTouchCreateInputSerializer(StrictInputSerializer):
    handle = serializers.CharField(
        max_length=150, help_text="The handle of one of your connections."
    )
    interval_months = serializers.ChoiceField(
        choices=INTERVAL_CHOICES, default=3, help_text=INTERVAL_HELP
    )


class KeepInTouchUpdateInputSerializer(StrictInputSerializer):
    interval_months = serializers.ChoiceField(choices=INTERVAL_CHOICES, help_text=INTERVAL_HELP)


class KeepInTouchTouchInputSerializer(StrictInputSerializer):
    note = serializers.CharField(
        max_length=NOTE_MAX,
        allow_blank=True,
        default="",
        help_text='A private note about it ("had coffee"); only you ever see it.',
    )


class DigestPreferenceUpdateInputSerializer(StrictInputSerializer):
    frequency = serializers.ChoiceField(choices=DigestPreference.Frequency.choices)


# --- output -----------------------------------------------------------------


class KeepInTouchOutputSerializer(OutputSerializer):
    """A connection on your keep-in-touch list. Private: the member is never told."""

    # Renders a KeepInTouch with `other.profile` selected; needs `request` in the context.

    handle = serializers.CharField(source="other.username")
    full_name = serializers.CharField(source="other.profile.full_name")
    headline = serializers.CharField(source="other.profile.headline")
    photo_url = serializers.SerializerMethodField()
    interval_months = serializers.IntegerField(help_text=INTERVAL_HELP)
    next_due_at = serializers.DateTimeField(
        help_text="The last touch (or when you added them) plus the interval."
    )
    overdue = serializers.BooleanField(source="is_overdue")
    last_touched_at = serializers.DateTimeField(allow_null=True)
    last_touch_how = serializers.ChoiceField(
        choices=["", "manual", "introduction", "recommendation", "referral", "message"],
        help_text="How the last touch happened; empty when there was none yet.",
    )
    last_touch_note = serializers.CharField(
        help_text="Your private note of the last touch you marked by hand."
    )
    reminded_at = serializers.DateTimeField(
        allow_null=True, help_text="When LinkUp reminded you for the current due date."
    )
    created_at = serializers.DateTimeField()

    def get_photo_url(self, entry: KeepInTouch) -> str | None:
        photo = entry.other.profile.photo
        if not photo:
            return None
        return str(self.context["request"].build_absolute_uri(photo.url))


class DigestPreferenceOutputSerializer(OutputSerializer):
    frequency = serializers.ChoiceField(choices=DigestPreference.Frequency.choices)
    last_sent_at = serializers.DateTimeField(
        allow_null=True, help_text="When your last digest went out (or was found empty)."
    )


class _AbsoluteUrlField(serializers.CharField):
    def to_representation(self, value: Any) -> str:
        request = self.context.get("request")
        return str(request.build_absolute_uri(value)) if request and value else str(value or "")


class DigestItemOutputSerializer(OutputSerializer):
    title = serializers.CharField()
    lines = serializers.ListField(child=serializers.CharField())
    url = _AbsoluteUrlField()


class DigestSectionOutputSerializer(OutputSerializer):
    key = serializers.ChoiceField(
        choices=[
            "introductions",
            "recommendation_requests",
            "asks",
            "could_recommend",
            "keep_in_touch",
            "rest",
        ]
    )
    title = serializers.CharField()
    intro = serializers.CharField()
    items = DigestItemOutputSerializer(many=True)
    more_url = _AbsoluteUrlField(help_text="Where the rest is; empty when there is no more.")
    more_label = serializers.CharField()


class DigestOutputSerializer(OutputSerializer):
    now = serializers.DateTimeField()
    since = serializers.DateTimeField(help_text='"New" in the sections means after this.')
    sections = DigestSectionOutputSerializer(many=True)
