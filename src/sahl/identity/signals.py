"""What identity tells the apps above it about a person's security, as allauth does for its own
second factors (`authenticator_added`): the audit log records them (audit.receivers). Sent inside
the change's transaction, so the record commits or rolls back with it."""

from __future__ import annotations

from django.dispatch import Signal

# user, added (True: a number was confirmed; False: removed), address
sms_factor_changed = Signal()
# user, outcome (identity.rules.Check value), address: a wrong, expired or used code at login
login_code_refused = Signal()
# civil_id, reason ("card serial", "sms code wrong"...), address: a failed proof of who one is
# (identity.joining), for a civil ID of the population register
proof_refused = Signal()
# civil_id, purpose ("join", "recover"), address: a code went to the register's mobile for a proof
proof_started = Signal()
# user, address: an account opened by proving who one is
account_opened = Signal()
# user, address: a new password set by proving who one is (account recovery)
password_set_by_proof = Signal()
# user, address: every session of the person ended (identity.apps_granted.log_out_everywhere)
logged_out_everywhere = Signal()
# user, app (its English name), scopes, address: the person let an app in on the consent page
app_authorised = Signal()
# user, apps (their English names), reason (identity.apps_granted: revoked, logout_everywhere,
# password_changed, password_reset), address: apps' tokens revoked
apps_revoked = Signal()
# user (the person concerned), agency, role, previous_role ("" for a first role), actor (a User, or
# None for a deployment script), address: a staff role given or changed (identity.staff)
staff_appointed = Signal()
# user, agency, role (the one that ended), actor, address: a staff role ended (identity.staff)
staff_removed = Signal()
