"""Mixed load on the API as members use it: profile views, network counts, search,
connect, accept and introduction requests. Run by bench/suites/load.py (which seeds
the pool of members and tokens, and starts gunicorn), or by hand:

    LINKUP_LOAD_POOL=var/load-pool.json locust -f bench/locustfile.py --headless \\
        -u 50 -r 25 -t 60s --host http://127.0.0.1:8001

Each simulated user acts as members of its own slice of the pool, so no two users
send the same request twice (that would be a correct 409, but not the load we mean).
"""

import itertools
import json
import os
import random

from locust import FastHttpUser, between, events, task

from bench.words import WORDS

POOL: list[dict] = []
_slices = itertools.count()


@events.init.add_listener
def _load_pool(environment, **_kwargs) -> None:
    POOL.extend(json.loads(open(os.environ["LINKUP_LOAD_POOL"]).read()))  # noqa: SIM115


class Member(FastHttpUser):
    wait_time = between(0.02, 0.1)

    def on_start(self) -> None:
        n = next(_slices)
        self.mine = POOL[n::50] or POOL
        self.rng = random.Random(n)
        self.intros = iter(list(self.mine))
        self.connects = iter(self.rng.sample(POOL, len(POOL)))

    def _as(self, member: dict) -> dict[str, str]:
        return {"Authorization": f"Token {member['token']}"}

    def _me(self) -> dict:
        return self.rng.choice(self.mine)

    @task(30)
    def view_profile(self) -> None:
        other = self.rng.choice(POOL)
        self.client.get(
            f"/api/v1/profiles/{other['handle']}/",
            headers=self._as(self._me()),
            name="GET /api/v1/profiles/{handle}/",
        )

    @task(15)
    def network_counts(self) -> None:
        self.client.get(
            "/api/v1/network/", headers=self._as(self._me()), name="GET /api/v1/network/"
        )

    @task(20)
    def search(self) -> None:
        word = self.rng.choice(WORDS)
        degree = self.rng.choice(["", "&degree=2", "&degree=3"])
        self.client.get(
            f"/api/v1/profiles/?q={word}{degree}",
            headers=self._as(self._me()),
            name="GET /api/v1/profiles/?q=&degree=",
        )

    @task(10)
    def connect(self) -> None:
        me, other = self._me(), next(self.connects, None)
        if other is None or other["handle"] == me["handle"]:
            return
        with self.client.post(
            "/api/v1/connection-requests/",
            json={"to": other["handle"], "note": "Met you at the conference."},
            headers=self._as(me),
            name="POST /api/v1/connection-requests/",
            catch_response=True,
        ) as response:
            # 409: already connected or already asked (the random pick met an old pair).
            if response.status_code in (200, 201, 409):
                response.success()

    @task(10)
    def accept(self) -> None:
        me = self._me()
        received = self.client.get(
            "/api/v1/connection-requests/?direction=received&page_size=5",
            headers=self._as(me),
            name="GET /api/v1/connection-requests/?direction=received",
        )
        results = received.json().get("results", []) if received.status_code == 200 else []
        if results:
            self.client.post(
                f"/api/v1/connection-requests/{results[0]['id']}/accept/",
                headers=self._as(me),
                name="POST /api/v1/connection-requests/{id}/accept/",
            )

    @task(5)
    def introduction(self) -> None:
        member = next(self.intros, None)
        if member is None or not member.get("intro"):
            return
        target, broker = member["intro"]
        with self.client.post(
            "/api/v1/introductions/",
            json={
                "target": target,
                "via": [broker],
                "message": "I would value twenty minutes of your time.",
                "note_to_broker": "Would you introduce us?",
            },
            headers=self._as(member),
            name="POST /api/v1/introductions/",
            catch_response=True,
        ) as response:
            # 409: they connected meanwhile (the connect task), a correct refusal.
            if response.status_code in (201, 409):
                response.success()


class Visitor(FastHttpUser):
    """The baseline: the landing page, a static template, at the same concurrency."""

    wait_time = between(0.02, 0.1)

    @task
    def landing(self) -> None:
        self.client.get("/", name="GET / (landing)")
