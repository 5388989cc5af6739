"""The person's applications in JSON: the same use cases as the pages, through the same functions."""

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from allauth.account.internal.flows import reauthentication
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Field, Form, P, PathEx, QueryEx, Router, Schema, Status
from ninja.security import django_auth
from pydantic import BaseModel

from sahl.applications import eligibility, filing, reading, rendering, responding
from sahl.applications.labels import CATEGORIES, EVENTS, STATES
from sahl.applications.moving import Kind
from sahl.applications.rules import ANSWER_MAX_BODY, MAX_BODY, FormInvalid
from sahl.applications.states import State
from sahl.core import untrusted
from sahl.core.api_schemas import Text, errors
from sahl.core.bilingual import BilingualText
from sahl.core.bounds import PAGE_SIZE_MAX, Id
from sahl.core.errors import BadInput, Forbidden
from sahl.core.languages import in_both
from sahl.core.messages import both
from sahl.idempotency import header
from sahl.identity import throttle
from sahl.identity.current import address_of
from sahl.mandates import services as mandates
from sahl.mandates.current import acting_of
from sahl.ui.body_limits import body_limit

if TYPE_CHECKING:
    from sahl.applications.models import Application
    from sahl.mandates.services import Authority

router = Router(tags=["applications"], auth=django_auth)

# The answers are plain pydantic models, built from Sahl's own values: ninja's `Schema` would run its
# hook for reading Django objects on every nested value (a quarter of the list's time; ADR 0062).


class ApplicationOut(BaseModel):
    reference: str
    service: str
    name: Text
    state: str
    state_text: Text
    category: str
    category_text: Text
    submitted_at: dt.datetime | None
    due_on: dt.date | None


class EventOut(BaseModel):
    at: dt.datetime
    kind: str
    text: Text
    note: str


class ApplicationParty(BaseModel):
    role: str
    civil_id: str
    consent: str
    name: Text | None = Field(description="the register's name of the party; null for the asker themself")


class TurnOut(BaseModel):
    """Whose turn it is, as the asker reads it (the application page says the same)."""

    who: Text = Field(description="who must act now: the asker ('You'), another party, the agency or nobody")
    now: Text = Field(description="what happens now")
    then: Text | None = Field(description="what comes after")
    mine: bool = Field(description="the asker must act")


class IssuedDocumentOut(BaseModel):
    """A document the application's decision issued (download it from `download`)."""

    id: int
    document: str
    title: Text
    verification_code: str
    issued_on: dt.date
    valid_until: dt.date | None
    download: str


class RequestOut(BaseModel):
    message: str
    document_code: str
    requested_at: dt.datetime


class DecisionOut(BaseModel):
    outcome: str
    reason: str
    decided_at: dt.datetime


class ApplicationDetail(ApplicationOut):
    version: int
    fee: str
    answers: dict[str, Any]
    parties: list[ApplicationParty]
    turn: TurnOut
    history: list[EventOut]
    documents: list[IssuedDocumentOut]
    open_request: RequestOut | None
    decision: DecisionOut | None


class SubmitForm(Schema):
    service: str = Field(description="the service's code, e.g. moi.traffic.vehicle-registration-renewal")
    answers: str = Field(
        "{}", description="the form's answers as a JSON object, as text (files travel beside it)"
    )


class ConsentIn(Schema):
    agree: bool = Field(description="true to consent as a party, false to decline (which cancels it)")


class WithdrawIn(Schema):
    reason: str = Field("", description="why, in the person's words (kept in the history)")


class ResponseForm(Schema):
    answer: str = Field("", description="the answer to the agency's request, as text")


REFERENCE = P(description="the application's reference, e.g. 2026-0000123")


NEXT_PAGE = {
    "description": 'the next page, when there is one: `<...>; rel="next"`',
    "schema": {"type": "string"},
}
PDF: dict[str, object] = {}  # binary content is described without a schema (OpenAPI 3.1)


def _person(request: HttpRequest) -> "Authority":
    """The person, acting for themselves or for whom they chose in the portal (same session)."""
    return acting_of(request)


def summary(application: "Application") -> ApplicationOut:
    return ApplicationOut(**_summary_fields(application))


def _summary_fields(application: "Application") -> dict[str, Any]:
    """The summary's fields, for `ApplicationOut` and the detail that extends it (`dict()` of a
    pydantic model first asks it for `keys`, and its refusal was 4 % of the API detail)."""
    return {
        "reference": application.reference,
        "service": application.service.code,
        "name": Text(ar=application.service.name_ar, en=application.service.name_en),
        "state": application.state,
        "state_text": Text(**in_both(STATES[State(application.state)])),
        "category": application.category,
        "category_text": Text(**in_both(CATEGORIES[application.category])),
        "submitted_at": application.submitted_at,
        "due_on": application.due_on,
    }


def card_summary(card: reading.Card) -> ApplicationOut:
    """A line of the list, from the application's card (ADR 0042): the same fields as `summary`."""
    return ApplicationOut(
        reference=card.reference,
        service=card.service_code,
        name=Text(ar=card.service_name_ar, en=card.service_name_en),
        state=card.state,
        state_text=Text(**in_both(STATES[State(card.state)])),
        category=card.category,
        category_text=Text(**in_both(CATEGORIES[card.category])),
        submitted_at=card.submitted_at,
        due_on=card.due_on,
    )


