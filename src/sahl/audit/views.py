"""The person's page: who looked at my data, and my account's security events."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sahl.audit import labels, services
from sahl.identity.current import person_of


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    found = services.access_log(person_of(request))
    return render(
        request,
        "audit/access_log.html",
        {
            "log": found,
            "kinds": labels.KINDS,
            "data_labels": labels.DATA,
            "bases": labels.BASES,
            "roles": labels.ROLES,
        },
    )
