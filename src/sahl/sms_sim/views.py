from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sahl.outbox import labels
from sahl.sms_sim import services


@require_GET
def outbox(request: HttpRequest) -> HttpResponse:
    """What the simulated SMS gateway 'sent' and the e-mails handed to SMTP."""
    found = services.dev_outbox()
    emails = [(delivery, labels.STATES.get(delivery.state, delivery.state)) for delivery in found.emails]
    return render(request, "sms_sim/outbox.html", {"sms": found.sms, "emails": emails})
