"""People search (issue: recommendations and search): the search page's selector with and
without a degree filter, beside a naive ILIKE query run in the same benchmark."""

import random
from functools import partial

from django.db import connection

from bench.stats import TABLE_HEAD, summary, timed
from profiles.models import User
from profiles.search import search_members

WORDS = ["engineer", "writer", "aviation", "pilot", "editor", "manager", "data", "design"]

NAIVE = """
SELECT p.user_id FROM profiles_profile p JOIN profiles_user u ON u.id = p.user_id
WHERE NOT u.is_suspended AND u.is_active AND u.id <> %(v)s
  AND (p.full_name ILIKE %(q)s OR p.headline ILIKE %(q)s OR p.summary ILIKE %(q)s)
ORDER BY p.full_name LIMIT 20
"""


def _naive(viewer_id: int, word: str) -> None:
    with connection.cursor() as cur:
        cur.execute(NAIVE, {"v": viewer_id, "q": f"%{word}%"})
        cur.fetchall()


def run(*, members: int, samples: int, seed_seconds: float) -> list[str]:
    rng = random.Random(3)
    ids = list(User.objects.visible().values_list("id", flat=True)[:200_000])
    viewers = [User.objects.get(pk=rng.choice(ids)) for _ in range(min(samples, 100))]
    names = list(
        User.objects.filter(pk__in=rng.sample(ids, len(viewers))).values_list(
            "profile__full_name", flat=True
        )
    )
    plain, second, by_name, naive = [], [], [], []
    for i, viewer in enumerate(viewers):
        word = WORDS[i % len(WORDS)]
        plain.append(timed(partial(search_members, viewer=viewer, q=word)))
        second.append(timed(partial(search_members, viewer=viewer, q=word, degree=2)))
        typo = names[i][:-1] if len(names[i]) > 4 else names[i]
        by_name.append(timed(partial(search_members, viewer=viewer, q=typo)))
        naive.append(timed(partial(_naive, viewer.pk, word)))
    return [
        f"### People search ({members:,} members)",
        "",
        *TABLE_HEAD,
        summary("search a word (ranked by relevance, then closeness)", plain, naive),
        summary("search a word, 2nd degree only", second, naive),
        summary("search a name with its last letter missing", by_name, naive),
        summary("baseline: naive ILIKE on name, headline, summary", naive),
        "",
    ]
