"""A simulated agency system: a separate program that talks to Sahl only over HTTP, as a real
agency's system would (docs/agency-api.md). It receives signed deliveries, checks them with its own
code, de-duplicates them, answers as it is told to, and later reports progress and a decision
through Sahl's inbound API.

It imports nothing of Sahl and never touches Sahl's database (import-linter keeps it so). Run it
with `manage.py run_agency_simulator` or `python -m sahl.agency_sim`."""
