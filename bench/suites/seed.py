"""Seeding: seed_demo (COPY) against the naive ORM path (create_user + profile per member)."""

import time

from allauth.account.models import EmailAddress
from django.db import transaction

from profiles.models import Position, Profile, Skill, User

SAMPLE = 300


def _naive_member(n: int) -> None:
    user = User.objects.create_user(
        username=f"naive-{n}", email=f"naive-{n}@bench.invalid", password="linkup-demo"
    )
    profile = Profile.objects.create(user=user, full_name=f"Naive Member {n}", headline="Engineer")
    Position.objects.create(
        profile=profile,
        title="Engineer",
        organization="Acme",
        start_date="2020-01-01",
        is_current=True,
    )
    for skill in ("Python", "SQL", "Writing"):
        Skill.objects.create(profile=profile, name=skill)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


def run(*, members: int, samples: int, seed_seconds: float) -> list[str]:
    started = time.perf_counter()
    with transaction.atomic():
        for n in range(SAMPLE):
            _naive_member(n)
        transaction.set_rollback(True)
    naive_per_member = (time.perf_counter() - started) / SAMPLE
    seeded_per_member = seed_seconds / members
    return [
        "### Seeding demo data",
        "",
        "| path | members | total | per member |",
        "|---|---|---|---|",
        f"| seed_demo (COPY, graph included) | {members:,} | {seed_seconds:.1f} s |"
        f" {seeded_per_member * 1e6:.0f} µs |",
        f"| naive ORM, no graph (sample of {SAMPLE}, extrapolated) | {members:,} |"
        f" {naive_per_member * members:.0f} s | {naive_per_member * 1e6:.0f} µs |",
        "",
        f"seed_demo is {naive_per_member / seeded_per_member:.0f}× faster per member than the "
        "naive path, while also loading the connection graph.",
        "",
    ]
