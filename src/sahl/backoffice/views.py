"""The caseworkers' pages: the agency's queue and one case with its actions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sahl.applications import clock, reading
from sahl.applications.forms import form_fields
from sahl.applications.labels import CONSENTS, EVENTS, STATES
from sahl.applications.states import State
from sahl.backoffice import publishing, services
from sahl.catalogue import services as catalogue
from sahl.catalogue.definition import DefinitionError
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput, Conflict, SahlError, http_status
from sahl.core.languages import language_of
from sahl.core.messages import message
from sahl.identity import staff
from sahl.identity.current import person_of

if TYPE_CHECKING:  # views read models through services only
    from sahl.applications.models import Application
    from sahl.identity.models import User
from sahl.ui.errors import for_error
from sahl.ui.kept_html import KeptHtml
from sahl.ui.links import link
from sahl.ui.rows import KeptRows, RowHtml
from sahl.ui.templatetags.sahl import code, tr

TEXTS = {"states": STATES, "events": EVENTS, "consents": CONSENTS}


def _staff(request: HttpRequest) -> User:
    return person_of(request)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    wanted = services.QueueFilter(
        service=request.GET.get("service", "")[:80],
        state=request.GET.get("state", "") if request.GET.get("state") in State.values else "",
        overdue=request.GET.get("overdue") == "1",
        mine=request.GET.get("mine") == "1",
        caseworker=_number(request.GET.get("caseworker", "")) or None,
    )
    try:
        page = services.queue_page(_staff(request), wanted, request.GET.get("after", "")[:120])
    except SahlError as error:
        return for_error(request, error)
    following = request.GET.copy()
    following["after"] = page.after
    words = _row_words(clock.today())
    labels = {name: str(text) for name, text in QUEUE_LABELS.items()}
    services_ = catalogue.service_names_of_agency(page.membership.agency_id)
    chosen = wanted.service if any(code_ == wanted.service for code_, _ar, _en in services_) else ""
    return render(
        request,
        "backoffice/queue.html",
        {
            "membership": page.membership,
            "labels": labels,
            "rows": QUEUE_ROWS.render(
                ((_row_key(case, words), partial(_queue_row, case, words)) for case in page.cases), labels
            ),
            "next_page": f"?{following.urlencode()}" if page.after else "",
            "wanted": wanted,
            "services": _OPTIONS.get(
                services_,
                (get_language(), chosen),
                lambda: SERVICE_OPTION.render(
                    {
                        "code": code_,
                        "name": tr(BilingualText(ar, en)),
                        "selected": _selected(code_ == chosen),
                    }
                    for code_, ar, en in services_
                ),
            ),
        }
        | TEXTS,
    )


# The queue's rows and its services' options are a long list each: rendered by ui.rows, not by the
# template's loop (ADR 0063). The markup is the one backoffice/queue.html had in its loops.
QUEUE_LABELS = {
    "reference": gettext_lazy("Reference"),
    "service": gettext_lazy("Service"),
    "status": gettext_lazy("Status"),
    "due": gettext_lazy("Due by"),
    "caseworker": gettext_lazy("Caseworker"),
}
QUEUE_ROW = RowHtml(
    """
  <tr{overdue_class}>
    <td data-label="{reference_label}"><a href="{href}">{reference}</a></td>
    <td data-label="{service_label}">{service}</td>
    <td data-label="{status_label}">{status}</td>
    <td data-label="{due_label}">{due}{overdue}</td>
    <td data-label="{caseworker_label}">{caseworker}</td>
  </tr>"""
)
# Each line as it was made, by what it shows (ui.rows.KeptRows): every caseworker of an agency opens
# the same first page, and a line changes only when its case does.
QUEUE_ROWS = KeptRows(QUEUE_ROW, limit=20_000)
SERVICE_OPTION = RowHtml('<option value="{code}"{selected}>{name}</option>')
# The options of an agency's services, by language and the one chosen: kept with the catalogue's
# tuple of the agency's services (a new one at each publication). A filter naming no service of the
# agency shows none chosen, and is kept as that.
_OPTIONS = KeptHtml(limit=2000)
_OVERDUE_CLASS = mark_safe(' class="overdue"')


def _selected(chosen: bool) -> str:
    return mark_safe(" selected") if chosen else ""


def _number(text: str) -> int:
    """A row's number typed in a form or a link, 0 when it is none (never past the database's range)."""
    text = text.strip()[:18]
    return int(text) if text.isascii() and text.isdigit() else 0


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    """A supervisor's (or the administrator's) view of the team: each caseworker's open and overdue
    cases, each linking to the queue of their cases."""
    try:
        found = services.team_load(_staff(request))
    except SahlError as error:
        return for_error(request, error)
    queue_path = reverse("backoffice:queue")
    rows = [
        {
            "name": tr(BilingualText(load.name_ar, load.name_en)) if load.user_id else "",
            "role": staff.ROLE_NAMES.get(load.role, ""),
            "open": load.open,
            "overdue": load.overdue,
            "href": f"{queue_path}?caseworker={load.user_id}" if load.user_id and load.open else "",
        }
        for load in found.loads
    ]
    return render(request, "backoffice/team.html", {"membership": found.membership, "rows": rows})


@dataclass(frozen=True)
class _RowWords:
    """What every line of a queue page says alike, worked out once for the page."""

    today: dt.date
    language: str  # the suffix of the columns in the page's language: "ar" or "en"
    states: dict[str, str]
    overdue: str


def _row_words(today: dt.date) -> _RowWords:
    language = language_of(get_language())
    states = {str(state): tr(word) for state, word in STATES.items()}
    return _RowWords(today, language, states, format_html(" <strong>{}</strong>", _("overdue")))


def _row_key(case: Any, words: _RowWords) -> tuple[object, ...]:
    """The page's own values and every column of the case: whatever `_queue_row` reads of it is in
    the key, without listing it a second time."""
    return (
        words.language,
        words.today,
        get_script_prefix(),
        *(getattr(case, c) for c in services.QUEUE_FIELDS),
    )


def _queue_row(case: Any, words: _RowWords) -> dict[str, object]:
    """One line of the queue (a queue entry, or an application under another status filter, which
    reads alike): its values, ready for QUEUE_ROW (no url, filter or translation per row, ADR 0048)."""
    late = bool(case.due_on and case.due_on < words.today)
    return {
        "overdue_class": _OVERDUE_CLASS if late else "",
        "href": link("backoffice:case", case.reference),
        "reference": code(case.reference),
        "service": getattr(case, f"service_name_{words.language}"),
        "status": words.states.get(case.state, ""),
        "due": case.due_on.strftime("%Y-%m-%d") if case.due_on else "—",
        "overdue": words.overdue if late else "",
        "caseworker": getattr(case, f"assignee_name_{words.language}") if case.assignee_id else "—",
    }


@login_required
@require_GET
def case(request: HttpRequest, reference: str, problem: str = "") -> HttpResponse:
    try:
        found = services.open_case(_staff(request), reference, *_purpose_and_address(request, reference))
    except services.PurposeRequired:
        return _purpose_page(request, reference)
    except SahlError as error:
        return for_error(request, error)
    return _case_page(request, found, problem)


PURPOSES = "backoffice_purposes"  # session: the purpose given for each case of another caseworker


def _purpose_and_address(request: HttpRequest, reference: str) -> tuple[str, str]:
    purposes = request.session.get(PURPOSES, {})
    purpose = purposes.get(reference, "") if isinstance(purposes, dict) else ""
    return str(purpose), str(request.META.get("REMOTE_ADDR", ""))


def _purpose_page(request: HttpRequest, reference: str, missing: bool = False) -> HttpResponse:
    return render(
        request,
        "audit/purpose.html",
        {"reference": reference, "missing": missing},
        status=400 if missing else 200,
    )


def _give_purpose(request: HttpRequest, reference: str) -> HttpResponse:
    purpose = " ".join(request.POST.get("purpose", "").split())[:500]
    try:
        services.case_for(_staff(request), reference)
    except SahlError as error:
        return for_error(request, error)
    if not purpose:
        return _purpose_page(request, reference, missing=True)
    purposes = request.session.get(PURPOSES, {})
    purposes = purposes if isinstance(purposes, dict) else {}
    request.session[PURPOSES] = {**dict(list(purposes.items())[-49:]), reference: purpose}
    return redirect("backoffice:case", reference=reference)


def _case_page(
    request: HttpRequest, application: Application, problem: str = "", status: int = 200
) -> HttpResponse:
    definition = reading.definition_for(application)
    return render(
        request,
        "backoffice/case.html",
        {
            "case": application,
            "definition": definition,
            "rows": reading.answer_rows(definition, application.form_data, None),
            "history": list(application.history.select_related("actor")),
            "parties": list(application.parties.all()),
            "attachments": list(application.attachments.all()),
            "requests": list(application.info_requests.all()),
            "documents": list(application.documents.all()),
            "problem": problem,
            "workable": application.state in services.WORKABLE,
            "team": services.reassignable(person_of(request))
            if application.state in services.WORKABLE
            else [],
        }
        | TEXTS,
        status=status,
    )


@login_required
@require_POST
def act(request: HttpRequest, reference: str, action: str) -> HttpResponse:
    staff = _staff(request)
    if action == "purpose":
        return _give_purpose(request, reference)
    try:
        if action == "take":
            services.take(staff, reference)
        elif action == "request-information":
            services.request_information(
                staff, reference, request.POST.get("message", ""), request.POST.get("document_code", "")
            )
        elif action == "approve":
            services.approve(staff, reference, request.POST.get("note", ""))
        elif action == "reject":
            services.reject(staff, reference, request.POST.get("reason", ""))
        elif action == "reassign":
            services.reassign(staff, reference, _number(request.POST.get("caseworker", "")))
        else:
            return for_error(request, SahlError("page.not_found"))
    except SahlError as error:
        try:
            found = services.open_case(staff, reference, *_purpose_and_address(request, reference))
        except services.PurposeRequired:  # someone else's case: the error alone, not the case
            return for_error(request, error)
        except SahlError as missing:
            return for_error(request, missing)
        text = message(error.code, request.LANGUAGE_CODE, **error.params)
        return _case_page(request, found, text, status=http_status(error))
    return redirect("backoffice:case", reference=reference)


@login_required
@require_GET
def attachment(request: HttpRequest, reference: str, attachment_id: int) -> HttpResponseBase:
    try:
        stored = services.open_attachment(
            _staff(request), reference, attachment_id, *_purpose_and_address(request, reference)
        )
    except services.PurposeRequired:
        return redirect("backoffice:case", reference=reference)
    except SahlError as error:
        return for_error(request, error)
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=f"{stored.document_code}.{stored.extension}",
        content_type=stored.content_type,
    )


# --- Publishing services through review: the agency administrator's pages (ADR 0061) -------------


@login_required
@require_GET
def agency_services(request: HttpRequest) -> HttpResponse:
    try:
        found = publishing.agency_services(_staff(request))
    except SahlError as error:
        return for_error(request, error)
    rows = [
        {"href": link("backoffice:edit_service", s.code), "name": tr(s, "name"), "code": code(s.code)}
        for s in found
    ]
    return render(request, "backoffice/services.html", {"rows": rows})


EDITOR_ACTIONS = ("check", "save", "submit", "preview")


@login_required
@require_http_methods(["GET", "POST"])
def edit_service(request: HttpRequest, service_code: str) -> HttpResponse:
    """The definition as YAML in a text box; Check lists its problems (as the script does while it
    is typed), Preview shows it as a person would see it, Save keeps it, Submit sends it for review."""
    user = _staff(request)
    try:
        page = publishing.editing(user, service_code)
        if request.method == "GET":
            return _editor(request, page, page.text)
        text = request.POST.get("definition", "")
        action = request.POST.get("action", "")
        if action not in EDITOR_ACTIONS:
            raise BadInput("request.bad")
        if action == "preview":
            return _preview(request, user, service_code, text)
        if action == "check":
            found = publishing.problems(user, service_code, text)
            return _editor(request, page, text, found, checked=True)
        publishing.save(user, service_code, text, submit=action == "submit")
    except (BadInput, Conflict) as refused:
        found = publishing.problems(user, service_code, request.POST.get("definition", ""))
        return _editor(request, page, request.POST.get("definition", ""), found, refusal=refused, status=400)
    except SahlError as error:
        return for_error(request, error)
    done = (
        _("Submitted for publishing: an operator will review it.")
        if action == "submit"
        else _("Draft saved.")
    )
    messages.success(request, done)
    return redirect("backoffice:edit_service", service_code=service_code)


def _editor(
    request: HttpRequest,
    page: publishing.Editing,
    text: str,
    found: list[DefinitionError] | None = None,
    *,
    checked: bool = False,
    refusal: SahlError | None = None,
    status: int = 200,
) -> HttpResponse:
    language = get_language() or "ar"
    return render(
        request,
        "backoffice/service_edit.html",
        {
            "page": page,
            "text": text,
            "problems": [_problem(p, language) for p in found or []],
            "checked": checked,
            "refusal": message(refusal.code, language, **refusal.params) if refusal else "",
            "waiting": bool(page.draft and page.draft.state == "submitted"),
        },
        status=status,
    )


def _problem(problem: DefinitionError, language: str) -> dict[str, str]:
    return {"subject": problem.subject, "field": problem.field, "text": problem.text(language)}


@login_required
@require_POST
def check_service(request: HttpRequest, service_code: str) -> HttpResponse:
    """The problems of the text being typed, for the editor's script (JSON): each in both
    languages, and in the page's."""
    try:
        found = publishing.problems(_staff(request), service_code, request.POST.get("definition", ""))
    except SahlError as error:
        return JsonResponse({"error": error.code}, status=http_status(error))
    language = get_language() or "ar"
    return JsonResponse(
        {"problems": [_problem(p, language) | {"ar": p.text("ar"), "en": p.text("en")} for p in found]}
    )


def _preview(request: HttpRequest, user: User, service_code: str, text: str) -> HttpResponse:
    try:
        shown, definition = publishing.preview(user, service_code, text)
    except DefinitionError as found:
        return _editor(
            request, publishing.editing(user, service_code), text, found.problems, checked=True, status=400
        )
    return render(
        request,
        "catalogue/service.html",
        {
            "service": shown,
            "definition": definition,
            "preview": True,
            "back": link("backoffice:edit_service", service_code),
            "draft_text": text,
            "fields": form_fields(definition, None, {}, {}),
            "documents": definition.required_documents,
        },
    )
