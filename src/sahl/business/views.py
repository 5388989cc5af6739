"""Sahl Business's pages: the companies a person may act for, a company's home, its workers (chosen
for a bulk renewal), a renewal's progress, its statements (paid in one payment) and its
representatives. Each page parses the request and calls one use case; a company the person may not
see is 404."""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sahl.audit import labels as audit_labels
from sahl.audit import services as audit
from sahl.business import contributions, renewals, rules
from sahl.business.home import company_for, company_home, statements_of
from sahl.core.errors import SahlError
from sahl.identity.current import person_of
from sahl.mandates import current, delegates
from sahl.mandates import services as mandates
from sahl.mandates.rules import DELEGATE_SCOPES, Action, parse_date
from sahl.payments import baskets
from sahl.registry.adapters import registers
from sahl.ui.errors import for_error


def _today() -> dt.date:
    return mandates.today()


def _address(request: HttpRequest) -> str:
    return current.client_address(request)


@login_required
@require_http_methods(["GET"])
def companies(request: HttpRequest) -> HttpResponse:
    user = person_of(request)
    powers = [p for p in mandates.powers_of(user) if p.is_company]
    invitations = [d for d in delegates.of_person(user) if d.state == "invited"]
    return render(request, "business/companies.html", {"powers": powers, "invitations": invitations})


@login_required
@require_POST
def accept(request: HttpRequest, mandate_id: int) -> HttpResponse:
    try:
        delegates.accept(person_of(request), mandate_id, address=_address(request))
    except SahlError as error:
        return for_error(request, error)
    messages.success(request, _("You are now the company's representative. Choose it to act for it."))
    return redirect("business:companies")


@login_required
@require_POST
def decline(request: HttpRequest, mandate_id: int) -> HttpResponse:
    try:
        delegates.revoke(mandates.oneself(person_of(request)), mandate_id, address=_address(request))
    except SahlError as error:
        return for_error(request, error)
    messages.success(request, _("The invitation is declined."))
    return redirect("business:companies")


@login_required
@require_http_methods(["GET"])
def home(request: HttpRequest, number: str) -> HttpResponse:
    try:
        authority = company_for(person_of(request), number, address=_address(request))
        found = company_home(authority, _today())
    except SahlError as error:
        return for_error(request, error)
    acting_now = current.acting_of(request).subject == number
    return render(request, "business/home.html", {"home": found, "acting_now": acting_now, "today": _today()})


@login_required
@require_http_methods(["GET"])
def workers(request: HttpRequest, number: str) -> HttpResponse:
    search = request.GET.get("q", "")[:100]
    expiring = request.GET.get("expiring") == "1"
    try:
        authority = company_for(person_of(request), number, address=_address(request))
        page = registers().workers(
            number,
            search=search,
            expiring_by=rules.horizon(_today()) if expiring else None,
            after=request.GET.get("after", "")[:40],
        )
    except SahlError as error:
        return for_error(request, error)
    mandates.record_use(authority, "workers")
    may_renew = authority.allows(Action.APPLY, "labour")
    context = {
        "authority": authority,
        "number": number,
        "page": page,
        "search": search,
        "expiring": expiring,
        "may_renew": may_renew,
        "today": _today(),
        "key": request.GET.get("key", "") or _new_key(),
    }
    return render(request, "business/workers.html", context)


def _new_key() -> str:
    """The form's idempotency key: sending the same form twice renews nothing twice."""
    return secrets.token_urlsafe(16)


@login_required
@require_POST
def renew(request: HttpRequest, number: str) -> HttpResponse:
    try:
        authority = company_for(person_of(request), number, address=_address(request))
        renewal = renewals.start(authority, request.POST.getlist("worker"), request.POST.get("key", ""))
    except SahlError as error:
        return for_error(request, error)
    return redirect("business:renewal", number, renewal.reference)


@login_required
@require_http_methods(["GET"])
def renewal(request: HttpRequest, number: str, reference: str) -> HttpResponse:
    try:
        authority = company_for(person_of(request), number, address=_address(request))
        found = renewals.renewal_of(authority, reference)
    except SahlError as error:
        return for_error(request, error)
    context = {"number": number, "view": found, "may_pay": authority.allows(Action.PAY)}
    return render(request, "business/renewal.html", context)


@login_required
@require_POST
def pay_renewal(request: HttpRequest, number: str, reference: str) -> HttpResponse:
    try:
        authority = company_for(person_of(request), number, address=_address(request))
        found = renewals.renewal_of(authority, reference)
        back = reverse("business:renewal", args=[number, reference])
        intent = baskets.start_for_applications(authority, found.to_pay, return_to=back)
    except SahlError as error:
        return for_error(request, error)
    return redirect(intent.payment_url)


@login_required
@require_http_methods(["GET", "POST"])
def statements(request: HttpRequest, number: str) -> HttpResponse:
    try:
        authority = company_for(person_of(request), number, address=_address(request))
        if request.method == "POST":
            back = reverse("business:statements", args=[number])
            intent = contributions.pay(authority, request.POST.getlist("statement"), _today(), return_to=back)
            return redirect(intent.payment_url)
        found = statements_of(number, _today())
    except SahlError as error:
        return for_error(request, error)
    mandates.record_use(authority, "statements")
    context = {
        "number": number,
        "authority": authority,
        "statements": found,
        "may_pay": authority.allows(Action.PAY),
    }
    return render(request, "business/statements.html", context)


@login_required
@require_http_methods(["GET"])
def log(request: HttpRequest, number: str) -> HttpResponse:
    try:
        authority = company_for(person_of(request), number, address=_address(request))
    except SahlError as error:
        return for_error(request, error)
    context = {
        "number": number,
        "authority": authority,
        "entries": audit.company_log(number),
        "kinds": audit_labels.KINDS,
        "data_labels": audit_labels.DATA,
        "bases": audit_labels.BASES,
    }
    return render(request, "business/log.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def representatives(request: HttpRequest, number: str) -> HttpResponse:
    try:
        authority = company_for(person_of(request), number, address=_address(request))
        if request.method == "POST":
            until = parse_date(request.POST.get("valid_until", ""))
            delegates.grant(
                authority,
                request.POST.get("civil_id", ""),
                request.POST.get("scope", ""),
                until,
                address=_address(request),
            )
            messages.success(request, _("The invitation is sent. The role holds once the person accepts it."))
            return redirect("business:representatives", number)
        found = delegates.of_company(number, ended=True)
    except SahlError as error:
        return for_error(request, error)
    context = {
        "number": number,
        "authority": authority,
        "representatives": found,
        "scopes": DELEGATE_SCOPES,
        "default_until": (_today() + dt.timedelta(days=365)).isoformat(),
    }
    return render(request, "business/representatives.html", context)


@login_required
@require_POST
def revoke(request: HttpRequest, number: str, mandate_id: int) -> HttpResponse:
    try:
        authority = company_for(person_of(request), number, address=_address(request))
        delegates.revoke(authority, mandate_id, address=_address(request))
    except SahlError as error:
        return for_error(request, error)
    messages.success(request, _("The representative's role is ended. It stopped at once."))
    return redirect("business:representatives", number)
