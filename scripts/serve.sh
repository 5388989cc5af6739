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
# A local mail server for the demo: e-mails Sahl sends are written to var/mail.log.
mail=""
if [ -z "${SAHL_SMTP_HOST:-}" ]; then
  "$BIN/python" -m aiosmtpd -n -l localhost:1025 -c aiosmtpd.handlers.Debugging > var/mail.log 2>&1 &
  mail=$!
  export SAHL_DEV_OUTBOX=${SAHL_DEV_OUTBOX:-1}
fi
trap 'kill $worker $mail 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  Sahl is running at http://localhost:$PORT
  (use localhost, not 127.0.0.1: passkeys only work on localhost)
  The background worker logs to var/worker.log; e-mails go to var/mail.log and
  http://localhost:$PORT/dev/sms shows the SMS and e-mails sent. Stop with Ctrl-C.

MSG
# Threads too: paying, Sahl calls the (simulated) gateway on this same server.
"$BIN/gunicorn" sahl.wsgi --bind "localhost:$PORT" --workers "${WORKERS:-2}" --threads 8
