"""Use cases of the inbound agency API (docs/agency-api.md, sections 2 and 3): an agency's system
logs in with client credentials, lists the references of the applications in its lane
(`integrations.lane_of`: its `agency_api` services', and its back-office ones if the agency took them
over; any other answers 404), reads them (each read goes to the access log of every person the
application names; a list names no one) and reports back what it did.

Every write runs in one transaction that also holds its Idempotency-Key and the answer given
(`sahl.idempotency`, the one mechanism people's submissions use too; keys are per agency): the same
key and body answer the same again without doing anything twice, and a crash can never leave a
write done without its key, or the reverse.
The application's row is locked while it changes. The agency's system acts with no user
(actor None), as the service's own rules do."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sahl.applications import clock, deciding, moving, reading
from sahl.applications.models import Application, Attachment, HistoryEvent, InfoRequest, IssuedDocument
from sahl.applications.rules import check_file
from sahl.applications.states import CATEGORY, IllegalTransition, State
from sahl.audit import services as audit
from sahl.catalogue.definition import RequiredDocument
from sahl.catalogue.models import Agency
from sahl.catalogue.services import get_agency
from sahl.core.bilingual import BilingualText
from sahl.core.errors import BadInput, Forbidden, NotFound
from sahl.events.services import announce
from sahl.events.types import DocumentIssued
from sahl.idempotency import services as idempotency
from sahl.identity import throttle
from sahl.integrations import services as integrations
from sahl.integrations.documents import application_document, with_document_relations
from sahl.integrations.models import AccessToken, ClientCredential
from sahl.registry import services as register
from sahl.registry.adapters import VEHICLE_FIELDS, NewBirth, registers
from sahl.registry.effects import REGISTER_OWNERS

log = logging.getLogger(__name__)
Kind = HistoryEvent.Kind

TOKEN_LIFETIME = 900  # seconds an access token works
PAGE_LIMIT = 100  # applications per page at most
KEY_LENGTH = idempotency.KEY_LENGTH  # longest Idempotency-Key
MAX_DOCUMENT_MB = 10
# Open applications the agency reports progress on or asks about; documents may also be attached
# once decided (e.g. the certificate that follows an approval, a letter explaining a refusal).
OPEN = (State.IN_REVIEW, State.ACTION_NEEDED)
DOCUMENTS_ALLOWED = (*OPEN, State.APPROVED, State.COMPLETED, State.REJECTED)


def now() -> dt.datetime:
    """The clock of tokens (tests move it)."""
    return timezone.now()


# --- Client credentials and tokens (RFC 6749 section 4.4) ----------------------------------------


class OAuthError(Exception):
    """A refused token request, answered in OAuth 2.0's JSON shape (RFC 6749 section 5.2)."""

    def __init__(self, error: str, status: int, description: str = "", retry_after: int = 0) -> None:
        super().__init__(error)
        self.error, self.status, self.description, self.retry_after = error, status, description, retry_after


@dataclass(frozen=True)
class IssuedToken:
    access_token: str  # given once; only its SHA-256 is kept
    expires_in: int
    agency: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _decoy_hash() -> str:
    return make_password(secrets.token_urlsafe(32))


def issue_token(grant_type: str, client_id: str, client_secret: str, source: str) -> IssuedToken:
    """A bearer token for a valid, unrevoked client credential. Failed client logins are counted
    per source (the throttle's "agency.token": 10 in 15 minutes); past that every request from it
    is refused (429) until the window ends, even with a good secret."""
    source = source[:45] or "unknown"
    wait = throttle.wait_seconds("agency.token", source)
    if wait:
        raise OAuthError(
            "temporarily_unavailable", 429, "too many failed client logins from this address", wait
        )
    if not grant_type:
        raise OAuthError("invalid_request", 400, "grant_type is required")
    if grant_type != "client_credentials":
        raise OAuthError("unsupported_grant_type", 400, "only client_credentials is supported")
    credential = _client(client_id, client_secret)
    if credential is None:
        throttle.record("agency.token", source)
        log.info("agency client login refused")
        raise OAuthError("invalid_client", 401, "unknown client or wrong secret")
    token = secrets.token_urlsafe(32)
    moment = now()
    with transaction.atomic():
        AccessToken.objects.filter(credential=credential, expires_at__lte=moment).delete()  # housekeeping
        AccessToken.objects.create(
            credential=credential,
            token_sha256=_digest(token),
            expires_at=moment + dt.timedelta(seconds=TOKEN_LIFETIME),
        )
    log.info(
        "agency token issued", extra={"agency": credential.agency.code, "client_id": credential.client_id}
    )
    return IssuedToken(token, TOKEN_LIFETIME, credential.agency.code)


