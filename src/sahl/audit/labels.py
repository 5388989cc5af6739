"""What the audit log calls its entries (gettext: the page reads them in its language, the API and
"My data" in both)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sahl.identity.models import StaffMembership

KINDS = {
    "login": _("Logged in"),
    "login_failed": _("Failed login attempt"),
    "logout": _("Logged out"),
    "mfa_changed": _("Second factor changed"),
    "proof_started": _("Code sent to your mobile to join Sahl or choose a new password"),
    "proof_refused": _("Failed attempt to prove who you are with your civil ID card"),
    "account_opened": _("Account opened with your civil ID card"),
    "password_reset": _("New password chosen with your civil ID card"),
    "mandate_granted": _("Mandate granted"),
    "mandate_revoked": _("Mandate revoked"),
    "access_refused": _("Access refused"),
    "data_read": _("Data read"),
    "data_exported": _("Copy of your data downloaded"),
    "logout_everywhere": _("Logged out on every device"),
    "app_authorised": _("App allowed to use your account"),
    "app_revoked": _("App's permission taken back"),
    "service_submitted": _("Service definition submitted for publishing"),
    "service_published": _("Service definition published"),
    "service_returned": _("Service definition returned to the agency"),
    "staff_appointed": _("Given a role on an agency's staff"),
    "staff_removed": _("Role on an agency's staff ended"),
}

# What was read (`data`).
DATA = {
    "application": _("Application"),
    "applications": _("List of applications"),
    "attachment": _("Attachment of the application"),
    "document": _("Issued document"),
    "notice_addressee": _("Your name, checked before an official notice was sent to you"),
    "company": _("The company's page"),
    "workers": _("The list of workers"),
    "statements": _("The contribution statements"),
}

# Why someone other than the person read their data, when it was not an agency (`detail`).
BASES = {
    "attorney": _("Under a power of attorney"),
    "guardian": _("As a guardian"),
    "signatory": _("As an authorised signatory"),
    "delegate": _("As the company's representative"),
}

# Which role on an agency's staff was given or ended (`detail` of staff_appointed, staff_removed).
ROLES = dict(StaffMembership.Role.choices)
