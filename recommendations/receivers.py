"""What this app does when other apps tell it something (common.signals).

* member_deleting: a member deletes their account. Every recommendation and request
  they wrote, received, made or were asked goes: their words and words about them are
  personal data. Runs inside the deletion's transaction.
"""

from typing import Any

from django.db.models import Q
from django.dispatch import receiver

from common.signals import member_deleting
from recommendations.models import Recommendation, RecommendationRequest


@receiver(member_deleting, dispatch_uid="recommendations.member_deleting")
def on_member_deleting(sender: Any, *, member_id: int, **kwargs: Any) -> None:
    Recommendation.objects.filter(Q(author_id=member_id) | Q(subject_id=member_id)).delete()
    RecommendationRequest.objects.filter(Q(asker_id=member_id) | Q(author_id=member_id)).delete()
