#!/usr/bin/env bash
# Start the background worker and the web server; stop both on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
mkdir -p var
"$BIN/python" manage.py db_worker --queue-name default > var/worker.log 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  Sahl is running at http://localhost:$PORT
  (use localhost, not 127.0.0.1: passkeys only work on localhost)
  The background worker logs to var/worker.log. Stop with Ctrl-C.

MSG
"$BIN/gunicorn" sahl.wsgi --bind "localhost:$PORT" --workers "${WORKERS:-2}"
