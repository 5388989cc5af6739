"""The inbound API for agencies' own systems, under /api/v1/agency/ (docs/agency-api.md, sections 2
and 3): a token for client credentials, the agency's applications, and what its system reports
back. Each operation parses the request and calls one use case of `agency_services`."""

import base64
import binascii
import datetime as dt
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote_plus

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from ninja import Field, File, Form, P, PathEx, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.security import HttpBearer

from sahl.applications.states import State
from sahl.core import openapi, problems
from sahl.core.api_schemas import Problem, Text, errors
from sahl.core.bilingual import BilingualText
from sahl.core.bounds import Id
from sahl.core.errors import BadInput
from sahl.idempotency import header
from sahl.integrations import agency_services as services
from sahl.registry.adapters import NewBirth
from sahl.ui.body_limits import MB, body_limit

if TYPE_CHECKING:
    from sahl.catalogue.models import Agency


class TokenRefused(Exception):
    """No bearer token, or one that is unknown, expired or of a revoked credential (answered 401
    with `WWW-Authenticate: Bearer`, RFC 6750)."""

    def __init__(self, missing: bool) -> None:
        super().__init__("token refused")
        self.missing = missing


class AgencyToken(HttpBearer):
    """`Authorization: Bearer <access token>` from POST /api/v1/agency/token."""

    openapi_description = (
        "`Authorization: Bearer <access_token>`, the token from POST /api/v1/agency/token for the "
        "agency's client credentials."
    )

    def __call__(self, request: HttpRequest) -> Any:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise TokenRefused(missing=True)
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        agency = services.agency_for_token(token)
        if agency is None:
            raise TokenRefused(missing=False)
        return agency


router = Router(tags=["agency"], auth=AgencyToken())
IDEMPOTENCY = (
    "Requires an `Idempotency-Key` header (1 to 80 characters): the same key with the same body answers "
    "the stored answer again (status and body, with `Idempotent-Replayed: true`) and does nothing twice; "
    "the same key with a different body answers 409."
)
REFERENCE = P(description="the application's reference, e.g. 2026-0000123")
REPLAYED = {
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the same key",
        "schema": {"type": "string", "enum": ["true"]},
    }
}


def _write(status: int) -> dict[str, Any]:
    """A write's declarations: it requires an Idempotency-Key and says when its answer is a replay."""
    return header.REQUIRED | {"responses": {status: {"headers": REPLAYED}}}


def _agency(request: HttpRequest) -> "Agency":
    return request.auth  # type: ignore[attr-defined]


# --- Token (RFC 6749 section 4.4) ----------------------------------------------------------------


class TokenOut(Schema):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int


class OAuthProblem(Problem):
    """A refused token request: a problem carrying RFC 6749 section 5.2's members as well."""

    error: str = Field(description="invalid_request, invalid_client, unsupported_grant_type, ...")
    error_description: str = Field("", description="what was wrong, for the integrator (English)")


CLIENT_BASIC = openapi.security_scheme(
    "AgencyClient",
    {
        "type": "http",
        "scheme": "basic",
        "description": "`Authorization: Basic base64(client_id:client_secret)`, each part form-urlencoded "
        "(RFC 6749 section 2.3.1); or both in the form body instead.",
    },
)
TOKEN_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "application/x-www-form-urlencoded": {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {"type": "string", "description": "only without HTTP Basic"},
                        "client_secret": {"type": "string", "description": "only without HTTP Basic"},
                    },
                }
            }
        },
    },
    # HTTP Basic with the client's id and secret, or (the empty requirement) both in the form body.
    "security": [*CLIENT_BASIC, {}],
    "responses": {
        200: {
            "headers": {
                "Cache-Control": {
                    "description": "`no-store`: never keep a token",
                    "schema": {"type": "string"},
                }
            }
        },
        400: {"description": "A malformed token request (RFC 6749 section 5.2), e.g. no grant_type."},
        401: {
            "description": "Unknown client or wrong secret, or malformed Basic credentials.",
            "headers": {
                "WWW-Authenticate": {"description": "the Basic challenge", "schema": {"type": "string"}}
            },
        },
    },
}


