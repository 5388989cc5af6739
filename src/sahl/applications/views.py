"""The person's pages: apply, follow, answer, consent, withdraw, download."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from allauth.account.decorators import reauthentication_required
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sahl.applications import eligibility, filing, reading, rendering, responding, sections
from sahl.applications.forms import form_fields
from sahl.applications.labels import CATEGORIES, CONSENTS, DELIVERY, EVENTS, STATES
from sahl.applications.rules import ANSWER_MAX_BODY, MAX_BODY, FormInvalid
from sahl.catalogue.visitors import kept_for_visitors
from sahl.core.errors import SahlError
from sahl.core.languages import language_of
from sahl.identity import throttle
from sahl.identity.current import address_of
from sahl.mandates import services as mandates
from sahl.mandates.current import acting_of
from sahl.ui.body_limits import body_limit
from sahl.ui.errors import for_error
from sahl.ui.kept_html import KeptHtml
from sahl.ui.links import link
from sahl.ui.rows import RowHtml
from sahl.ui.templatetags.sahl import code, isolated, machine_time, tr

if TYPE_CHECKING:
    from sahl.applications.models import HistoryEvent
    from sahl.core.languages import Wording
    from sahl.mandates.services import Authority


def _person(request: HttpRequest) -> Authority:
    """The person, acting for themselves or for whom they chose (checked again by each service)."""
    return acting_of(request)


def _grants_powers(request: HttpRequest) -> bool:
    """Granting a power of attorney asks for the password again (allauth's re-authentication)."""
    match = request.resolver_match
    return match is not None and mandates.asks_reauthentication(str(match.kwargs.get("code", "")))


TEXTS = {"states": STATES, "categories": CATEGORIES, "events": EVENTS, "consents": CONSENTS}


def _files(request: HttpRequest) -> dict[str, UploadedFile]:
    if getattr(request, "sahl_upload_refused", False):
        raise FormInvalid({"form": filing.file_too_large()})
    return {name: upload for name, upload in request.FILES.items() if isinstance(upload, UploadedFile)}


@require_GET
@kept_for_visitors
def service(request: HttpRequest, code: str) -> HttpResponse:
    """The service page: what it is, and whether the person can apply for whom they act for (the
    verdict the apply page and the API give too), with what to do next when they cannot."""
    who = _person(request) if request.user.is_authenticated else None
    try:
        page = eligibility.service_page(who, code)
    except SahlError as error:
        return for_error(request, error)
    version = page.service.current_version
    context = {"service": page.service, "definition": page.definition, "version": version}
    about = _ABOUT_SERVICES.get(
        page.service,
        get_language(),
        lambda: mark_safe(render_to_string("catalogue/_service_about.html", context)),  # noqa: S308 - rendered by the engine
    )
    return render(request, "catalogue/service.html", context | {"verdict": page.verdict, "about": about})


# What a service is (its part of the page that is the same for every reader of a language), kept with
# the catalogue's copy of the service: the template's most costly part of the page (ui.kept_html).
_ABOUT_SERVICES = KeptHtml(limit=2000)


@body_limit(MAX_BODY)
@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True, enabled=_grants_powers)
def apply(request: HttpRequest, code: str) -> HttpResponse:
    user = _person(request)
    try:
        page = reading.apply_page(user, code)  # once a request: the verdict and the form
    except SahlError as error:
        return for_error(request, error)
    errors: dict[str, object] = {}
    status = 200
    if not page.verdict.eligible:
        # Said as the service page said it; a refused mandate or a refused submission is an error.
        if request.method == "POST" or page.verdict.status == 403:
            status = page.verdict.status
        if request.method == "POST" and page.verdict.status != 403:
            try:  # unless it repeats a submission that filed one (the verdict may have changed since)
                key = request.POST.get("idempotency_key", "")
                filed = filing.filed_before(code, request.POST, _files(request), key, page=page)
            except SahlError as error:
                return for_error(request, error)
            if filed is not None:
                return redirect("applications:detail", reference=filed.reference)
    elif request.method == "POST":
        try:
            if "save_draft" in request.POST:
                filing.save_draft(user, code, request.POST, page=page)
                return redirect("applications:apply", code=code)
            throttle.take_filing(  # 429, per person and per source
                "filing", str(request.user.pk), address_of(request), refusal="application.too_many"
            )
            application = filing.submit(
                user,
                code,
                request.POST,
                _files(request),
                request.POST.get("idempotency_key", ""),
                page=page,
            )
            return redirect("applications:detail", reference=application.reference)
        except FormInvalid as invalid:
            errors, status = dict(invalid.errors), 400
        except SahlError as error:
            return for_error(request, error)
    answers: dict[str, object] = dict(page.draft.form_data) if page.draft else {}
    if request.method == "POST":
        answers = {
            k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "idempotency_key")
        }
    return render(
        request,
        "applications/apply.html",
        {
            "page": page,
            "verdict": page.verdict,
            "fields": form_fields(page.definition, page.profile, answers, errors) if page.profile else [],
            "documents": page.definition.required_documents,
            "errors": errors,
            "idempotency_key": uuid.uuid4().hex,
        },
        status=status,
    )


