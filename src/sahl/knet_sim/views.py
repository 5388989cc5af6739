"""The simulated gateway's HTTP surface: a JSON API for merchants and the card page for people."""

from __future__ import annotations

import base64
import json
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sahl.core import untrusted
from sahl.core.errors import SahlError
from sahl.knet_sim import services


def _signed_json(request: HttpRequest) -> dict[str, object] | None:
    try:
        payload = untrusted.loads(request.body)
        services.check_merchant(payload, request.headers.get("X-Signature", ""))
    except (ValueError, SahlError):
        return None
    return payload if isinstance(payload, dict) else None


@csrf_exempt  # merchants authenticate with a signature, not a browser session
@require_POST
def create_payment(request: HttpRequest) -> JsonResponse:
    payload = _signed_json(request)
    if payload is None:
        return JsonResponse({"error": "bad signature or body"}, status=403)
    found = services.initiate(payload)
    return JsonResponse(
        {
            "payment_id": found.payment_id,
            "payment_url": request.build_absolute_uri(reverse("knet_sim:pay", args=[found.payment_id])),
        }
    )


@csrf_exempt
@require_POST
def refund(request: HttpRequest) -> JsonResponse:
    payload = _signed_json(request)
    if payload is None:
        return JsonResponse({"error": "bad signature or body"}, status=403)
    try:
        found = services.refund(str(payload["payment_id"]), str(payload["amount"]))
    except (SahlError, KeyError):
        return JsonResponse({"error": "not refundable"}, status=409)
    return JsonResponse({"payment_id": found.payment_id, "state": found.state})


@require_GET
def report(request: HttpRequest) -> JsonResponse:
    day = request.GET.get("date", "")
    try:
        services.check_merchant({"date": day}, request.headers.get("X-Signature", ""))
    except SahlError:
        return JsonResponse({"error": "bad signature"}, status=403)
    return JsonResponse({"date": day, "payments": services.report(day)})


@require_GET
def inquiry(request: HttpRequest) -> JsonResponse:
    """A merchant asks for a payment's state by its own reference (KNET's inquiry): the signed result
    as the callback carries it ("initiated" while the card page is still open), or 404."""
    reference = request.GET.get("reference", "")
    try:
        services.check_merchant({"reference": reference}, request.headers.get("X-Signature", ""))
    except SahlError:
        return JsonResponse({"error": "bad signature"}, status=403)
    found = services.by_reference(reference)
    if found is None:
        return JsonResponse({"error": "no such payment"}, status=404)
    return JsonResponse(services.result_of(found))


def _back(found: services.SimPayment) -> str:
    """The merchant's return address with the signed result in it (as gateways do)."""
    data = base64.urlsafe_b64encode(json.dumps(services.result_of(found)).encode()).decode()
    return f"{found.return_url}?{urlencode({'data': data})}"


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, payment_id: str) -> HttpResponse:
    try:
        found = services.payment(payment_id)
    except SahlError:
        return render(request, "knet_sim/pay.html", {"missing": True}, status=404)
    if request.method == "POST":
        if "cancel" in request.POST:
            found = services.cancel(payment_id)
        else:
            found = services.pay(
                payment_id,
                request.POST.get("card_number", "")[:19],
                request.POST.get("expiry", "")[:5],
                request.POST.get("pin", "")[:4],
            )
        return redirect(_back(found))
    # A payment already processed links back to the merchant, which shows what happened.
    back = _back(found) if found.state != services.SimPayment.State.INITIATED else ""
    return render(request, "knet_sim/pay.html", {"payment": found, "back": back})
