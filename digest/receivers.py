"""How keep-in-touch hears about the rest of LinkUp, without those apps knowing it.

* common.signals.member_touched (sent by the apps where members recommend, refer or
  message each other): a touch for both members.
* Introductions: their state changes are conditional UPDATEs (no post_save on Hop or
  Introduction), but every forward, offer and acceptance notifies someone through
  connections.services.notify, which creates a Notification. A new notification about an
  introduction is the moment it moved, and says who acted and for whom.
* A connection removed (connections.network.network_changed writes a GraphChange in the
  same transaction) or a block made: both members' entries about each other go.
* common.signals.member_deleting: everything this app holds about or by the member goes.

Every receiver runs inside the transaction of the change it hears about.
"""

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver

from common.signals import member_deleting, member_touched
from connections import graph
from connections.models import Block, GraphChange, Notification
from digest import services
from digest.models import DigestLog, DigestPreference, KeepInTouch, Touch

INTRODUCTION = Touch.How.INTRODUCTION
K = Notification.Kind


@receiver(member_touched, dispatch_uid="digest.member_touched")
def on_member_touched(
    sender: Any, *, member_id: int, other_id: int, how: str = "message", **kwargs: Any
) -> None:
    services.touch_record(member_id=member_id, other_id=other_id, how=how)


@receiver(post_save, sender=Notification, dispatch_uid="digest.introduction_touch")
def on_introduction_step(sender: Any, instance: Notification, created: bool, **kwargs: Any) -> None:
    if not created or instance.introduction_id is None:
        return
    if instance.kind not in (K.INTRO_TO_FORWARD, K.INTRO_FOR_YOU, K.INTRO_ACCEPTED):
        return
    from introductions.models import Hop, Introduction

    introduction = (
        Introduction.objects.filter(pk=instance.introduction_id)
        .only("kind", "requester_id", "target_id")
        .first()
    )
    if introduction is None:
        return
    recipient, actor = instance.recipient_id, instance.actor_id
    pairs: list[tuple[int | None, int | None]] = []
    if instance.kind == K.INTRO_TO_FORWARD:
        # Asked a broker (the requester), or passed it on to the next broker (a broker,
        # who is in touch with both the requester and the next one).
        pairs.append((actor, recipient))
        if actor != introduction.requester_id:
            pairs.append((actor, introduction.requester_id))
    elif instance.kind == K.INTRO_FOR_YOU:
        if introduction.kind == Introduction.Kind.OFFER:
            pairs.append((actor, recipient))  # the broker introduced the recipient
        else:
            # The last broker forwarded it to the target: in touch with both sides.
            last = (
                Hop.objects.filter(introduction=introduction, status=Hop.Status.FORWARDED)
                .order_by("-position")
                .values_list("broker_id", flat=True)
                .first()
            )
            pairs += [(last, recipient), (last, introduction.requester_id)]
    elif recipient == introduction.requester_id and actor == introduction.target_id:
        pairs.append((introduction.requester_id, introduction.target_id))  # accepted
    for member_id, other_id in pairs:
        if member_id is not None and other_id is not None:
            services.touch_record(member_id=member_id, other_id=other_id, how=INTRODUCTION)


@receiver(post_save, sender=GraphChange, dispatch_uid="digest.connection_removed")
def on_graph_change(sender: Any, instance: GraphChange, created: bool, **kwargs: Any) -> None:
    if not created or instance.other_id is None:
        return
    if not graph.are_connected(instance.member_id, instance.other_id):
        services.keep_in_touch_forget(instance.member_id, instance.other_id)


@receiver(post_save, sender=Block, dispatch_uid="digest.block")
def on_block(sender: Any, instance: Block, created: bool, **kwargs: Any) -> None:
    if created:
        services.keep_in_touch_forget(instance.blocker_id, instance.blocked_id, history=True)


@receiver(member_deleting, dispatch_uid="digest.member_deleting")
def on_member_deleting(sender: Any, *, member_id: int, **kwargs: Any) -> None:
    either = Q(member_id=member_id) | Q(other_id=member_id)
    KeepInTouch.objects.filter(either).delete()
    Touch.objects.filter(either).delete()
    DigestPreference.objects.filter(member_id=member_id).delete()
    DigestLog.objects.filter(member_id=member_id).delete()