def _oauth_error(error: services.OAuthError) -> HttpResponse:
    """RFC 6749 section 5.2's `error` and `error_description`, carried as members of a problem
    (RFC 9457) like every other /api/ error: an OAuth client reads the JSON members it knows."""
    body = {"error": error.error} | ({"error_description": error.description} if error.description else {})
    response = problems.problem(error.status, f"oauth.{error.error}", extra=body)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Basic realm="sahl-agency", charset="UTF-8"'
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    response["Cache-Control"] = "no-store"
    return response


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    """The client id and secret, from HTTP Basic (each part form-urlencoded, RFC 6749 section
    2.3.1) or from the body; never both."""
    in_body = "client_id" in request.POST or "client_secret" in request.POST
    header = request.headers.get("Authorization", "")
    if not header:
        return request.POST.get("client_id", ""), request.POST.get("client_secret", "")
    if in_body:
        raise services.OAuthError("invalid_request", 400, "use one client authentication method, not two")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        raise services.OAuthError("invalid_client", 401, "use HTTP Basic client authentication")
    try:
        client_id, sep, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise services.OAuthError("invalid_client", 401, "malformed Basic credentials") from None
    if not sep:
        raise services.OAuthError("invalid_client", 401, "malformed Basic credentials")
    return unquote_plus(client_id), unquote_plus(secret)


@router.post(
    "/agency/token",
    auth=None,
    response={200: TokenOut, 400: OAuthProblem, 401: OAuthProblem, 429: OAuthProblem},
    summary="An access token for the agency's client credentials (OAuth 2.0 client credentials grant)",
    description="`Authorization: Basic base64(client_id:client_secret)` (or `client_id` and `client_secret` "
    "in the form body) and `grant_type=client_credentials`. The token works for `expires_in` seconds "
    "(900), until its credential is revoked. Errors are problems that also carry RFC 6749 section 5.2's "
    "`error` and `error_description`. Repeated failed client logins from one address are refused with 429 "
    "and `Retry-After` for a while.",
    openapi_extra=TOKEN_FORM,
)
def token(request: HttpRequest) -> HttpResponse:
    try:
        client_id, secret = _client_credentials(request)
        issued = services.issue_token(
            request.POST.get("grant_type", ""), client_id, secret, request.META.get("REMOTE_ADDR", "")
        )
    except services.OAuthError as error:
        return _oauth_error(error)
    response = JsonResponse(
        {"access_token": issued.access_token, "token_type": "Bearer", "expires_in": issued.expires_in}
    )
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


# --- Keys ------------------------------------------------------------------------------------------


class JwkOut(Schema):
    kty: Literal["OKP"]
    crv: Literal["Ed25519"]
    x: str = Field(description="the public key, base64url")
    kid: str
    use: Literal["sig"]
    alg: Literal["EdDSA"]


class JwksOut(Schema):
    keys: list[JwkOut]


@router.get(
    "/agency/keys/{agency}",
    auth=None,
    response={200: JwksOut} | errors(404),
    summary="Sahl's public keys that sign deliveries to this agency (JWKS)",
    description="Every active key: the newest signs; a rotated key stays here until it is retired. "
    "Public (no token); 404 for an unknown agency.",
)
def keys(
    request: HttpRequest,
    agency: PathEx[str, P(description="the agency's code, e.g. mew")],
    response: HttpResponse,
) -> dict[str, Any]:
    response["Cache-Control"] = "public, max-age=300"
    return {"keys": services.signing_keys(agency)}


# --- Reading ---------------------------------------------------------------------------------------


class PersonOut(Schema):
    civil_id: str
    name: Text | None


class PartyOut(Schema):
    role: str
    civil_id: str
    consent: str


class AttachmentOut(Schema):
    id: int
    document: str
    content_type: str
    size: int
    sha256: str
    url: str = Field(description="GET it with the agency's access token")


class AgencyApplicationOut(Schema):
    reference: str
    service: str
    service_version: int
    submitted_at: dt.datetime | None
    due_on: dt.date | None
    subject: PersonOut
    applicant: PersonOut
    answers: dict[str, Any]
    parties: list[PartyOut]
    attachments: list[AttachmentOut]
    state: State


class ApplicationRefOut(Schema):
    """An application as a list names it: no person and no answer (read those one application at a
    time, which is written to the people's access logs)."""

    reference: str
    service: str
    service_version: int
    state: State
    submitted_at: dt.datetime | None
    due_on: dt.date | None


class ApplicationPage(Schema):
    items: list[ApplicationRefOut]
    next_after: str | None = Field(description="pass as `after` for the next page; null on the last page")