PAGE_SIZE = 20  # a phone's screenful or two; the API gives 50 by default


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    try:
        page = reading.applications_page(_person(request), request.GET.get("before", "")[:80], PAGE_SIZE)
    except SahlError as error:
        return for_error(request, error)
    labels = {name: str(text) for name, text in MINE_LABELS.items()}
    language = language_of(get_language())
    statuses = {str(category): tr(word) for category, word in CATEGORIES.items()}
    rows = MINE_ROW.render((_mine_row(card, language, statuses) for card in page.applications), labels)
    context = {"rows": rows, "labels": labels, "older": page.older, "paged": "before" in request.GET}
    return render(request, "applications/mine.html", context)


# "My applications" is a long list: its rows are rendered by ui.rows (ADR 0063), with the markup the
# template's loop had.
MINE_LABELS = {
    "reference": gettext_lazy("Reference"),
    "service": gettext_lazy("Service"),
    "status": gettext_lazy("Status"),
    "filed": gettext_lazy("Filed"),
    "due": gettext_lazy("Due by"),
}
MINE_ROW = RowHtml(
    """
  <tr>
    <td data-label="{reference_label}"><a href="{href}">{reference}</a></td>
    <td data-label="{service_label}">{service}</td>
    <td data-label="{status_label}"><span class="badge badge-{category}">{status}</span></td>
    <td data-label="{filed_label}">{filed}</td>
    <td data-label="{due_label}">{due}</td>
  </tr>
  """
)


def _mine_row(card: reading.Card, language: str, statuses: dict[str, str]) -> dict[str, object]:
    """One line of "my applications": its values, ready for MINE_ROW (no url, filter or translation
    per row, ADR 0048)."""
    filed = timezone.localtime(card.submitted_at).strftime("%Y-%m-%d") if card.submitted_at else "—"
    return {
        "href": link("applications:detail", card.reference),
        "reference": code(card.reference),
        "service": getattr(card, f"service_name_{language}"),
        "category": str(card.category),
        "status": statuses.get(card.category, ""),
        "filed": filed,
        "due": card.due_on.strftime("%Y-%m-%d") if card.due_on else "—",
    }


@login_required
@require_GET
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    try:
        page = reading.application_detail(_person(request), reference, with_delivery=True)
    except SahlError as error:
        return for_error(request, error)
    return render(request, "applications/detail.html", _detail(page))


def _detail(page: reading.ApplicationDetail) -> dict[str, object]:
    """The page's context: the application as the person may see it, the parts other apps
    contribute (the fee and its payments), and the delivery to the agency's system."""
    # Only an application sent to the agency can have been delivered to its system.
    delivery = page.delivery if page.sent_to_agency else None
    return (
        {"page": page, "history": _history(page), "answers": _answers(page)}
        | TEXTS
        | sections.for_page(page.application)
        | {"delivery": delivery, "delivery_texts": DELIVERY}
    )


