"""Load test: locust at 50 concurrent users against gunicorn on loopback, beside the
landing page (a static template) at the same concurrency as the baseline.

The pool: members with connections, each with a personal token and, where one
exists, a 2nd-degree member and the connection who can introduce them.
LOAD_SECONDS (default 60) sets how long the mixed run lasts.
"""

import csv
import json
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from django.db import connection
from django.utils import timezone

from bench.words import WORDS
from profiles.models import ApiToken

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
POOL_SIZE = 3000
USERS = 50
GOALS = "≥ 200 requests/s mixed, p95 ≤ 200 ms, 0 errors"


def _pool() -> list[dict]:
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT u.id, u.username FROM profiles_user u
            WHERE NOT u.is_suspended AND u.is_active
              AND EXISTS (SELECT 1 FROM connections_connection c WHERE c.member_id = u.id)
            ORDER BY md5(u.id::text) LIMIT %s
            """,
            [POOL_SIZE],
        )
        members = cur.fetchall()
        cur.execute(
            """
            SELECT DISTINCT ON (m.id) m.id, t.username, b.username
            FROM unnest(%s::bigint[]) AS m(id)
            JOIN connections_connection c1 ON c1.member_id = m.id
            JOIN connections_connection c2 ON c2.member_id = c1.other_id AND c2.other_id <> m.id
            JOIN profiles_user b ON b.id = c1.other_id
            JOIN profiles_user t ON t.id = c2.other_id
            WHERE NOT EXISTS (SELECT 1 FROM connections_connection x
                              WHERE x.member_id = m.id AND x.other_id = c2.other_id)
              AND NOT t.is_suspended AND NOT b.is_suspended
            ORDER BY m.id, md5(c2.other_id::text || c1.other_id::text)
            """,
            [[m[0] for m in members]],
        )
        intros = {row[0]: [row[1], row[2]] for row in cur.fetchall()}
    pool, tokens = [], []
    now = timezone.now()
    for member_id, handle in members:
        key = ApiToken.generate_key()
        tokens.append(
            ApiToken(
                user_id=member_id,
                name="load test",
                key_hash=ApiToken.hash_key(key),
                prefix=key[:8],
                expires_at=now + timedelta(days=1),
            )
        )
        pool.append({"handle": handle, "token": key, "intro": intros.get(member_id)})
    ApiToken.objects.bulk_create(tokens)
    return pool


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _locust(host: str, pool: Path, seconds: int, out: Path, user_class: str) -> dict[str, dict]:
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            user_class,
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "-t",
            f"{seconds}s",
            "--host",
            host,
            "--csv",
            str(out),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**os.environ, "LINKUP_LOAD_POOL": str(pool)},
        check=False,  # locust exits 1 when any request failed; the table says so
        cwd=ROOT,
    )
    with open(f"{out}_stats.csv") as f:
        return {row["Name"]: row for row in csv.DictReader(f)}


def _get(host: str, path: str, token: str) -> None:
    req = urllib.request.Request(  # noqa: S310 (loopback)
        host + path, headers={"Authorization": f"Token {token}"}
    )
    urllib.request.urlopen(req, timeout=120).read()  # noqa: S310 (loopback)


def _warm(host: str, pool_file: Path, workers: int, log_file: Path) -> None:
    """What a server that has been up a while has: every worker's imports, its copy of the
    member graph (read in the background on its first search; SQL answers until then),
    the match sets of the queries the test sends (profiles.search_memory), and clients
    whose tokens were used lately."""
    token = json.loads(pool_file.read_text())[0]["token"]
    started = time.monotonic()
    while time.monotonic() - started < 300:
        _get(host, "/api/v1/profiles/?q=engineer", token)
        if log_file.read_text(errors="replace").count("member graph loaded") >= workers:
            break
        time.sleep(1)
    print(f"member graphs loaded in {time.monotonic() - started:.0f} s", flush=True)
    # Each worker reads a query's matches from its 2nd search of it, in a thread.
    started = time.monotonic()
    while time.monotonic() - started < 300:
        for word in WORDS:
            for degree in ("", "&degree=2", "&degree=3"):
                _get(host, f"/api/v1/profiles/?q={word}{degree}", token)
        read = log_file.read_text(errors="replace").count("search matches read")
        if read >= workers * len(WORDS):
            break
        time.sleep(1)
    print(f"search match sets read in {time.monotonic() - started:.0f} s", flush=True)
    # Clients that have been active: each token used once, so stamped (a token is stamped
    # at most every ApiToken.TOUCH_EVERY; a fresh one on its first use).
    started = time.monotonic()
    for member in json.loads(pool_file.read_text()):
        _get(host, "/api/v1/network/", member["token"])
    print(f"every client's token used once in {time.monotonic() - started:.0f} s", flush=True)


def _row(name: str, stats: dict) -> str:
    return (
        f"| {name} | {int(stats['Request Count']):,} | {int(stats['Failure Count'])} | "
        f"{float(stats['Requests/s']):.1f} | {stats['50%']} ms | {stats['95%']} ms |"
    )


def run(*, members: int, samples: int, seed_seconds: float) -> list[str]:
    seconds = int(os.environ.get("LOAD_SECONDS", "60"))
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    pool_file = var / "load-pool.json"
    pool_file.write_text(json.dumps(_pool()))
    port = _free_port()
    # gunicorn as deployed (linkup/gunicorn.conf.py); WEB_CONCURRENCY and
    # GUNICORN_THREADS change it here as there.
    conf = runpy.run_path(str(ROOT / "linkup" / "gunicorn.conf.py"))
    workers, threads = int(conf["workers"]), int(conf["threads"])
    worker_class = "gthread" if threads > 1 else conf["worker_class"]
    log_file = var / "load-web.log"
    log_file.unlink(missing_ok=True)
    web = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "linkup" / "gunicorn.conf.py"),
            "linkup.wsgi",
            "-b",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "linkup.settings.bench"},
        stdout=log_file.open("ab"),
        stderr=subprocess.STDOUT,
    )
    host = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(host + "/", timeout=2).read()  # noqa: S310 (loopback)
                break
            except OSError:
                time.sleep(0.5)
        _warm(host, pool_file, workers, log_file)
        baseline = _locust(host, pool_file, min(20, seconds), var / "load-baseline", "Visitor")
        mixed = _locust(host, pool_file, seconds, var / "load-mixed", "Member")
    finally:
        web.terminate()
        web.wait(timeout=30)
        ApiToken.objects.filter(name="load test").delete()
    total = mixed["Aggregated"]
    ok = (
        float(total["Requests/s"]) >= 200
        and float(total["95%"]) <= 200
        and int(total["Failure Count"]) == 0
    )
    lines = [
        f"### Load: locust, {USERS} users, {seconds} s, gunicorn -c linkup/gunicorn.conf.py"
        f" ({workers} {worker_class} workers"
        f"{f' × {threads} threads' if threads > 1 else ''}) on loopback ({members:,} members)",
        "",
        "| request | count | failures | requests/s | median | p95 |",
        "|---|---|---|---|---|---|",
        _row("baseline: GET / (landing, static template)", baseline["Aggregated"]),
    ]
    lines += [_row(name, row) for name, row in mixed.items() if name != "Aggregated"]
    lines += [
        _row("**mixed, all requests**", total),
        "",
        f"Goal {GOALS}: {'met' if ok else 'NOT met'}. CSVs in var/load-mixed_*.csv.",
        "",
    ]
    return lines
