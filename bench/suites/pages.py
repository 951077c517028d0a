"""Server time of member pages and API reads, beside the landing page (a static template)."""

import random
from functools import partial

from django.test import Client

from bench.stats import TABLE_HEAD, summary, timed
from profiles.models import User
from profiles.services import api_token_create


def run(*, members: int, samples: int, seed_seconds: float) -> list[str]:
    rng = random.Random(7)
    max_id = User.objects.order_by("-id").values_list("id", flat=True).first() or 0
    ids = [rng.randint(1, max_id) for _ in range(samples * 2)]
    handles = list(
        User.objects.filter(id__in=ids, is_suspended=False).values_list("username", flat=True)
    )[:samples]
    viewer = User.objects.get(username="demo")
    web = Client()
    web.force_login(viewer)
    _, key = api_token_create(user=viewer, name="bench")
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")

    def get(client: Client, url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    def measure(client: Client, urls: list[str]) -> list[float]:
        return [timed(partial(get, client, url)) for url in urls]

    measure(web, [f"/in/{h}/" for h in handles[:20]])  # warm caches and connections
    landing = measure(Client(), ["/"] * len(handles))
    profile = measure(web, [f"/in/{h}/" for h in handles])
    home = measure(web, ["/home/"] * len(handles))
    api_profile = measure(api, [f"/api/v1/profiles/{h}/" for h in handles])
    api_me = measure(api, ["/api/v1/me/"] * len(handles))
    return [
        f"### Pages and API reads ({members:,} members; in-process server time)",
        "",
        *TABLE_HEAD,
        summary("GET / (landing, static template) — the baseline", landing),
        summary("GET /in/<handle>/ (profile page, logged in)", profile, landing),
        summary("GET /home/", home, landing),
        summary("GET /api/v1/profiles/<handle>/", api_profile, landing),
        summary("GET /api/v1/me/", api_me, landing),
        "",
    ]