def _client(client_id: str, client_secret: str) -> ClientCredential | None:
    """The credential if the secret matches and it is not revoked. Unknown ids cost a hash too, so
    timing does not tell which client ids exist."""
    credential = (
        ClientCredential.objects.select_related("agency")
        .filter(client_id=client_id[:64], revoked_at__isnull=True)
        .first()
        if client_id
        else None
    )
    if credential is None:
        check_password(client_secret, _decoy_hash())
        return None
    return credential if check_password(client_secret, credential.secret_hash) else None


def agency_for_token(token: str) -> Agency | None:
    """The agency a live bearer token was given to; None if unknown, expired or its credential was
    revoked (revoking stops its tokens at once)."""
    if not token or len(token) > 200:
        return None
    found = (
        AccessToken.objects.select_related("credential__agency")
        .filter(token_sha256=_digest(token), expires_at__gt=now(), credential__revoked_at__isnull=True)
        .first()
    )
    return found.credential.agency if found else None


# --- Keys ----------------------------------------------------------------------------------------


def signing_keys(agency_code: str) -> list[dict[str, str]]:
    """Sahl's active public signing keys for the agency, as JWKs (RFC 8037: OKP, Ed25519)."""
    get_agency(agency_code)  # NotFound for an unknown agency
    return [
        {"kty": "OKP", "crv": "Ed25519", "x": key.public_raw, "kid": key.kid, "use": "sig", "alg": "EdDSA"}
        for key in integrations.public_keys(agency_code)
    ]


# --- Reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    next_after: str | None  # pass as `after` for the next page; None on the last page


def _own(agency: Agency) -> QuerySet[Application]:
    """The agency's applications in its system's lane: of its `agency_api` services, and of its
    `backoffice` services only if it took them over. Any other answers as a missing one does."""
    versions = integrations.lane_versions(agency, integrations.lane_of(agency)).values("pk")
    return Application.objects.filter(agency=agency, version__in=versions).exclude(state=State.DRAFT)


def _document(application: Application) -> dict[str, Any]:
    return application_document(application) | {"state": application.state}


def _reference(application: Application) -> dict[str, Any]:
    """What a list names of an application: no person and no answer in it."""
    return {
        "reference": application.reference,
        "service": application.service.code,
        "service_version": application.version.number,
        "state": application.state,
        "submitted_at": timezone.localtime(application.submitted_at).isoformat(timespec="seconds")
        if application.submitted_at
        else None,
        "due_on": application.due_on.isoformat() if application.due_on else None,
    }


def list_applications(agency: Agency, state: str = "", after: str = "", limit: int = PAGE_LIMIT) -> Page:
    """The agency's applications, oldest first, a page at a time (keyset: the references after
    `after`). References only: no one's data is read, so nothing is written to access logs (reading
    an application is, `get_application`)."""
    limit = max(1, min(limit, PAGE_LIMIT))
    found = _own(agency)
    if state:
        found = found.filter(state=state)
    if after:
        anchor = _own(agency).filter(reference=after).values_list("pk", flat=True).first()
        if anchor is None:
            raise NotFound("application.not_found")
        found = found.filter(pk__gt=anchor)
    rows = list(found.select_related("service", "version").order_by("pk")[: limit + 1])
    more, rows = len(rows) > limit, rows[:limit]
    return Page([_reference(a) for a in rows], rows[-1].reference if more else None)


def _find(agency: Agency, reference: str) -> Application:
    """The agency's application; another agency's answers exactly as a missing one."""
    found = with_document_relations(_own(agency).filter(reference=reference)).first()
    if found is None:
        raise NotFound("application.not_found")
    return found


def _record_reads(agency: Agency, application: Application, data: str, people: list[str]) -> None:
    """One entry in each person's access log, however often they appear (subject and applicant are
    often one person), in one transaction."""
    with transaction.atomic():
        for civil_id in dict.fromkeys(p for p in people if p):
            audit.record_system_read(
                agency, civil_id, application_reference=application.reference, data=data, purpose=""
            )


def get_application(agency: Agency, reference: str) -> dict[str, Any]:
    """The application as delivered: it names its subject, its applicant and its parties, so the
    read is written to each one's access log."""
    application = _find(agency, reference)
    document = _document(application)
    people = [
        application.subject_civil_id,
        application.applicant.civil_id,
        *(party.civil_id for party in application.parties.all()),
    ]
    _record_reads(agency, application, "application", people)
    return document


def get_attachment(agency: Agency, reference: str, attachment_id: int) -> Attachment:
    """A file of the application: a read of the data of its subject and of whoever attached it."""
    application = _find(agency, reference)
    attachment = reading.attachment_for(application, attachment_id)
    uploader = attachment.uploaded_by.civil_id
    _record_reads(agency, application, "attachment", [application.subject_civil_id, uploader])
    return attachment


# --- Writing, once per Idempotency-Key -----------------------------------------------------------


