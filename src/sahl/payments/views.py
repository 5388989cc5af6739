"""Paying: send the person to the gateway, take them back, accept the gateway's callback;
receipts; the operator's daily reconciliation."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from sahl.core import untrusted
from sahl.core.errors import SahlError
from sahl.identity.current import person_of
from sahl.mandates.current import acting_of
from sahl.payments import baskets, labels, services
from sahl.ui.errors import error_page, for_error

if TYPE_CHECKING:
    from sahl.applications.models import Application

log = logging.getLogger(__name__)


@login_required
@require_POST
def pay(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        intent = services.start(acting_of(request), reference)
    except services.NotKnownYet:
        # Not an error page: the application's page says what happened and when to check again.
        return redirect("applications:detail", reference=reference)
    except SahlError as error:
        return for_error(request, error)
    if intent.state == "paid":  # the gateway's inquiry found the last attempt captured
        messages.success(request, _("Payment received. Thank you."))
        return redirect("applications:detail", reference=reference)
    return redirect(intent.payment_url)


@require_GET
def back_from_gateway(request: HttpRequest) -> HttpResponse:
    """The person's browser comes back with the gateway's signed result."""
    try:
        message = untrusted.loads(base64.urlsafe_b64decode(request.GET.get("data", "")[:4000]))
        intent = services.apply_result(message if isinstance(message, dict) else {})
    except (ValueError, SahlError) as error:
        return for_error(
            request,
            error if isinstance(error, SahlError) else services.ResultRefused("payment.result_refused"),
        )
    if intent.state == "pending":  # no result (the bank did not answer): ask the gateway what happened
        services.inquire(intent)
    if intent.state in ("paid", "refunded"):
        messages.success(request, _("Payment received. Thank you."))
    elif intent.state == "declined":
        messages.error(request, _("The bank declined the card. You were not charged; you can try again."))
    elif intent.state == "cancelled":
        messages.info(request, _("You cancelled the payment. You were not charged."))
    if intent.application is None:  # a basket: where the person started from, else its own page
        return redirect(
            baskets.safe_return(intent.return_to) or reverse("payments:basket", args=[intent.reference])
        )
    # Otherwise the application's page says what happened and what to do (payment_notice).
    return redirect("applications:detail", reference=intent.application.reference)


@csrf_exempt  # the gateway authenticates with its signature
@require_POST
def callback(request: HttpRequest) -> JsonResponse:
    try:
        message = untrusted.loads(request.body)
        services.apply_result(message if isinstance(message, dict) else {})
    except ValueError:
        return JsonResponse({"accepted": False}, status=400)
    except SahlError as error:
        return JsonResponse({"accepted": False, "code": error.code}, status=400)
    return JsonResponse({"accepted": True})


@login_required
@require_GET
def receipt(request: HttpRequest, reference: str, intent_id: int) -> HttpResponseBase:
    try:
        intent = services.receipt_for(acting_of(request), reference, intent_id)
    except SahlError as error:
        return for_error(request, error)
    return FileResponse(intent.receipt.open("rb"), as_attachment=True, filename=f"{intent.reference}.pdf",
                        content_type="application/pdf")  # fmt: skip


@login_required
@require_GET
def basket(request: HttpRequest, reference: str) -> HttpResponse:
    """What a basket pays, its state and its receipt, to the subject it was paid for."""
    try:
        intent = baskets.basket_for(acting_of(request), reference)
    except SahlError as error:
        return for_error(request, error)
    if services.inquire_basket_if_due(intent):
        intent.refresh_from_db()
    items = baskets.items_of(intent)
    given_back = intent.state == "paid" and not any(item.live for item in items)
    return render(
        request,
        "payments/basket.html",
        {
            "intent": intent,
            "items": items,
            "state": labels.GIVEN_BACK
            if given_back
            else labels.STATES[services.PaymentIntent.State(intent.state)],
            "notice": _basket_notice(intent, given_back),
            "open": intent.state == "pending" and intent.payment_url and intent.expires_at > timezone.now(),
        },
    )


def _basket_notice(intent: services.PaymentIntent, given_back: bool) -> str:
    if given_back:
        return str(labels.BASKET_NOTICES["given_back"])
    if intent.state == "pending" and intent.inquiry == "unknown":
        when = timezone.localtime(services.next_inquiry(intent))
        return str(labels.NOTICES["unknown"]).format(time=when.strftime("%H:%M"))
    return ""


@login_required
@require_GET
def basket_receipt(request: HttpRequest, reference: str) -> HttpResponseBase:
    try:
        intent = baskets.receipt_of(acting_of(request), reference)
    except SahlError as error:
        return for_error(request, error)
    return FileResponse(intent.receipt.open("rb"), as_attachment=True, filename=f"{intent.reference}.pdf",
                        content_type="application/pdf")  # fmt: skip


def _operator_day(request: HttpRequest) -> dt.date | None:
    if not person_of(request).is_staff:
        return None
    try:
        return (
            dt.date.fromisoformat(request.GET.get("date", ""))
            if request.GET.get("date")
            else timezone.localdate()
        )
    except ValueError:
        return None


@login_required
@require_GET
def reconciliation(request: HttpRequest) -> HttpResponse:
    day = _operator_day(request)
    if day is None:
        return error_page(request, 404, "page.not_found")
    try:
        rows, unknown = services.reconciliation(day)
    except SahlError as error:
        return for_error(request, error)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="reconciliation-{day.isoformat()}.csv"'
        csv.writer(response).writerows(services.reconciliation_csv_rows(day))
        return response
    return render(request, "payments/reconciliation.html", {"day": day, "rows": rows, "unknown": unknown})


def payments_section(application: Application) -> dict[str, Any]:
    """The fee's part of the application's page (applications.sections): the attempts, and what
    happened to the last one and what to do, after asking the gateway about one left pending."""
    if not application.fee_fils:  # nothing was ever to pay, so no attempt exists: no query
        return {"payments": [], "payment_states": labels.STATES, "payment_notice": ""}
    payments = services.for_application(application)
    if services.inquire_if_due(application, payments):
        payments = services.for_application(application)
    return {
        "payments": payments,
        "payment_states": labels.STATES,
        "payment_notice": _notice(application, payments[-1]) if payments else "",
    }


def _notice(application: Application, last: services.PaymentIntent) -> str:
    if application.state != "awaiting_payment":
        return ""
    if last.state == "failed":
        return str(labels.NOTICES["failed"])
    if last.state == "pending" and last.inquiry == "pending":
        return str(labels.NOTICES["open"])
    if last.state == "pending" and last.inquiry == "unknown":
        when = timezone.localtime(services.next_inquiry(last))
        return str(labels.NOTICES["unknown"]).format(time=when.strftime("%H:%M"))
    return ""
