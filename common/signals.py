"""Signals between apps that must not import each other.

member_touched: a member did something with another member that counts as being
in touch (an introduction, a recommendation, an ask referral). Sent with
member_id, other_id and how ("introduction", "recommendation", "referral",
"message"); the keep-in-touch list (digest app) records it.
"""

from django.dispatch import Signal

member_touched = Signal()

# member_deleting: a member is deleting their account (sent with member_id inside the
# deletion's transaction, before their profile is wiped). Each app removes the personal
# data it holds about or by them.
member_deleting = Signal()
