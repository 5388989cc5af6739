"""The caseworkers' actions in JSON, through the same services as the back-office pages."""

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from ninja import Field, P, PathEx, Query, QueryEx, Router, Schema
from ninja.security import django_auth

from sahl.applications.api import ApplicationOut, summary
from sahl.applications.states import State
from sahl.backoffice import services
from sahl.core.api_schemas import errors
from sahl.core.bounds import PageSize
from sahl.core.errors import BadInput
from sahl.identity.current import person_of

if TYPE_CHECKING:
    from sahl.applications.models import Application
    from sahl.identity.models import User

router = Router(tags=["back office"], auth=django_auth)


class QueueQuery(Schema):
    service: str = Field("", description="only this service's cases (its code)")
    state: State | None = Field(None, description="only cases in this state")
    overdue: bool = Field(False, description="only cases past their service-level due date")
    mine: bool = Field(False, description="only the cases I took")
    after: str = Field("", description="the cursor of the next page, from the `Link` header")
    limit: PageSize = Field(50, description="how many on a page (1 to 200)")


class CaseOut(ApplicationOut):
    applicant_civil_id: str
    assigned_to: str | None
    answers: dict[str, object]
    submitted: dt.datetime | None


class InfoIn(Schema):
    message: str = Field(description="what the applicant is asked for; they read it")
    document_code: str = Field("", description="the code of a document asked for, or empty")


class ApproveIn(Schema):
    note: str = Field("", description="a note kept in the history")


class RejectIn(Schema):
    reason: str = Field(description="why; the applicant reads it")


REFERENCE = P(description="the application's reference, e.g. 2026-0000123")
NEXT_PAGE = {
    "description": 'the next page, when there is one: `<...>; rel="next"`',
    "schema": {"type": "string"},
}


def _staff(request: HttpRequest) -> "User":
    return person_of(request)


def _case(application: "Application") -> CaseOut:
    return CaseOut(
        **summary(application).model_dump(),
        applicant_civil_id=application.applicant.civil_id,
        assigned_to=application.assigned_to.civil_id if application.assigned_to else None,
        answers=application.form_data,
        submitted=application.submitted_at,
    )


@router.get(
    "/backoffice/cases",
    response={200: list[ApplicationOut]} | errors(404),
    summary="The agency's queue, most urgent first",
    description="The open cases of the caseworker's agency (staff only; others get 404). 50 a page "
    '(`limit` up to 200). When there are more, the `Link` header gives the next page (`rel="next"`, with '
    "an `after` cursor): keyset paging, so every page is as fast as the first.",
    openapi_extra={"responses": {200: {"headers": {"Link": NEXT_PAGE}}}},
)
def queue(request: HttpRequest, response: HttpResponse, query: Query[QueueQuery]) -> list[ApplicationOut]:
    wanted = services.QueueFilter(
        query.service, query.state.value if query.state else "", query.overdue, query.mine
    )
    limit = max(1, min(query.limit, 200))
    cases, after = services.queue_cases(_staff(request), wanted, query.after[:120], limit)
    if after:
        following = {k: v for k, v in request.GET.items() if k not in ("after", "limit")}
        following |= {"after": after, "limit": str(limit)}
        response["Link"] = f'</api/v1/backoffice/cases?{urlencode(following)}>; rel="next"'
    return [summary(c) for c in cases]


@router.get(
    "/backoffice/cases/{reference}",
    response={200: CaseOut} | errors(404),
    summary="One case of the agency",
    description="Reading a case is recorded in the applicant's access log; another caseworker's case "
    "needs a `purpose` (400 without one), which the applicant sees. Another agency's case answers 404.",
)
def get_case(
    request: HttpRequest,
    reference: PathEx[str, REFERENCE],
    purpose: QueryEx[str, P(description="why I open another caseworker's case; the applicant reads it")] = "",
) -> CaseOut:
    try:
        case = services.open_case(
            _staff(request), reference, purpose[:200], request.META.get("REMOTE_ADDR", "")
        )
    except services.PurposeRequired:
        raise BadInput("case.purpose_required") from None
    return _case(case)


@router.post(
    "/backoffice/cases/{reference}/take",
    response={200: CaseOut} | errors(404, 409),
    summary="Take the case (one caseworker only)",
    description="Assigns the case to me and starts its review; 409 when another caseworker took it first.",
)
def take(request: HttpRequest, reference: PathEx[str, REFERENCE]) -> CaseOut:
    services.take(_staff(request), reference)
    return _case(services.case_for(_staff(request), reference))


@router.post(
    "/backoffice/cases/{reference}/request-information",
    response={200: CaseOut} | errors(404, 409),
    summary="Ask the applicant",
    description="Asks the applicant for information or a document on a case I took; the service-level "
    "clock pauses until they answer. 409 when the case is another caseworker's or not in review.",
)
def request_information(request: HttpRequest, reference: PathEx[str, REFERENCE], body: InfoIn) -> CaseOut:
    services.request_information(_staff(request), reference, body.message, body.document_code)
    return _case(services.case_for(_staff(request), reference))


@router.post(
    "/backoffice/cases/{reference}/approve",
    response={200: CaseOut} | errors(404, 409),
    summary="Approve: documents are issued",
    description="Approves a case I took: its documents are issued and the applicant is told. 409 when "
    "the case is another caseworker's or not in review.",
)
def approve(request: HttpRequest, reference: PathEx[str, REFERENCE], body: ApproveIn) -> CaseOut:
    services.approve(_staff(request), reference, body.note)
    return _case(services.case_for(_staff(request), reference))


@router.post(
    "/backoffice/cases/{reference}/reject",
    response={200: CaseOut} | errors(404, 409),
    summary="Reject, with a reason",
    description="Rejects a case I took; the applicant reads the reason (400 without one). 409 when the "
    "case is another caseworker's or not in review.",
)
def reject(request: HttpRequest, reference: PathEx[str, REFERENCE], body: RejectIn) -> CaseOut:
    services.reject(_staff(request), reference, body.reason)
    return _case(services.case_for(_staff(request), reference))