class ListQuery(Schema):
    state: State | None = Field(None, description="only applications in this state")
    after: str = Field("", max_length=20, description="the reference the previous page ended with")
    limit: int = Field(
        services.PAGE_LIMIT,
        ge=1,
        le=services.PAGE_LIMIT,
        description=f"how many on a page (1 to {services.PAGE_LIMIT})",
    )


@router.get(
    "/agency/applications",
    response={200: ApplicationPage} | errors(404),
    summary="The references of the agency's applications its system works, oldest first, a page at a time",
    description="Only applications of the agency's `agency_api` services, and of its `backoffice` services "
    "if the agency took them over (docs/agency-api.md). References only, with no person's data: listing "
    "writes nothing to anyone's access log; GET one application to read it. Keyset paging: pass the "
    "previous page's `next_after` as `after`. An `after` that is not one of these references answers 404.",
)
def list_applications(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    page = services.list_applications(
        _agency(request), query.state.value if query.state else "", query.after, query.limit
    )
    return {"items": page.items, "next_after": page.next_after}


@router.get(
    "/agency/applications/{reference}",
    response={200: AgencyApplicationOut} | errors(404),
    summary="One of the agency's applications (the delivery's `application`, plus `state`)",
    description="Another agency's reference, or one of a service its system does not work (a back-office "
    "service the agency did not take over), answers 404, as a missing one does. The read is written once "
    "to the access log of each person the application names: its subject, its applicant and its parties.",
)
def get_application(request: HttpRequest, reference: PathEx[str, REFERENCE]) -> dict[str, Any]:
    return services.get_application(_agency(request), reference)


@router.get(
    "/agency/applications/{reference}/attachments/{attachment_id}",
    summary="An attachment's bytes (check them against the `sha256` given with it)",
    description="The file the person attached, as an attachment with its own content type; the read is "
    "written to the access log of the subject and of whoever attached it. 404 for an application the "
    "system cannot read (as GET of the application) or an unknown id.",
    response={200: None} | errors(404),
    openapi_extra={
        "responses": {
            200: {
                "description": "the file (binary content: no schema, OpenAPI 3.1)",
                "content": {
                    "application/pdf": {},
                    "image/jpeg": {},
                    "image/png": {},
                },
            }
        }
    },
)
def get_attachment(
    request: HttpRequest,
    reference: PathEx[str, REFERENCE],
    attachment_id: PathEx[Id, P(description="the attachment's `id` in the application's `attachments`")],
) -> FileResponse:
    stored = services.get_attachment(_agency(request), reference, attachment_id)
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=f"{reference}-{stored.document_code}.{stored.extension}",
        content_type=stored.content_type,
    )


# --- Writing ---------------------------------------------------------------------------------------


class ApplicationStateOut(Schema):
    reference: str
    state: State
    category: str = Field(description="the platform-wide category the person sees")
    due_on: dt.date | None


class StatusIn(Schema):
    status: Literal["received", "in_progress"]
    note: str = Field("", max_length=1000, description="shown to the person")


class StatusOut(ApplicationStateOut):
    status: Literal["received", "in_progress"]
    note: str


class InformationIn(Schema):
    message: str = Field(min_length=1, max_length=2000, description="what the person is asked for")
    document: str = Field("", max_length=60, description="the code of a document asked for, or empty")


class DecisionIn(Schema):
    outcome: Literal["approved", "rejected"]
    reason: str = Field("", max_length=2000, description="required when rejected; the person reads it")


class IssuedOut(Schema):
    id: int
    document: str
    title: Text
    verification_code: str
    issued_on: dt.date


class DecisionMadeOut(ApplicationStateOut):
    """The application once decided, with the documents the approval issued."""

    outcome: Literal["approved", "rejected"]
    documents: list[IssuedOut]


class DocumentForm(Schema):
    document: str = Field(pattern=r"^[a-z0-9_]{1,60}$", description="the document's code, e.g. mew_clearance")
    title_ar: str = Field(min_length=1, max_length=200, description="the document's title in Arabic")
    title_en: str = Field(min_length=1, max_length=200, description="the document's title in English")


class DocumentAddedOut(ApplicationStateOut):
    """The application with the output document just given to the person."""

    document: IssuedOut


