"""Named people for recommendation tests.

    john — pete — maya        (zoe knows nobody)

John and Pete both worked at Atlantic Air from 2004 to 2006; Maya studied with Pete.
"""

import datetime

import pytest

from profiles.models import Education, Position
from recommendations import services

MESSAGE = "Pete, would you say a few words about the route planning we did together?"
BODY = "John is the best route planner I have worked with: calm, exact and kind."


@pytest.fixture
def people(make_member, connect):
    people = {
        "john": make_member("john", full_name="John Carter", headline="Route planner"),
        "pete": make_member("pete", full_name="Pete Novak", headline="Operations lead"),
        "maya": make_member("maya", full_name="Maya Lind", headline="Head of network planning"),
        "zoe": make_member("zoe", full_name="Zoe Stone", headline="Stranger"),
    }
    connect(people["john"], people["pete"])
    connect(people["pete"], people["maya"])
    return people


def position(member, organization="Atlantic Air", start=(2004, 1), end=(2006, 6), **extra):
    return Position.objects.create(
        profile=member.profile,
        title=extra.pop("title", "Route planner"),
        organization=organization,
        start_date=datetime.date(*start, 1),
        end_date=datetime.date(*end, 1) if end else None,
        is_current=end is None,
        **extra,
    )


def school(member, name="University of Lisbon", start=2000, end=2004):
    return Education.objects.create(
        profile=member.profile, school=name, degree="BSc", start_year=start, end_year=end
    )


@pytest.fixture
def johns_job(people):
    return position(people["john"])


@pytest.fixture
def petes_job(people):
    return position(people["pete"], title="Operations lead")


def ask(people, job, *, asker="john", author="pete", message=MESSAGE):
    return services.recommendation_request_create(
        asker=people[asker], author=people[author], position_id=job.pk, message=message
    )


def write_for(people, request, *, author="pete", body=BODY, relationship="managed"):
    return services.recommendation_write(
        author=people[author], request_id=request.pk, relationship=relationship, body=body
    )


def published(people, job):
    """John asked Pete, Pete wrote it, John approved it."""
    recommendation = write_for(people, ask(people, job))
    return services.recommendation_approve(
        recommendation_id=recommendation.pk, member=people["john"]
    )
