"""The person's "My data" page (what Sahl holds, the consents they gave) and the download of
everything as JSON."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sahl.identity.current import person_of
from sahl.privacy import services


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    page = services.my_data_page(person_of(request))
    return render(request, "privacy/my_data.html", {"held": page.held, "consents": page.consents})


@login_required
@require_GET
def download(request: HttpRequest) -> HttpResponse:
    data = services.download(person_of(request), via="page", address=str(request.META.get("REMOTE_ADDR", "")))
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    filename = f"sahl-my-data-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