# The application page's two lists (its history and the answers) are rendered by ui.rows (ADR 0066:
# they were a third of the page's template), with the markup the template's loops had.
HISTORY_ROW = RowHtml("""
    <li><time datetime="{at}">{shown}</time> {label}{note}{by}</li>
  """)
ANSWER_ROW = RowHtml("<div><dt>{label}</dt><dd>{value}</dd></div>")
# Lines whose note the person reads (the agency's words): a rejection, a request, the agency's news.
_NOTED = {"rejected", "info_requested"}
BY_ATTORNEY = gettext_lazy("by %(name)s, acting for the applicant")


def _history(page: reading.ApplicationDetail) -> SafeString:
    return HISTORY_ROW.render(_history_row(step, label) for step, label in page.view.history)


def _history_row(step: HistoryEvent, label: Wording) -> dict[str, object]:
    noted = step.kind in _NOTED or (step.kind == "agency_update" and step.note)
    by = ""
    if step.on_behalf_of and step.actor:
        words = str(BY_ATTORNEY) % {"name": escape(tr(step.actor))}
        by = mark_safe(f' <span class="meta">({words})</span>')  # noqa: S308 - the name is escaped, the words are ours
    return {
        "at": machine_time(step.at),
        "shown": timezone.localtime(step.at).strftime("%Y-%m-%d %H:%M"),
        "label": tr(label),
        "note": f": {tr(step.note)}" if noted else "",
        "by": by,
    }


def _answers(page: reading.ApplicationDetail) -> SafeString:
    return ANSWER_ROW.render({"label": tr(label), "value": isolated(tr(value))} for label, value in page.rows)


def _act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    user = _person(request)
    try:
        if action == "consent":
            responding.answer_consent(user, reference, request.POST.get("agree") == "yes")
        elif action == "withdraw":
            responding.withdraw(user, reference, request.POST.get("reason", ""))
        else:
            upload = _files(request).get("document")
            responding.respond(user, reference, request.POST.get("answer", ""), upload)
    except FormInvalid as invalid:
        context = _detail(reading.application_detail(user, reference, with_delivery=True)) | {
            "errors": invalid.errors
        }
        return render(request, "applications/detail.html", context, status=400)
    except SahlError as error:
        return for_error(request, error)
    return redirect("applications:detail", reference=reference)


@login_required
@require_POST
def consent(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "consent")


@login_required
@require_POST
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "withdraw")


@body_limit(ANSWER_MAX_BODY)
@login_required
@require_POST
def respond(request: HttpRequest, reference: str) -> HttpResponse:
    return _act(request, reference, "respond")


@login_required
@require_GET
def document(request: HttpRequest, reference: str, document_id: int) -> HttpResponseBase:
    try:
        issued = rendering.file_of(_person(request), reference, document_id)
    except SahlError as error:  # not found, or still being prepared (409, Retry-After)
        return for_error(request, error)
    return FileResponse(
        issued.pdf.open("rb"),
        as_attachment=True,
        filename=f"{reference}-{issued.document}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def documents(request: HttpRequest, reference: str) -> HttpResponse:
    """The page's list of documents, alone: the page asks for it again while one is being prepared
    (documents.js) and swaps it in, so the link appears without a reload."""
    try:
        issued = rendering.documents_of(_person(request), reference)
    except SahlError as error:
        return for_error(request, error)
    return render(request, "applications/_documents_list.html", {"reference": reference, "documents": issued})


@login_required
@require_GET
def attachment(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponseBase:
    try:
        stored = reading.my_attachment(_person(request), reference, attachment_id)
    except SahlError as error:
        return for_error(request, error)
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=f"{stored.document_code}.{stored.extension}",
        content_type=stored.content_type,
    )


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    try:
        issued = reading.verify_document(code)
    except SahlError:
        return render(request, "applications/verify.html", {"found": None, "code": code}, status=404)
    # Valid to the end of its last day in Kuwait, as its PDF and its wallet credentials say.
    expired = issued.valid_until is not None and issued.valid_until < timezone.localdate()
    company = reading.certified_company(issued)
    return render(
        request,
        "applications/verify.html",
        {"found": issued, "code": code, "expired": expired, "company": company},
    )