Answer = idempotency.Answer  # status, body, and whether it is the stored answer to an earlier request


def _check_key(key: str) -> None:
    idempotency.check_key(key)


def _fingerprint(operation: str, target: str, body: dict[str, Any]) -> str:
    text = json.dumps({"operation": operation, "target": target, "body": body}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _once(
    agency: Agency, key: str, fingerprint: str, work: Callable[[], tuple[int, dict[str, Any]]]
) -> Answer:
    """Run `work` in one transaction with the key's row, or answer what the first request with this
    key was answered. A refused write (an error) keeps no key: nothing was done, so the same key
    may be tried again."""
    return idempotency.once(idempotency.agency(agency.code), key, fingerprint, work)


def _locked(agency: Agency, reference: str) -> Application:
    """The agency's application, its row locked until the transaction ends (only this row: no join)."""
    pk = _own(agency).filter(reference=reference).values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound("application.not_found")
    return Application.objects.select_for_update().get(pk=pk)


def _summary(application: Application) -> dict[str, Any]:
    return {
        "reference": application.reference,
        "state": application.state,
        "category": str(CATEGORY[State(application.state)]),
        "due_on": application.due_on.isoformat() if application.due_on else None,
    }


def _written(agency: Agency, operation: str, answer: Answer) -> Answer:
    log.info(
        "agency api write",
        extra={
            "agency": agency.code,
            "operation": operation,
            "status": answer.status,
            "replayed": answer.replayed,
        },
    )
    return answer


STATUSES = ("received", "in_progress")


def report_status(agency: Agency, reference: str, key: str, status: str, note: str) -> Answer:
    """Progress the person sees in their application's history (platform categories received and
    in progress); the application stays with the agency."""
    _check_key(key)
    if status not in STATUSES:
        raise BadInput("request.bad")
    note = note.strip()

    def work() -> tuple[int, dict[str, Any]]:
        application = _locked(agency, reference)
        if application.state not in OPEN:
            raise IllegalTransition(application.state, application.state)
        moving.record(application, Kind.AGENCY_UPDATE, None, note)
        return 200, _summary(application) | {"status": status, "note": note}

    body = {"status": status, "note": note}
    return _written(agency, "status", _once(agency, key, _fingerprint("status", reference, body), work))


def request_information(agency: Agency, reference: str, key: str, message: str, document: str) -> Answer:
    """The person is asked (a message, maybe a document by its code); the clock pauses."""
    _check_key(key)
    message, document = message.strip(), document.strip()
    if not message:
        raise BadInput("application.message_required")

    def work() -> tuple[int, dict[str, Any]]:
        application = _locked(agency, reference)
        InfoRequest.objects.create(
            application=application, message=message, document_code=document[:60], requested_by=None
        )
        moving.transition(application, State.ACTION_NEEDED, None, Kind.INFO_REQUESTED, message)
        return 201, _summary(application)

    body = {"message": message, "document": document}
    fingerprint = _fingerprint("information-requests", reference, body)
    return _written(agency, "information-requests", _once(agency, key, fingerprint, work))


def decide(agency: Agency, reference: str, key: str, outcome: str, reason: str) -> Answer:
    """Approved: the service's outputs are issued and its register effects applied (completed).
    Rejected: with a reason, which the person reads."""
    _check_key(key)
    reason = reason.strip()
    if outcome not in ("approved", "rejected"):
        raise BadInput("request.bad")
    if outcome == "rejected" and not reason:
        raise BadInput("application.reason_required")

    def work() -> tuple[int, dict[str, Any]]:
        application = _locked(agency, reference)
        if outcome == "approved":
            deciding.approve(application, None, reason)
        else:
            deciding.reject(application, None, reason)
        issued = application.documents.order_by("pk")
        return 200, _summary(application) | {
            "outcome": outcome,
            "documents": [_issued(d) for d in issued],
        }

    body = {"outcome": outcome, "reason": reason}
    return _written(agency, "decision", _once(agency, key, _fingerprint("decision", reference, body), work))


def _issued(document: IssuedDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "document": document.document,
        "title": {"ar": document.title_ar, "en": document.title_en},
        "verification_code": document.verification_code,
        "issued_on": document.issued_on.isoformat(),
    }


@dataclass(frozen=True)
class Upload:
    """A file as the API received it: its bytes (at most 10 MB: the upload handler stops more)."""

    content: bytes


def add_document(
    agency: Agency, reference: str, key: str, document: str, title: BilingualText, upload: Upload
) -> Answer:
    """An output document (a PDF, checked by its content) that the application's subject receives."""
    _check_key(key)
    kind = check_file(
        upload.content[:16],
        len(upload.content),
        RequiredDocument(document, title, ("pdf",), MAX_DOCUMENT_MB, True),
    )
    digest = hashlib.sha256(upload.content).hexdigest()

    def work() -> tuple[int, dict[str, Any]]:
        application = _locked(agency, reference)
        if application.state not in DOCUMENTS_ALLOWED:
            raise IllegalTransition(application.state, application.state)
        issued = IssuedDocument(
            application=application,
            document=document,
            title_ar=title.ar,
            title_en=title.en,
            holder_civil_id=application.subject_civil_id,
            verification_code="-".join(secrets.token_hex(2).upper() for _ in range(3)),
            issued_on=clock.today(),
        )
        issued.pdf.save(
            f"{application.reference}-{document}.{kind.extension}", ContentFile(upload.content), save=False
        )
        issued.save()
        moving.record(application, Kind.DOCUMENT_ISSUED, None, issued.verification_code)
        announce(DocumentIssued(document_id=issued.pk, application_id=application.pk))
        return 201, _summary(application) | {"document": _issued(issued)}

    body = {"document": document, "title_ar": title.ar, "title_en": title.en, "sha256": digest}
    fingerprint = _fingerprint("documents", reference, body)
    return _written(agency, "documents", _once(agency, key, fingerprint, work))


def update_vehicle(agency: Agency, plate: str, key: str, changes: dict[str, dt.date]) -> Answer:
    """A vehicle's record changed by the agency that owns the vehicles register (MOI); any other
    agency is refused."""
    _check_key(key)
    if REGISTER_OWNERS["vehicles"] != agency.code:
        raise Forbidden("agency.register_not_owner")
    changes = {name: value for name, value in changes.items() if name in VEHICLE_FIELDS}
    if not changes:
        raise BadInput("agency.nothing_to_change")

    def work() -> tuple[int, dict[str, Any]]:
        record = registers().update_vehicle(plate, changes)
        if record is None:
            raise NotFound("vehicle.not_found")
        return 200, {
            "plate": record.plate,
            "registration_expiry": record.registration_expiry.isoformat(),
            "insurance_expiry": record.insurance_expiry.isoformat(),
        }

    fingerprint = _fingerprint("registers/vehicles", plate, {k: v.isoformat() for k, v in changes.items()})
    return _written(agency, "registers/vehicles", _once(agency, key, fingerprint, work))


def record_birth(agency: Agency, key: str, birth: NewBirth) -> Answer:
    """A birth notified by a hospital, entered in the population register by the agency that owns
    the births register (MOH): the child gets a civil ID and the newborn journey starts."""
    _check_key(key)
    if REGISTER_OWNERS["births"] != agency.code:
        raise Forbidden("agency.register_not_owner")

    def work() -> tuple[int, dict[str, Any]]:
        recorded = register.record_birth(birth, clock.today())
        return 201, {
            "record": recorded.record,
            "notification_number": recorded.notification_number,
            "child_civil_id": recorded.child.civil_id,
            "nationality": recorded.nationality,
        }

    body = {k: str(v) for k, v in dataclasses.asdict(birth).items()}
    return _written(
        agency, "registers/births", _once(agency, key, _fingerprint("registers/births", "", body), work)
    )


def record_marriage(
    agency: Agency, key: str, contract_number: str, husband: str, wife: str, married_on: dt.date
) -> Answer:
    """A marriage contract registered by the Ministry of Justice: both spouses become married and
    the married journey starts."""
    _check_key(key)
    if REGISTER_OWNERS["marriages"] != agency.code:
        raise Forbidden("agency.register_not_owner")

    def work() -> tuple[int, dict[str, Any]]:
        recorded = register.record_marriage(contract_number, husband, wife, married_on, clock.today())
        return 201, {
            "record": recorded.record,
            "contract_number": recorded.contract_number,
            "married_on": recorded.married_on.isoformat(),
        }

    body = {
        "contract_number": contract_number,
        "husband": husband,
        "wife": wife,
        "married_on": married_on.isoformat(),
    }
    return _written(
        agency, "registers/marriages", _once(agency, key, _fingerprint("registers/marriages", "", body), work)
    )


def cancel_licence(agency: Agency, number: str, key: str) -> Answer:
    """A company's commercial licence cancelled by the agency that owns the companies register
    (MOCI), from today: what certified it is revoked (the wallet listens). A licence cancelled before
    answers its first day again and changes nothing."""
    _check_key(key)
    if REGISTER_OWNERS["companies"] != agency.code:
        raise Forbidden("agency.register_not_owner")

    def work() -> tuple[int, dict[str, Any]]:
        cancelled = register.cancel_licence(number, clock.today())
        return 200, {"number": cancelled.number, "licence_cancelled_on": cancelled.cancelled_on.isoformat()}

    fingerprint = _fingerprint("registers/companies/licence-cancellation", number, {})
    return _written(agency, "registers/companies/licence-cancellation", _once(agency, key, fingerprint, work))
