#!/usr/bin/env bash
# `make run`: migrate, load demo data once, then web + Celery worker + beat.
set -euo pipefail
cd "$(dirname "$0")/.."
members="${1:-3000}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-linkup.settings.local}"
BIN=.venv/bin
mkdir -p var

if [ -z "${DATABASE_URL:-}" ]; then
  # The local server: make sure the database exists.
  psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='linkup'" | grep -q 1 \
    || createdb -h 127.0.0.1 -U postgres linkup
fi

$BIN/python manage.py migrate --noinput
seeded_now=0
if ! $BIN/python manage.py seed_demo --check >/dev/null 2>&1; then
  $BIN/python manage.py seed_demo --members "$members"
  seeded_now=1
  # Everyone's 2nd/3rd-degree counts, before the first page is served.
  $BIN/python manage.py recount_network
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

$BIN/celery -A linkup worker --loglevel=INFO --concurrency=2 >var/worker.log 2>&1 &
pids+=($!)
$BIN/celery -A linkup beat --loglevel=INFO --schedule=var/celerybeat-schedule >var/beat.log 2>&1 &
pids+=($!)
echo "Celery worker and beat started (logs in var/worker.log, var/beat.log)"

[ "$seeded_now" = 1 ] || $BIN/python manage.py seed_demo --print-logins || true
echo
echo "LinkUp is at http://127.0.0.1:8000/   admin: http://127.0.0.1:8000/admin/   API docs: http://127.0.0.1:8000/api/docs/"
$BIN/python manage.py runserver 127.0.0.1:8000
