from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from sahl.sms_sim import services

# The e-mails' delivery states, as the person reading the simulated phone sees them.
STATES = {
    "queued": _("Queued"),
    "sending": _("Sending"),
    "sent": _("Sent"),
    "retrying": _("Failed, retrying"),
    "failed": _("Failed permanently"),
    "uncertain": _("Uncertain"),
}


@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """What the simulated SMS gateway 'sent' and the e-mails handed to SMTP."""
    found = services.dev_outbox()
    emails = [(delivery, STATES.get(delivery.state, delivery.state)) for delivery in found.emails]
    return render(request, "sms_sim/outbox.html", {"sms": found.sms, "emails": emails})
