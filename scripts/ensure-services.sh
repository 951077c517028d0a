#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer before the site or the tests start.
#
# Order: DATABASE_URL / REDIS_URL when set (then they must answer); else the
# local servers on 127.0.0.1; else start the machine's own servers; else an
# embedded one (a project-local Postgres cluster, redis-server in var/).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p var

pg_up() { pg_isready -q -h "${1:-127.0.0.1}" -p "${2:-5432}" 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p "${1:-6379}" ping 2>/dev/null | grep -q PONG; }

if [ -n "${DATABASE_URL:-}" ]; then
  echo "postgres: using DATABASE_URL"
elif pg_up; then
  echo "postgres: local server on 127.0.0.1:5432"
else
  if command -v pg_ctlcluster >/dev/null 2>&1 && ls /etc/postgresql >/dev/null 2>&1; then
    echo "postgres: starting the machine's cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  if ! pg_up; then
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    if [ -n "$bindir" ]; then
      echo "postgres: starting a project-local cluster in var/pg"
      if [ ! -f var/pg/PG_VERSION ]; then
        # initdb refuses to run as root: run it as the postgres user where we are root.
        runas=""
        [ "$(id -u)" = 0 ] && runas="runuser -u postgres --"
        mkdir -p var/pg && [ -n "$runas" ] && chown postgres var/pg var
        $runas "$bindir/initdb" -D var/pg -U postgres --auth=trust >/dev/null
      fi
      ${runas:-} "$bindir/pg_ctl" -D var/pg -o "-p 5432 -k /tmp -c listen_addresses=127.0.0.1" -l var/pg.log start
    fi
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "postgres: no server could be started; set DATABASE_URL" >&2; exit 1; }
fi

if [ -n "${REDIS_URL:-}" ]; then
  echo "redis: using REDIS_URL"
elif redis_up; then
  echo "redis: local server on 127.0.0.1:6379"
elif command -v redis-server >/dev/null 2>&1; then
  echo "redis: starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir "$PWD/var" --logfile "$PWD/var/redis.log"
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || { echo "redis: could not start; set REDIS_URL" >&2; exit 1; }
else
  echo "redis: not installed; install redis-server or set REDIS_URL" >&2
  exit 1
fi