def _name(name: BilingualText | None) -> Text | None:
    return Text(ar=name.ar, en=name.en) if name is not None else None


def detail(user: "Authority", reference: str) -> ApplicationDetail:
    """One application as the person may see it (404 otherwise)."""
    page = reading.application_detail(user, reference)
    application, request, decision, turn = page.application, page.open_request, page.decision, page.view.turn
    return ApplicationDetail(
        **_summary_fields(application),
        version=application.version.number,
        fee=f"{application.fee_fils // 1000}.{application.fee_fils % 1000:03d}",
        answers=application.form_data if page.is_applicant else {},
        parties=[
            ApplicationParty(
                role=p.role, civil_id=p.civil_id, consent=p.consent, name=_name(page.names.get(p.civil_id))
            )
            for p in page.parties
        ],
        turn=TurnOut(
            who=Text(**in_both(turn.who)),
            now=Text(**in_both(turn.now)),
            then=Text(**in_both(turn.then)) if turn.then is not None else None,
            mine=turn.mine,
        ),
        history=[
            EventOut(at=e.at, kind=e.kind, text=Text(**in_both(EVENTS[Kind(e.kind)])), note=e.note)
            for e in page.history
        ],
        documents=[
            IssuedDocumentOut(
                id=d.pk,
                document=d.document,
                title=Text(ar=d.title_ar, en=d.title_en),
                verification_code=d.verification_code,
                issued_on=d.issued_on,
                valid_until=d.valid_until,
                download=f"/api/v1/applications/{application.reference}/documents/{d.pk}",
            )
            for d in page.documents
        ],
        open_request=RequestOut(
            message=request.message, document_code=request.document_code, requested_at=request.requested_at
        )
        if request
        else None,
        decision=DecisionOut(outcome=decision.outcome, reason=decision.reason, decided_at=decision.decided_at)
        if decision
        else None,
    )


@router.get(
    "/applications",
    response=list[ApplicationOut],
    summary="My applications, newest first",
    description="50 a page (`limit` up to 200). When there are more, the `Link` header gives the next "
    'page (`rel="next"`, with a `before` cursor): keyset paging, so every page is as fast as the first.',
    openapi_extra={"responses": {200: {"headers": {"Link": NEXT_PAGE}}}},
)
def list_applications(
    request: HttpRequest,
    response: HttpResponse,
    before: QueryEx[str, P(description="the cursor of the next page, from the `Link` header")] = "",
    # The bounds in P: ninja 1.7 makes a nested Annotated type (core.bounds.PageSize) required.
    limit: QueryEx[int, P(ge=1, le=PAGE_SIZE_MAX, description="how many on a page (1 to 200)")] = 50,
) -> list[ApplicationOut]:
    page = reading.applications_page(_person(request), before[:80], max(1, min(limit, 200)))
    if page.older:
        response["Link"] = f'</api/v1/applications?before={quote(page.older)}&limit={limit}>; rel="next"'
    return [card_summary(c) for c in page.applications]


@router.get(
    "/applications/{reference}",
    response={200: ApplicationDetail} | errors(404),
    summary="One of my applications",
    description="The application with its answers (to its applicant), parties, history, issued documents, "
    "any open request for information and the decision. Another person's answers 404, as a missing one does.",
)
def get_application(request: HttpRequest, reference: PathEx[str, REFERENCE]) -> HttpResponse:
    # Built as the declared shape and serialised by pydantic at once: ninja would validate the
    # answer again and write it through Django's JSON encoder (a tenth of the request: docs/performance.md).
    answer = detail(_person(request), reference)
    return HttpResponse(answer.model_dump_json(), content_type="application/json; charset=utf-8")


class EligibilityOut(Schema):
    """Whether the person can file the service for whom they act for, now: the answer the service
    page gives, and filing gives (the same `code`, `messages` and `params` as its problem)."""

    service: str
    eligible: bool
    code: str = Field(
        description="`eligible`, or the code filing would refuse with, e.g. application.unpaid_fines, "
        "application.too_early, application.not_eligible, application.for_the_parent, mandate.scope"
    )
    status: int = Field(description="200, or the HTTP status filing would refuse with (400, 403 or 404)")
    messages: Text | None = Field(description="the refusal in Arabic and in English")
    params: dict[str, int | str] = Field(
        description="the values the refusal names, as in the problem filing answers (see `Problem`)"
    )


