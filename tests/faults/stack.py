"""A private LinkUp stack for fault tests: its own Postgres cluster and Redis server on
free loopback ports, gunicorn and a Celery worker, so that a test can restart or kill
any of them without touching the servers the rest of the suite uses."""

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(cmd: list[str]) -> list[str]:
    # initdb and pg_ctl refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Stack:
    base: Path
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)  # handle -> API token

    # -- the servers ----------------------------------------------------------------

    @property
    def pgdata(self) -> Path:
        return self.base / "pgdata"

    def pg_ctl(self, *args: str) -> None:
        bindir = pg_bin()
        assert bindir is not None
        subprocess.run(
            _as_postgres([str(bindir / "pg_ctl"), "-D", str(self.pgdata), *args]),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def postgres_init(self) -> None:
        bindir = pg_bin()
        assert bindir is not None
        self.base.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
        subprocess.run(
            _as_postgres(
                [str(bindir / "initdb"), "-D", str(self.pgdata), "-U", "postgres", "-A", "trust"]
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        self.postgres_start()
        with contextlib.closing(self.db("postgres")) as conn:
            conn.autocommit = True
            conn.cursor().execute("CREATE DATABASE linkup")

    def postgres_start(self) -> None:
        opts = (
            f"-p {self.pg_port} -k {self.base} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off"
        )
        self.pg_ctl("-o", opts, "-l", str(self.base / "postgres.log"), "-w", "start")

    def postgres_restart(self) -> None:
        # stop + start rather than `pg_ctl restart`, which would log to our pipe.
        self.pg_ctl("-m", "fast", "-w", "stop")
        self.postgres_start()

    def postgres_stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.pg_ctl("-m", "immediate", "-w", "stop")

    def db(self, name: str = "linkup"):
        return psycopg2.connect(host="127.0.0.1", port=self.pg_port, user="postgres", dbname=name)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with contextlib.closing(self.db()) as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def execute(self, sql: str, params: tuple = ()) -> None:
        with contextlib.closing(self.db()) as conn:
            with conn.cursor() as cur:
                cur.execute(sql, params)
            conn.commit()

    def redis_start(self) -> None:
        self.procs["redis"] = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_port(self.redis_port)

    def redis_stop(self) -> None:
        self._stop("redis", signal.SIGKILL)

    # -- the application --------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PYTEST", "DJANGO", "DATABASE_URL", "REDIS_URL"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="linkup.settings.local",
            DJANGO_DEBUG="false",
            DATABASE_URL=f"postgres://postgres@127.0.0.1:{self.pg_port}/linkup",
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            EMAIL_URL="consolemail://",
            LINKUP_EXPORT_ROOT=str(self.base / "exports"),
            DJANGO_MEDIA_ROOT=str(self.base / "media"),
        )
        return env

    def manage(self, *args: str, timeout: int = 300) -> str:
        result = subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def web_start(self) -> None:
        self.procs["web"] = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "linkup.wsgi",
                "-b",
                f"127.0.0.1:{self.web_port}",
                "-w",
                "2",
                "--timeout",
                "30",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=(self.base / "web.log").open("ab"),
            stderr=subprocess.STDOUT,
        )
        self._wait_port(self.web_port)

    def worker_start(self) -> None:
        self.procs["worker"] = subprocess.Popen(
            [str(BIN / "celery"), "-A", "linkup", "worker", "-P", "solo", "--loglevel=INFO"],
            cwd=ROOT,
            env=self.env,
            stdout=(self.base / "worker.log").open("ab"),
            stderr=subprocess.STDOUT,
        )

    def worker_kill(self) -> None:
        self._stop("worker", signal.SIGKILL)

    def send_task(self, name: str) -> None:
        """What celery beat does on each tick: publish a periodic task by name."""
        self.manage("shell", "-c", f"from linkup.celery import app; app.send_task({name!r})")

    def stop_all(self) -> None:
        for name in list(self.procs):
            self._stop(name, signal.SIGTERM)
        self.postgres_stop()

    # -- HTTP -------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str = "",
        data: dict | None = None,
        timeout: float = 15,
    ) -> Response:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.web_port}{path}", data=body, method=method
        )
        if token:
            request.add_header("Authorization", f"Token {token}")
        if body is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:  # noqa: S310 (loopback)
                return Response(r.status, r.read(), dict(r.headers))
        except urllib.error.HTTPError as e:
            return Response(e.code, e.read(), dict(e.headers))

    # -- helpers ----------------------------------------------------------------------

    def _wait_port(self, port: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with socket.socket() as s, contextlib.suppress(OSError):
                s.settimeout(0.5)
                s.connect(("127.0.0.1", port))
                return
            time.sleep(0.1)
        raise TimeoutError(f"nothing listens on {port}")

    def _stop(self, name: str, sig: int) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)


def make_stack() -> Stack:
    return Stack(base=Path(tempfile.mkdtemp(prefix="linkup-faults-")))
