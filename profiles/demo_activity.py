"""A little activity around the demo member, so that `make run` shows every workflow:
recommendations to approve and to write, asks in the feed and one of the demo
member's own with an answer and a referral, an introduction waiting on them as a
broker, connection requests, keep-in-touch entries. Made through the services, like
a member would, after the bulk load."""

from collections.abc import Callable
from typing import Any

from common.exceptions import ApplicationError
from connections import graph
from profiles.models import Position, User


def _first_position(member: User) -> int | None:
    return (
        Position.objects.filter(profile_id=member.pk)
        .order_by("-is_current", "-start_date")
        .values_list("pk", flat=True)
        .first()
    )


def seed_activity(demo: User) -> list[str]:
    """Returns what was made, one line each; anything refused by a rule is skipped."""
    from asks import services as asks
    from connections import services as connections
    from digest import services as digest
    from introductions import services as introductions
    from recommendations import services as recommendations

    done: list[str] = []

    def attempt(what: str, fn: Callable[[], Any]) -> Any:
        try:
            result = fn()
        except ApplicationError:
            return None
        done.append(what)
        return result

    friend_ids = sorted(graph.first_degree_ids(demo.pk))[:16]
    friends = list(User.objects.filter(pk__in=friend_ids, is_suspended=False).order_by("pk"))
    if len(friends) < 12:
        return done
    position = _first_position(demo)
    c = friends

    # Recommendations: one published, one waiting for the demo member's approval, one
    # asked of a connection, and one the demo member is asked to write.
    rec = attempt(
        "a published recommendation",
        lambda: recommendations.recommendation_write(
            author=c[0],
            subject=demo,
            position_id=position,
            relationship="same_team",
            body="Dana ships: clear about trade-offs, generous with credit, and the person "
            "everyone asked when a release got hairy.",
        ),
    )
    if rec is not None:
        attempt(
            "approved",
            lambda: recommendations.recommendation_approve(recommendation_id=rec.pk, member=demo),
        )
    attempt(
        "a recommendation waiting for approval",
        lambda: recommendations.recommendation_write(
            author=c[1],
            subject=demo,
            position_id=position,
            relationship="managed",
            body="I managed Dana for two years. Dependable, curious, and kind under pressure.",
        ),
    )
    attempt(
        "a recommendation request sent",
        lambda: recommendations.recommendation_request_create(
            asker=demo, author=c[2], position_id=position, message="Would you write a few lines?"
        ),
    )
    attempt(
        "a recommendation request received",
        lambda: recommendations.recommendation_request_create(
            asker=c[3],
            author=demo,
            position_id=_first_position(c[3]),
            message="You saw my work up close; would you recommend me?",
        ),
    )

    # Asks: one in the feed, one of the demo member's with an answer and a referral.
    attempt(
        "an ask from a connection",
        lambda: asks.ask_create(
            author=c[4],
            title="Looking for an aviation technical writer",
            body="Six-month contract, maintenance manuals; remote is fine.",
            topic="hiring",
        ),
    )
    mine = attempt(
        "an ask of the demo member's",
        lambda: asks.ask_create(
            author=demo,
            title="Leads for freelance indexing work",
            body="I index technical books; who publishes them in your world?",
            topic="leads",
        ),
    )
    if mine is not None:
        attempt(
            "an answer",
            lambda: asks.ask_answer(
                ask_id=mine.pk, member=c[5], body="Try the O'Reilly production team."
            ),
        )
        theirs = [
            i for i in graph.first_degree_ids(c[6].pk) if i != demo.pk and i not in friend_ids
        ]
        if theirs:
            referred = User.objects.get(pk=theirs[0])
            attempt(
                "a referral",
                lambda: asks.ask_refer(
                    ask_id=mine.pk,
                    referrer=c[6],
                    referred=referred,
                    note="She runs the indexing desk at a publisher.",
                ),
            )

    # An introduction waiting on the demo member as the broker.
    if graph.degree_between(c[7].pk, c[8].pk) != 1:
        attempt(
            "an introduction to forward",
            lambda: introductions.introduction_request(
                requester=c[7],
                via=[demo],
                target=c[8],
                message="I would love to hear how your team moved to Postgres.",
                note_to_broker="Would you introduce me? We met at your birthday.",
            ),
        )

    # Requests from the 2nd degree.
    second = [
        i
        for f in friend_ids[:4]
        for i in graph.first_degree_ids(f)
        if i != demo.pk and i not in friend_ids
    ]

    def request_from(other_id: int) -> Callable[[], Any]:
        sender = User.objects.get(pk=other_id)
        return lambda: connections.connection_request_create(
            sender=sender, recipient=demo, note="We met at PyCon."
        )

    for other_id in second[:2]:
        attempt("a connection request", request_from(other_id))

    # Two reports for the moderators' queue, about a member two steps away.
    from moderation import services as moderation

    def report_by(reporter: User, reported: User, reason: str, details: str) -> Callable[[], Any]:
        return lambda: moderation.report_create(
            reporter=reporter,
            target_type="profile",
            target_id=reported.username,
            reason=reason,
            details=details,
        )

    if second:
        reported = User.objects.get(pk=second[-1])
        attempt(
            "a report",
            report_by(c[11], reported, "spam", "Sends the same sales pitch to everyone."),
        )
        attempt(
            "a report",
            report_by(c[10], reported, "fake", "The photo and positions are someone else's."),
        )

    # Keep in touch.
    attempt("keep in touch", lambda: digest.keep_in_touch_add(member=demo, other=c[9]))
    attempt(
        "keep in touch",
        lambda: digest.keep_in_touch_add(member=demo, other=c[10], interval_months=1),
    )
    return done
