"""The caseworkers' actions in JSON, through the same services as the back-office pages."""

import datetime as dt
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema
from ninja.security import django_auth

from sahl.applications.api import ApplicationOut, summary
from sahl.applications.states import State
from sahl.backoffice import services
from sahl.core.errors import BadInput
from sahl.identity.current import person_of

if TYPE_CHECKING:
    from sahl.applications.models import Application
    from sahl.identity.models import User

router = Router(tags=["back office"], auth=django_auth)


class QueueQuery(Schema):
    service: str = ""
    state: State | None = None
    overdue: bool = False
    mine: bool = False
    after: str = ""
    limit: int = 50


class CaseOut(ApplicationOut):
    applicant_civil_id: str
    assigned_to: str | None
    answers: dict[str, object]
    submitted: dt.datetime | None


class InfoIn(Schema):
    message: str
    document_code: str = ""


class ApproveIn(Schema):
    note: str = ""


class RejectIn(Schema):
    reason: str


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
    response=list[ApplicationOut],
    summary="The agency's queue, most urgent first",
    description="50 a page (`limit` up to 200). When there are more, the `Link` header gives the next "
    'page (`rel="next"`, with an `after` cursor): keyset paging, so every page is as fast as the first.',
)
def queue(request: HttpRequest, response: HttpResponse, query: Query[QueueQuery]) -> list[ApplicationOut]:
    wanted = services.QueueFilter(
        query.service, query.state.value if query.state else "", query.overdue, query.mine
    )
    limit = max(1, min(query.limit, 200))
    page = services.queue_page(_staff(request), wanted, query.after[:120], limit)
    if page.after:
        following = {k: v for k, v in request.GET.items() if k not in ("after", "limit")}
        following |= {"after": page.after, "limit": str(limit)}
        response["Link"] = f'</api/v1/backoffice/cases?{urlencode(following)}>; rel="next"'
    return [summary(c) for c in page.cases]


@router.get("/backoffice/cases/{reference}", response=CaseOut, summary="One case of the agency")
def get_case(request: HttpRequest, reference: str, purpose: str = "") -> CaseOut:
    """Reading a case is recorded in the applicant's access log; another caseworker's case needs a
    `purpose`, which the applicant sees."""
    try:
        case = services.open_case(
            _staff(request), reference, purpose[:200], request.META.get("REMOTE_ADDR", "")
        )
    except services.PurposeRequired:
        raise BadInput("case.purpose_required") from None
    return _case(case)


@router.post(
    "/backoffice/cases/{reference}/take", response=CaseOut, summary="Take the case (one caseworker only)"
)
def take(request: HttpRequest, reference: str) -> CaseOut:
    services.take(_staff(request), reference)
    return _case(services.case_for(_staff(request), reference))


@router.post(
    "/backoffice/cases/{reference}/request-information", response=CaseOut, summary="Ask the applicant"
)
def request_information(request: HttpRequest, reference: str, body: InfoIn) -> CaseOut:
    services.request_information(_staff(request), reference, body.message, body.document_code)
    return _case(services.case_for(_staff(request), reference))


@router.post(
    "/backoffice/cases/{reference}/approve", response=CaseOut, summary="Approve: documents are issued"
)
def approve(request: HttpRequest, reference: str, body: ApproveIn) -> CaseOut:
    services.approve(_staff(request), reference, body.note)
    return _case(services.case_for(_staff(request), reference))


@router.post("/backoffice/cases/{reference}/reject", response=CaseOut, summary="Reject, with a reason")
def reject(request: HttpRequest, reference: str, body: RejectIn) -> CaseOut:
    services.reject(_staff(request), reference, body.reason)
    return _case(services.case_for(_staff(request), reference))