class VehicleIn(Schema):
    registration_expiry: dt.date | None = Field(
        None, description="the new registration expiry, or null to keep it"
    )
    insurance_expiry: dt.date | None = Field(None, description="the new insurance expiry, or null to keep it")


class VehicleOut(Schema):
    plate: str
    registration_expiry: dt.date
    insurance_expiry: dt.date


def _answer(answer: services.Answer, response: HttpResponse) -> Status[Any]:
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(answer.status, answer.body)


def _key(request: HttpRequest) -> str:
    return request.headers.get(header.NAME, "").strip()


@router.post(
    "/agency/applications/{reference}/status",
    response={200: StatusOut} | errors(404, 409),
    summary="Report progress (received, in progress): the person sees it in the history",
    description=IDEMPOTENCY + " 409 once the application is decided.",
    openapi_extra=_write(200),
)
def report_status(
    request: HttpRequest, reference: PathEx[str, REFERENCE], body: StatusIn, response: HttpResponse
) -> Status[Any]:
    answer = services.report_status(_agency(request), reference, _key(request), body.status, body.note)
    return _answer(answer, response)


@router.post(
    "/agency/applications/{reference}/information-requests",
    response={201: ApplicationStateOut} | errors(404, 409),
    summary="Ask the person for information or a document: the clock pauses until they answer",
    description=IDEMPOTENCY + " 409 when the application is not in review.",
    openapi_extra=_write(201),
)
def request_information(
    request: HttpRequest, reference: PathEx[str, REFERENCE], body: InformationIn, response: HttpResponse
) -> Status[Any]:
    answer = services.request_information(
        _agency(request), reference, _key(request), body.message, body.document
    )
    return _answer(answer, response)


@router.post(
    "/agency/applications/{reference}/decision",
    response={200: DecisionMadeOut} | errors(404, 409),
    summary="Decide: approval issues the service's outputs and register effects; rejection needs a reason",
    description=IDEMPOTENCY + " Deciding a decided application answers 409 and changes nothing.",
    openapi_extra=_write(200),
)
def decide(
    request: HttpRequest, reference: PathEx[str, REFERENCE], body: DecisionIn, response: HttpResponse
) -> Status[Any]:
    answer = services.decide(_agency(request), reference, _key(request), body.outcome, body.reason)
    return _answer(answer, response)


@router.post(
    "/agency/applications/{reference}/documents",
    response={201: DocumentAddedOut} | errors(404, 409),
    summary="Give the person an output document (multipart: `file`, a PDF of at most 10 MB)",
    description=IDEMPOTENCY + " The file is checked by its content, not its name. 409 once the "
    "application is closed.",
    openapi_extra=_write(201)
    | {
        "requestBody": {
            "content": {
                "multipart/form-data": {"schema": {"required": ["file"]}}  # added to the fields
            }
        }
    },
)
@body_limit(services.MAX_DOCUMENT_MB * MB + MB)  # the PDF at its limit, and the fields
def add_document(
    request: HttpRequest,
    reference: PathEx[str, REFERENCE],
    form: Form[DocumentForm],
    response: HttpResponse,
    file: File[UploadedFile | None] = None,
) -> Status[Any]:
    if getattr(request, "sahl_upload_refused", False):
        raise BadInput("file.too_large", limit=services.MAX_DOCUMENT_MB)
    if file is None:
        raise BadInput("agency.file_required")
    answer = services.add_document(
        _agency(request),
        reference,
        _key(request),
        form.document,
        BilingualText(form.title_ar.strip(), form.title_en.strip()),
        services.Upload(file.read()),
    )
    return _answer(answer, response)


@router.post(
    "/agency/registers/vehicles/{plate}",
    response={200: VehicleOut} | errors(403, 404, 409),
    summary="Update a vehicle's record (only the owner of the vehicles register: MOI)",
    description=IDEMPOTENCY + " Other agencies answer 403; an unknown plate 404.",
    openapi_extra=_write(200),
)
def update_vehicle(
    request: HttpRequest,
    plate: PathEx[str, P(description="the vehicle's plate number, as in the register")],
    body: VehicleIn,
    response: HttpResponse,
) -> Status[Any]:
    changes = {name: value for name, value in body.model_dump().items() if value is not None}
    answer = services.update_vehicle(_agency(request), plate, _key(request), changes)
    return _answer(answer, response)


