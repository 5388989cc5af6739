#!/usr/bin/env bash
# Start the background worker, the deliveries sweep, the demo agency's simulated system (MEW) and
# the web server; stop them all on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${PORT:-8000}
mkdir -p var
# The demo runs with the simulators: the payment gateway, MEW's system and the SMS provider (/dev/sms).
export SAHL_SIMULATORS=${SAHL_SIMULATORS:-1}
# The address people use, and the simulated payment gateway served by the same server.
export SAHL_PUBLIC_URL=${SAHL_PUBLIC_URL:-http://localhost:$PORT}
export SAHL_KNET_URL=${SAHL_KNET_URL:-$SAHL_PUBLIC_URL/sim/knet}
# The demo agency MEW connects its own (simulated) system: its agency_api services, such as the
# clearance certificate, are delivered to it over signed HTTP and it decides them through the API.
AGENCY_SIM_PORT=${AGENCY_SIM_PORT:-8801}
"$BIN/python" manage.py connect_agency --agency mew --endpoint "http://127.0.0.1:$AGENCY_SIM_PORT/deliveries" \
  --credentials var/agency-mew.json > var/agency-mew.log 2>&1
"$BIN/python" manage.py db_worker --queue-name default --no-reload > var/worker.log 2>&1 &
worker=$!
# The outbox's sweep: attempts whose worker died, and deliveries and event handlings whose task was
# lost (never a second task for one that has one waiting; safe on several machines).
"$BIN/python" manage.py outbox_sweep --every 30 > var/sweep.log 2>&1 &
sweep=$!
# Overdue reports go to the agency's supervisors (checked every 10 minutes).
"$BIN/python" manage.py escalate_complaints --every 600 > var/escalations.log 2>&1 &
escalations=$!
# Expired wallet issuance records (nonces, offers, tokens) are deleted every hour.
"$BIN/python" manage.py wallet_sweep --every 3600 > var/wallet-sweep.log 2>&1 &
wallet_sweep=$!
# Answers to Idempotency-Keys older than a day are forgotten every hour (the keys become free).
"$BIN/python" manage.py idempotency_sweep --every 3600 > var/idempotency-sweep.log 2>&1 &
idempotency_sweep=$!
# The audit log's head is signed into var/audit-checkpoints.jsonl every 10 minutes (and after every
# 1000th entry by the worker): verify_audit holds the log against those checkpoints (ADR 0024).
"$BIN/python" manage.py audit_checkpoint --every 600 > var/audit-checkpoints.log 2>&1 &
audit_checkpoints=$!
# Reminders before documents expire: swept every hour, from 09:00 Kuwait time so that no SMS goes
# out at night (a sweep run again on the same day sends nothing more).
"$BIN/python" manage.py send_reminders --every 3600 > var/reminders.log 2>&1 &
reminders=$!
# MEW's simulated system itself: what it received, answered and decided goes to var/agency-mew.log.
"$BIN/python" manage.py run_agency_simulator --agency mew --port "$AGENCY_SIM_PORT" \
  --sahl "http://localhost:$PORT" --credentials var/agency-mew.json --state var/agency-mew-state.json \
  >> var/agency-mew.log 2>&1 &
agency=$!
# A local mail server for the demo: e-mails Sahl sends are written to var/mail.log.
mail=""
if [ -z "${SAHL_SMTP_HOST:-}" ]; then
  "$BIN/python" -m aiosmtpd -n -l localhost:1025 -c aiosmtpd.handlers.Debugging > var/mail.log 2>&1 &
  mail=$!
fi
trap 'kill $worker $sweep $escalations $wallet_sweep $idempotency_sweep $audit_checkpoints $reminders $agency $mail 2>/dev/null || true' EXIT INT TERM
cat <<MSG

  Sahl is running at http://localhost:$PORT
  (use localhost, not 127.0.0.1: passkeys only work on localhost)
  The background worker logs to var/worker.log; e-mails go to var/mail.log and
  http://localhost:$PORT/dev/sms shows the SMS and e-mails sent. The Ministry of Electricity
  and Water's simulated system listens on http://127.0.0.1:$AGENCY_SIM_PORT and logs to
  var/agency-mew.log. Stop with Ctrl-C.

MSG
# Threads too: paying, Sahl calls the (simulated) gateway on this same server.
"$BIN/gunicorn" sahl.wsgi --bind "localhost:$PORT" --workers "${WORKERS:-2}" --threads 8
