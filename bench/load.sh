#!/usr/bin/env bash
# Load test (issue 6), one command: `make bench-load` (or `bash bench/load.sh`).
#
# Starts its own gunicorn (2 workers, production settings) on 127.0.0.1 against a PostgreSQL database
# of its own (rb_load on the local cluster: dropped, created, migrated, seeded), runs the locust scenario
# of bench/locustfile.py headless (USERS users, RATE spawned per second; figures over DURATION seconds that
# start WARM_UP seconds after the last user started), prints requests per second, p50/p95/p99 and errors per
# page and overall, then stops everything and drops the database.
# Goal: 50 users, zero errors, p95 under 300 ms for every page except PDF downloads.
#
# The second factor is switched off for this run (OTP_REQUIRED=false): fifty simulated reviewers share
# one demo account, and a TOTP code can be used only once. Its cost is one query per request, measured
# by the suite, not here. Nothing leaves this machine: every address is 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS=${USERS:-50}
RATE=${RATE:-10}
DURATION=${DURATION:-120}
WARM_UP=${WARM_UP:-15}
PORT=${BENCH_PORT:-8190}
PG=${BENCH_PG:-postgres://postgres@127.0.0.1:5432}
DB=rb_load
BIN=.venv/bin
WORK=$(mktemp -d /tmp/rb-load.XXXXXX)

export DJANGO_SETTINGS_MODULE=resilience.settings DJANGO_DEBUG=false
export DJANGO_SECRET_KEY="bench-load-only-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false
export OTP_REQUIRED=false DATABASE_URL="$PG/$DB" STATIC_ROOT="$WORK/static" PRIVATE_MEDIA_ROOT="$WORK/private"

server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  dropdb --if-exists -h 127.0.0.1 -U postgres "$DB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "PostgreSQL is not answering on 127.0.0.1:5432 (start the local cluster first)." >&2
  exit 1
fi
$BIN/python -c "import locust" 2>/dev/null || $BIN/pip install --quiet -e ".[dev,load]"

echo "== database $DB: create, migrate, seed"
dropdb --if-exists -h 127.0.0.1 -U postgres "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
$BIN/python manage.py migrate --noinput --verbosity 0
$BIN/python manage.py seed_demo --verbosity 0
$BIN/python manage.py collectstatic --noinput --verbosity 0

# Steady state: reports are laid out once per content and kept (the report cache); the reports of the
# assessments awaiting review are laid out beforehand, as `warm_reports` does after a deployment.
$BIN/python manage.py warm_reports
$BIN/python bench/sessions.py 60 >"$WORK/sessions.json" 2>"$WORK/sessions.log"
export BENCH_SESSIONS="$WORK/sessions.json"

echo "== gunicorn, 2 workers, on 127.0.0.1:$PORT"
# Sync workers: gthread (2 or 4 threads each, no keep-alive) was no better for the pages and slower for the
# logins (the GIL), and with keep-alive it closed connections under a client reusing them.
$BIN/gunicorn resilience.wsgi --workers 2 --preload --bind "127.0.0.1:$PORT" --timeout 120 \
  --error-logfile "$WORK/gunicorn.log" 2>>"$WORK/gunicorn.log" &
server=$!
for _ in $(seq 60); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null

echo "== locust: $USERS users, $RATE/s, then ${WARM_UP} s of warm-up and ${DURATION} s measured"
RUN_TIME=$(( (USERS + RATE - 1) / RATE + WARM_UP + DURATION ))
BENCH_WARM_UP=$WARM_UP $BIN/locust -f "${LOCUSTFILE:-bench/locustfile.py}" --headless -u "$USERS" -r "$RATE" \
  -t "${RUN_TIME}s" --host "http://127.0.0.1:$PORT" --csv "$WORK/load" --only-summary --loglevel WARNING >"$WORK/locust.log" 2>&1 || true

$BIN/python bench/load_summary.py "$WORK/load_stats.csv" "$WORK/load_failures.csv"