HOSPITALS = Literal[
    "maternity",
    "adan",
    "jahra",
    "farwaniya",
    "amiri",
    "mubarak_al_kabeer",
    "sabah_al_ahmad",
    "jaber_al_ahmad",
    "private",
]
CIVIL_ID = r"^[0-9]{12}$"


class BirthIn(Schema):
    notification_number: str = Field(
        ...,
        min_length=1,
        max_length=20,
        pattern=r"^[A-Za-z0-9/-]+$",
        description="the hospital's birth notification",
    )
    hospital: HOSPITALS
    mother_civil_id: str = Field(..., pattern=CIVIL_ID)
    father_civil_id: str | None = Field(
        None, pattern=CIVIL_ID, description="absent when the notification names none"
    )
    name_ar: str = Field(..., min_length=1, max_length=100)
    name_en: str = Field(..., min_length=1, max_length=100)
    sex: Literal["M", "F"]
    birth_date: dt.date


class BirthOut(Schema):
    record: str = Field(..., description="the register's entry, as events name it (birth:<id>)")
    notification_number: str
    child_civil_id: str = Field(..., description="the child's new civil ID")
    nationality: str = Field(..., description="ISO 3166 alpha-2, the father's (else the mother's)")


class MarriageIn(Schema):
    contract_number: str = Field(..., min_length=1, max_length=30, pattern=r"^[A-Za-z0-9/-]+$")
    husband_civil_id: str = Field(..., pattern=CIVIL_ID)
    wife_civil_id: str = Field(..., pattern=CIVIL_ID)
    married_on: dt.date


class MarriageOut(Schema):
    record: str = Field(..., description="the register's entry, as events name it (marriage:<id>)")
    contract_number: str
    married_on: dt.date


@router.post(
    "/agency/registers/births",
    response={201: BirthOut} | errors(400, 403, 409),
    summary="Record a birth a hospital notified (only the owner of the births register: MOH)",
    description=IDEMPOTENCY
    + " The child is entered in the population register with a new civil ID, and the newborn journey"
    " starts for both parents. The same notification number again answers the same record. An unknown"
    " parent is a 409; other agencies answer 403.",
    openapi_extra=_write(201),
)
def record_birth(request: HttpRequest, body: BirthIn, response: HttpResponse) -> Status[Any]:
    birth = NewBirth(
        notification_number=body.notification_number,
        hospital=body.hospital,
        mother_civil_id=body.mother_civil_id,
        father_civil_id=body.father_civil_id or "",
        name=BilingualText(body.name_ar.strip(), body.name_en.strip()),
        sex=body.sex,
        birth_date=body.birth_date,
    )
    return _answer(services.record_birth(_agency(request), _key(request), birth), response)


@router.post(
    "/agency/registers/marriages",
    response={201: MarriageOut} | errors(400, 403, 409),
    summary="Record a registered marriage contract (only the owner of the marriages register: MOJ)",
    description=IDEMPOTENCY
    + " Both spouses become married in the population register, and the married journey starts. The"
    " same contract number again answers the same record; other agencies answer 403.",
    openapi_extra=_write(201),
)
def record_marriage(request: HttpRequest, body: MarriageIn, response: HttpResponse) -> Status[Any]:
    answer = services.record_marriage(
        _agency(request),
        _key(request),
        body.contract_number,
        body.husband_civil_id,
        body.wife_civil_id,
        body.married_on,
    )
    return _answer(answer, response)


class LicenceCancelledOut(Schema):
    number: str = Field(..., description="the company's commercial registration number")
    licence_cancelled_on: dt.date = Field(..., description="the licence's first day cancelled")


@router.post(
    "/agency/registers/companies/{number}/licence-cancellation",
    response={200: LicenceCancelledOut} | errors(403, 404, 409),
    summary="Cancel a company's commercial licence (only the owner of the companies register: MOCI)",
    description=IDEMPOTENCY
    + " The licence is cancelled from today and every credential certifying it is revoked at once: a"
    " verifier refuses it from then on. A licence cancelled before answers its first day again; an unknown"
    " company 404; other agencies answer 403.",
    openapi_extra=_write(200),
)
def cancel_licence(
    request: HttpRequest,
    number: PathEx[str, P(pattern=r"^CR-[0-9]{1,9}$", description="the commercial registration number")],
    response: HttpResponse,
) -> Status[Any]:
    return _answer(services.cancel_licence(_agency(request), number, _key(request)), response)
