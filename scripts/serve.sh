#!/usr/bin/env bash
# Start the background worker and the web server; stop both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
mkdir -p var
# The address people use, and the simulated payment gateway served by the same server.
export SAHL_PUBLIC_URL=${SAHL_PUBLIC_URL:-http://localhost:$PORT}
export SAHL_KNET_URL=${SAHL_KNET_URL:-$SAHL_PUBLIC_URL/sim/knet}
"$BIN/python" manage.py db_worker --queue-name default --no-reload > var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  Sahl is running at http://localhost:$PORT
  (use localhost, not 127.0.0.1: passkeys only work on localhost)
  The background worker logs to var/worker.log. Stop with Ctrl-C.

MSG
# Threads too: paying, Sahl calls the (simulated) gateway on this same server.
"$BIN/gunicorn" sahl.wsgi --bind "localhost:$PORT" --workers "${WORKERS:-2}" --threads 4