@router.get(
    "/services/{code}/eligibility",
    response={200: EligibilityOut} | errors(404),
    summary="Can I apply for this service?",
    description="For the person, or for whom they act for (a child, a power of attorney's grantor): "
    "the answer the service page gives before they start. When `eligible` is false, filing answers the "
    "problem with this `code`, `messages` and `params`; `params.service` names a service that lifts "
    "the refusal (e.g. paying the fines).",
)
def service_eligibility(
    request: HttpRequest, code: PathEx[str, P(description="the service's code, e.g. moi.passport-renewal")]
) -> EligibilityOut:
    verdict = eligibility.service_page(_person(request), code).verdict
    assert verdict is not None  # a logged-in person's
    return EligibilityOut(
        service=code,
        eligible=verdict.eligible,
        code=verdict.code,
        status=verdict.status,
        messages=None if verdict.eligible else Text(**both(verdict.code, **verdict.params)),
        params=verdict.plain(),
    )


@router.post(
    "/applications",
    response={201: ApplicationDetail} | errors(404, 409, 422, 429),
    summary="File an application (multipart: service, answers as JSON text, one file part per document code)",
    description="Requires an `Idempotency-Key` header (1 to 80 characters, the person's own): the same key "
    "with the same request returns the same application and files nothing again; the same key with a "
    "different request answers 409 (`idempotency.conflict`). Keys are kept at least 24 hours "
    "(docs/people-api.md). Answers that fail the service's form answer 422 with a message per field; a "
    "service that asks to log in again answers 403; too many filings in a short time answer 429. A "
    "person who may not file it answers as `GET /services/{code}/eligibility` says: 400 (its conditions, "
    "with `params`), 403 (a power of attorney that does not cover it) or 404 (no record).",
    openapi_extra=header.REQUIRED,
)
@body_limit(MAX_BODY)
def create_application(request: HttpRequest, form: Form[SubmitForm]) -> Status:
    answers = untrusted.loads(form.answers)  # 400 request.bad unless bounded, clean JSON
    if not isinstance(answers, dict):
        raise BadInput("request.bad")
    if getattr(request, "sahl_upload_refused", False):
        raise FormInvalid({"form": filing.file_too_large()})
    if mandates.asks_reauthentication(form.service) and reauthentication.is_reauthentication_required(
        request, app=""
    ):
        raise Forbidden("reauthentication.required")  # log in again (or re-authenticate in the portal)
    user = _person(request)
    throttle.take_filing(  # 429 problem, per person and per source
        "filing", str(request.user.pk), address_of(request), refusal="application.too_many"
    )
    application = filing.submit(
        user,
        form.service,
        answers,
        {name: upload for name, upload in request.FILES.items() if isinstance(upload, UploadedFile)},
        request.headers.get(header.NAME, ""),
    )
    return Status(201, detail(user, application.reference))


@router.post(
    "/applications/{reference}/consent",
    response={200: ApplicationDetail} | errors(404),
    summary="Agree or decline as a party",
    description="For a party asked to consent (e.g. the seller of a vehicle): agreeing sends the "
    "application on, declining cancels it. 404 when there is nothing to answer.",
)
def consent(request: HttpRequest, reference: PathEx[str, REFERENCE], body: ConsentIn) -> ApplicationDetail:
    user = _person(request)
    responding.answer_consent(user, reference, body.agree)
    return detail(user, reference)


@router.post(
    "/applications/{reference}/withdraw",
    response={200: ApplicationDetail} | errors(404, 409),
    summary="Withdraw my application",
    description="Stops the application and refunds a paid fee; 409 once it is decided or closed.",
)
def withdraw(request: HttpRequest, reference: PathEx[str, REFERENCE], body: WithdrawIn) -> ApplicationDetail:
    user = _person(request)
    responding.withdraw(user, reference, body.reason)
    return detail(user, reference)


@router.post(
    "/applications/{reference}/response",
    response={200: ApplicationDetail} | errors(404, 409, 422),
    summary="Answer a request for information (multipart: answer text and/or a `document` file)",
    description="Answers the open request (text, a `document` file, or both) and sends the application "
    "back to the agency; 400 when nothing is asked or nothing is given, 422 when the file is refused.",
)
@body_limit(ANSWER_MAX_BODY)
def respond(
    request: HttpRequest, reference: PathEx[str, REFERENCE], form: Form[ResponseForm]
) -> ApplicationDetail:
    user = _person(request)
    if getattr(request, "sahl_upload_refused", False):
        raise FormInvalid({"document": filing.file_too_large()})
    document = request.FILES.get("document")
    responding.respond(user, reference, form.answer, document if isinstance(document, UploadedFile) else None)
    return detail(user, reference)


@router.get(
    "/applications/{reference}/documents/{document_id}",
    response={200: None} | errors(404, 409),
    summary="Download an issued document (PDF)",
    description="The PDF of a document the decision issued, as an attachment. Its PDF is rendered "
    "just after the decision: until then the answer is 409 `document.preparing` with Retry-After.",
    openapi_extra={"responses": {200: {"description": "the PDF", "content": {"application/pdf": PDF}}}},
)
def download(
    request: HttpRequest,
    reference: PathEx[str, REFERENCE],
    document_id: PathEx[Id, P(description="the document's `id` in the application's `documents`")],
) -> FileResponse:
    issued = rendering.file_of(_person(request), reference, document_id)
    return FileResponse(
        issued.pdf.open("rb"),
        as_attachment=True,
        filename=f"{reference}-{issued.document}.pdf",
        content_type="application/pdf",
    )
