"""Use cases of applications, for the person (apply, follow, answer, consent, withdraw).

Each public function is one transaction. The caseworkers' use cases live in `backoffice`, and
share the decision steps defined here (`approve`, `reject`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sahl.applications.models import (
    Application,
    Attachment,
    Decision,
    HistoryEvent,
    InfoRequest,
    IssuedDocument,
    Party,
)
from sahl.applications.pdf import PdfDocument, render_pdf
from sahl.applications.rules import FileRefused, FormInvalid, check_file, clean_form
from sahl.applications.states import CLOCK_PAUSED, TRANSITIONS, State, check_transition
from sahl.catalogue.definition import RequiredDocument, ServiceDefinition
from sahl.catalogue.models import Service
from sahl.catalogue.rules import Eligibility, assess, fee_for
from sahl.catalogue.services import definition_of, get_service
from sahl.core.bilingual import BilingualText
from sahl.core.effects import Order, effect
from sahl.core.errors import BadInput, Conflict, NotFound, SahlError
from sahl.core.working_days import add_working_days, kuwait_holidays, working_days_between
from sahl.events.services import announce
from sahl.events.types import (
    ApplicationCompleted,
    ApplicationDecided,
    ApplicationEvent,
    ApplicationMoved,
    ApplicationSubmitted,
    DocumentIssued,
)
from sahl.idempotency import services as idempotency
from sahl.idempotency.services import IdempotencyConflict
from sahl.identity.models import User
from sahl.mandates import services as mandates
from sahl.mandates.rules import Action, Basis
from sahl.mandates.services import Authority
from sahl.registry.adapters import Profile, registers
from sahl.registry.facts import CHOICE_KEYS

Kind = HistoryEvent.Kind


Upload = UploadedFile  # a file as it arrives in a request

# Who is asking: a person for themselves (a User), or a person acting for someone else (the
# Authority that `mandates.authorize` gave). Every use case below answers for the subject.
Who = User | Authority


def acting(who: Who) -> Authority:
    return who if isinstance(who, Authority) else mandates.oneself(who)


def today() -> dt.date:
    return timezone.localdate()


# --- Reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplyPage:
    service: Service
    definition: ServiceDefinition
    profile: Profile | None  # the subject's: the person applied for
    eligibility: Eligibility | None
    draft: Application | None
    acting: Authority


def apply_page(who: Who, code: str) -> ApplyPage:
    service = get_service(code)
    assert service.current_version is not None
    asking = acting(who)
    authority = mandates.authorize(asking.actor, asking.subject, service, Action.APPLY)
    definition = definition_of(service.current_version)
    profile = registers().profile(authority.subject, today())
    eligibility = assess(definition.eligibility, profile.facts) if profile else None
    draft = (
        Application.objects.filter(
            applicant=authority.actor, subject_civil_id=authority.subject, service=service, state=State.DRAFT
        )
        .order_by("-updated_at")
        .first()
    )
    return ApplyPage(service, definition, profile, eligibility, draft, authority)


def _visible(who: Who) -> QuerySet[Application]:
    """The subject's applications and those where the subject is a party (e.g. the buyer); for an
    attorney, only those of the services the power of attorney reaches. Applications a person
    filed for someone else are seen while acting for them, never after the mandate ended."""
    asking = acting(who)
    authority = asking
    if not asking.is_self:
        authority = mandates.authorize(asking.actor, asking.subject, None, Action.VIEW)
    # The party rows first (one indexed query), so the main query is an OR of two index lookups;
    # an OR across a join with DISTINCT would scan every application (seconds at 20 million).
    as_party = list(Party.objects.filter(civil_id=authority.subject).values_list("application_id", flat=True))
    found = Application.objects.filter(Q(subject_civil_id=authority.subject) | Q(pk__in=as_party))
    if authority.basis is Basis.ATTORNEY:
        found = found.filter(mandates.reach(authority, "service__category__code"))
    return found.select_related("service", "agency")


def my_applications(who: Who) -> QuerySet[Application]:
    """The applications of the person (or of the one they act for), newest first."""
    mandates.record_use(acting(who), "applications")
    return _visible(who).order_by("-created_at", "-pk")


@dataclass(frozen=True)
class ApplicationsPage:
    applications: list[Application]
    older: str  # the cursor of the next page ("" on the last one)


def applications_page(who: Who, before: str = "", size: int = 50) -> ApplicationsPage:
    """A page of `my_applications`, by keyset: `before` is the cursor a previous page gave, so a
    deep page costs what the first one does (no OFFSET over thousands of a company's rows)."""
    found = my_applications(who)
    if before:
        moment, pk = parse_cursor(before)
        found = found.filter(Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk))
    rows = list(found[: size + 1])
    older = f"{rows[size - 1].created_at.isoformat()}~{rows[size - 1].pk}" if len(rows) > size else ""
    return ApplicationsPage(rows[:size], older)


def parse_cursor(text: str) -> tuple[dt.datetime, int]:
    """A keyset cursor `<aware ISO time>~<id>` as pages give it; BadInput if it was tampered with."""
    moment, _, pk = text.partition("~")
    try:
        parsed = dt.datetime.fromisoformat(moment)
        number = int(pk)
    except ValueError as e:
        raise BadInput("page.cursor_invalid") from e
    if parsed.tzinfo is None or number < 1:
        raise BadInput("page.cursor_invalid")
    return parsed, number


def application_for(who: Who, reference: str) -> Application:
    """The application if this person may see it; otherwise NotFound, exactly as if it did not exist."""
    found = _visible(who).filter(reference=reference).select_related("version", "decision").first()
    if found is None:
        raise NotFound("application.not_found")
    mandates.record_use(acting(who), "application", reference=found.reference, agency_id=found.agency_id)
    return found


def speaks_for(who: Who, application: Application) -> bool:
    """Whether the asker is the application's subject or acts for them (not merely a party)."""
    return application.subject_civil_id == acting(who).subject


def definition_for(application: Application) -> ServiceDefinition:
    """The definition the application was filed under (never the current one)."""
    return definition_of(application.version)


def document_for(who: Who, reference: str, document_id: int) -> IssuedDocument:
    application = application_for(who, reference)
    document = application.documents.filter(pk=document_id, holder_civil_id=acting(who).subject).first()
    if document is None:
        raise NotFound("document.not_found")
    return document


def my_attachment(who: Who, reference: str, attachment_id: int) -> Attachment:
    """An attachment of an application the asker filed or acts for; a party (the buyer) does not
    see the applicant's files."""
    application = application_for(who, reference)
    if not speaks_for(who, application):
        raise NotFound("document.not_found")
    return attachment_for(application, attachment_id)


def attachment_for(application: Application, attachment_id: int) -> Attachment:
    attachment = application.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound("document.not_found")
    return attachment


def verify_document(code: str) -> IssuedDocument:
    document = (
        IssuedDocument.objects.select_related("application__agency").filter(verification_code=code).first()
    )
    if document is None:
        raise NotFound("document.not_found")
    return document


# --- Applying ---------------------------------------------------------------------------------


def save_draft(who: Who, code: str, answers: Mapping[str, Any]) -> Application:
    page = apply_page(who, code)
    user = page.acting.actor
    profile = _require_profile(page)
    clean = clean_form(page.definition.form, answers, profile, partial=True)
    with transaction.atomic():
        draft = page.draft
        if draft is None:
            draft = _new_application(page.acting, page.service, clean)
            record(draft, Kind.CREATED, user)
        else:
            draft.form_data = clean
            draft.save(update_fields=["form_data", "updated_at"])
            record(draft, Kind.SAVED, user)
    return draft


def submit(
    who: Who,
    code: str,
    answers: Mapping[str, Any],
    files: Mapping[str, Upload],
    idempotency_key: str,
) -> Application:
    """File an application. The same key with the same request gives the same application; keys
    are the acting person's own (`sahl.idempotency`, one mechanism with the agency API)."""
    idempotency.check_key(idempotency_key)
    page = apply_page(who, code)
    user, subject = page.acting.actor, page.acting.subject
    profile = _require_profile(page)
    request_hash = _fingerprint(f"{code} for {subject}", page.definition, answers, files)
    filed: list[Application] = []

    def work() -> tuple[int, dict[str, Any]]:
        if page.eligibility is not None and not page.eligibility.eligible:
            assert page.eligibility.reason is not None
            raise BadInput("application.not_eligible", reason=page.eligibility.reason)
        clean = clean_form(page.definition.form, answers, profile)
        _check_effects(page.definition, clean)
        _refuse_a_second_open_application(page, clean, subject)
        parties = _parties(page.definition, clean, subject)
        checked = _check_files(page.definition, files)
        fee, exemption = fee_for(page.definition, profile.facts)
        application = page.draft
        if application is None:
            application = _new_application(page.acting, page.service, clean, fee.fils)
        else:
            application.form_data = clean
            application.version = page.service.current_version  # type: ignore[assignment]
            application.fee_fils = fee.fils
            application.save(update_fields=["form_data", "version", "fee_fils"])
        application.submitted_at = timezone.now()
        note = exemption.en if exemption else ""
        transition(application, State.SUBMITTED, user, Kind.SUBMITTED, note, also=("submitted_at",))
        for document, (upload, kind_) in checked.items():
            _store_attachment(application, document, upload, kind_, user)
        Party.objects.bulk_create(parties_for(application, parties))
        _route(
            application,
            page.definition,
            user,
            waits_for_consent=any(p.consent == Party.Consent.PENDING for p in parties),
        )
        filed.append(application)
        return 201, {"reference": application.reference}

    answer = idempotency.once(idempotency.person(user.pk), idempotency_key, request_hash, work)
    return filed[0] if filed else _replay(answer)


# Ended without the service being delivered: a paid fee goes back (payments listens).
ENDED_WITHOUT_SERVICE = (State.REJECTED, State.CANCELLED, State.WITHDRAWN)

OPEN_STATES = (State.SUBMITTED, State.AWAITING_PAYMENT, State.IN_REVIEW, State.ACTION_NEEDED)


def _check_effects(definition: ServiceDefinition, answers: dict[str, Any]) -> None:
    """Answers that an effect could not carry out are refused at filing, not at approval."""
    for name in definition.effects:
        check = effect(name).check
        refusal = check(answers, today()) if check else None
        if refusal is not None:
            raise FormInvalid({refusal.field: _message(refusal.code)})


def _refuse_a_second_open_application(page: ApplyPage, answers: dict[str, Any], subject: str) -> None:
    """One open application per service and per chosen record (a car cannot be sold twice)."""
    for name, prop in page.definition.form.get("properties", {}).items():
        if prop.get("x-prefill") not in CHOICE_KEYS or name not in answers:
            continue
        open_ones = Application.objects.filter(
            service=page.service, subject_civil_id=subject, state__in=OPEN_STATES
        ).filter(**{f"form_data__{name}": answers[name]})
        if page.draft is not None:
            open_ones = open_ones.exclude(pk=page.draft.pk)
        clash = open_ones.first()
        if clash is not None:
            raise Conflict("application.already_open", reference=clash.reference)


def _replay(answer: idempotency.Answer) -> Application:
    """The application a repeated submission filed the first time (its reference is the answer kept)."""
    reference = answer.body.get("reference")
    application = Application.objects.filter(reference=reference).first() if reference else None
    if application is None:
        raise IdempotencyConflict()
    return application


def _fingerprint(
    code: str, definition: ServiceDefinition, answers: Mapping[str, Any], files: Mapping[str, Upload]
) -> str:
    fields = {name: str(answers.get(name, "")) for name in definition.form.get("properties", {})}
    digests = {}
    for name, upload in sorted(files.items()):
        upload.seek(0)
        digests[name] = hashlib.sha256(upload.read()).hexdigest()
        upload.seek(0)
    payload = json.dumps({"service": code, "answers": fields, "files": digests}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _require_profile(page: ApplyPage) -> Profile:
    if page.profile is None:
        raise NotFound("application.not_found")
    return page.profile


def _new_application(
    authority: Authority, service: Service, answers: dict[str, Any], fee_fils: int = 0
) -> Application:
    assert service.current_version is not None
    application = Application.objects.create(
        reference=uuid.uuid4().hex[:20],
        service=service,
        version=service.current_version,
        agency=service.agency,  # loaded with the service: the messages name it
        applicant=authority.actor,
        subject_civil_id=authority.subject,
        form_data=answers,
        fee_fils=fee_fils,
    )
    application.reference = f"{application.created_at.year}-{application.pk:07d}"
    application.save(update_fields=["reference"])
    return application


@dataclass(frozen=True)
class _PartySpec:
    role: str
    civil_id: str
    consent: str


def _parties(definition: ServiceDefinition, answers: dict[str, Any], subject: str) -> list[_PartySpec]:
    specs: list[_PartySpec] = []
    for party in definition.parties:
        if party.is_applicant:  # the subject in this role (e.g. the seller): filing is consent
            specs.append(_PartySpec(party.role, subject, Party.Consent.GIVEN))
            continue
        if party.civil_id_field is None:  # takes part outside Sahl
            continue
        civil_id = str(answers.get(party.civil_id_field, ""))
        if not civil_id:  # an optional party left out
            continue
        if civil_id == subject:
            raise FormInvalid({party.civil_id_field: _message("application.party_is_applicant")})
        if registers().profile(civil_id, today()) is None:
            raise FormInvalid({party.civil_id_field: _message("application.party_unknown")})
        consent = Party.Consent.PENDING if party.consent_required else Party.Consent.NOT_NEEDED
        specs.append(_PartySpec(party.role, civil_id, consent))
    return specs


def parties_for(application: Application, specs: list[_PartySpec]) -> list[Party]:
    now = timezone.now()
    return [
        Party(
            application=application,
            role=s.role,
            civil_id=s.civil_id,
            consent=s.consent,
            responded_at=now if s.consent == Party.Consent.GIVEN else None,
        )
        for s in specs
    ]


def _message(code: str, **params: object) -> BilingualText:
    from sahl.core.messages import both

    return BilingualText(**both(code, **params))


def _check_files(
    definition: ServiceDefinition, files: Mapping[str, Upload]
) -> dict[RequiredDocument, tuple[Upload, Any]]:
    """Every file checked by content and size before anything is stored."""
    checked: dict[RequiredDocument, tuple[Upload, Any]] = {}
    errors: dict[str, BilingualText] = {}
    for document in definition.required_documents:
        upload = files.get(document.code)
        if upload is None:
            if document.required:
                errors[document.code] = _required()
            continue
        try:
            checked[document] = (upload, _sniff(upload, document))
        except FileRefused as refused:
            errors[document.code] = _file_message(refused)
    if errors:
        raise FormInvalid(errors)
    return checked


def _required() -> BilingualText:
    from sahl.applications.rules import MESSAGES

    return MESSAGES["required"]


def _file_message(refused: SahlError) -> BilingualText:
    return _message(refused.code, **refused.params)


def _sniff(upload: Upload, document: RequiredDocument) -> Any:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return check_file(head, upload.size or 0, document)


def _store_attachment(
    application: Application,
    document: RequiredDocument | str,
    upload: Upload,
    kind: Any,
    user: User,
    request: InfoRequest | None = None,
) -> Attachment:
    upload.seek(0)
    content = upload.read()
    attachment = Attachment(
        application=application,
        document_code=document.code if isinstance(document, RequiredDocument) else document,
        content_type=kind.content_type,
        extension=kind.extension,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        info_request=request,
    )
    attachment.file.save("upload", ContentFile(content), save=False)
    attachment.save()
    return attachment


# --- Moving the case --------------------------------------------------------------------------


def record(
    application: Application,
    kind: str,
    actor: User | None,
    note: str = "",
    from_state: str = "",
    to_state: str = "",
    on_behalf_of: str | None = None,
) -> HistoryEvent:
    if on_behalf_of is None:  # the applicant filing for someone else acts for the subject
        acts_for = (
            actor and actor.pk == application.applicant_id and actor.civil_id != application.subject_civil_id
        )
        on_behalf_of = application.subject_civil_id if acts_for else ""
    return HistoryEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        on_behalf_of=on_behalf_of,
        from_state=from_state,
        to_state=to_state,
        note=note,
    )


# Each step of the state machine is announced as one event, its type by where it leads.
_EVENT_FOR_STATE: dict[State, type[ApplicationEvent]] = {
    State.SUBMITTED: ApplicationSubmitted,
    State.APPROVED: ApplicationDecided,
    State.REJECTED: ApplicationDecided,
    State.COMPLETED: ApplicationCompleted,
}


def transition(
    application: Application,
    target: State,
    actor: User | None,
    kind: str,
    note: str = "",
    also: tuple[str, ...] = (),
) -> None:
    """Move along the transition table (or raise IllegalTransition) and record it."""
    current = application.state
    check_transition(current, target)
    day = today()
    if target in CLOCK_PAUSED and application.paused_since is None:
        application.paused_since = day
    elif current in CLOCK_PAUSED and target not in CLOCK_PAUSED and application.paused_since:
        if application.due_on:
            paused = working_days_between(application.paused_since, day, kuwait_holidays())
            application.due_on = add_working_days(application.due_on, paused, kuwait_holidays())
        application.paused_since = None
    application.state = target
    application.save(update_fields=["state", "paused_since", "due_on", "updated_at", *also])
    step = record(application, kind, actor, note, current, target)
    announce(
        _EVENT_FOR_STATE.get(target, ApplicationMoved)(
            application_id=application.pk,
            reference=application.reference,
            history_id=step.pk,
            kind=kind,
            from_state=str(current),
            to_state=str(target),
        )
    )


def _route(
    application: Application,
    definition: ServiceDefinition,
    actor: User,
    waits_for_consent: bool | None = None,
) -> None:
    """After filing (and each consent): wait for parties, then for the fee, then process. A caller
    that has just written the parties says whether one must still consent (no need to ask again)."""
    if waits_for_consent is None:
        waits_for_consent = application.parties.filter(consent=Party.Consent.PENDING).exists()
    if waits_for_consent:
        return
    if application.fee_fils > 0:
        transition(application, State.AWAITING_PAYMENT, actor, Kind.PAYMENT_DUE)
        return
    _process(application, definition, actor)


def payment_received(application: Application) -> bool:
    """The fee was captured: carry on. False when the application ended meanwhile (refund it)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.state != State.AWAITING_PAYMENT:
        return locked.state not in (State.REJECTED, State.CANCELLED, State.WITHDRAWN)
    _process(locked, definition_for(locked), None, Kind.PAID)
    return True


def _process(
    application: Application,
    definition: ServiceDefinition,
    actor: User | None,
    kind: str = Kind.SENT_TO_AGENCY,
) -> None:
    """Decide at once (automatic), or send to the agency: the move to `in_review` is announced, and
    for `agency_api` services integrations delivers it to the agency's system when one is connected
    (else the back office's queue has it)."""
    if kind == Kind.PAID:
        record(application, Kind.PAID, None)
        kind = Kind.SENT_TO_AGENCY
    if definition.processing == "automatic":
        approve(application, None, "")
        return
    application.due_on = add_working_days(today(), definition.working_days, kuwait_holidays())
    application.save(update_fields=["due_on"])
    transition(application, State.IN_REVIEW, actor, kind)


def approve(application: Application, actor: User | None, reason: str) -> None:
    """Decide yes, issue the documents, update the registers, complete. One transaction."""
    definition = definition_for(application)
    transition(application, State.APPROVED, actor, Kind.APPROVED, reason)
    application.decided_at = timezone.now()
    application.save(update_fields=["decided_at"])
    Decision.objects.create(
        application=application, outcome=Decision.Outcome.APPROVED, reason=reason, decided_by=actor
    )
    for output in definition.outputs:
        holder = application.subject_civil_id
        if output.holder:
            holder = application.parties.get(role=output.holder).civil_id
        document = _issue(application, definition, output.document, output.valid_for, holder)
        record(application, Kind.DOCUMENT_ISSUED, actor, document.verification_code)
        announce(DocumentIssued(document_id=document.pk, application_id=application.pk))
    for name in definition.effects:
        order = Order(application.reference, application.subject_civil_id, application.form_data, today())
        change = effect(name).carry_out(order)
        record(application, Kind.REGISTER_UPDATED, actor, f"{change.ar} | {change.en}")
    transition(application, State.COMPLETED, actor, Kind.COMPLETED)


def reject(application: Application, actor: User | None, reason: str) -> None:
    if not reason.strip():
        raise BadInput("application.reason_required")
    transition(application, State.REJECTED, actor, Kind.REJECTED, reason.strip())
    application.decided_at = timezone.now()
    application.save(update_fields=["decided_at"])
    Decision.objects.create(
        application=application, outcome=Decision.Outcome.REJECTED, reason=reason.strip(), decided_by=actor
    )


def _issue(
    application: Application, definition: ServiceDefinition, document: str, valid_for: str | None, holder: str
) -> IssuedDocument:
    day = today()
    profile = registers().profile(holder, day)
    assert profile is not None
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    valid_until = _add_duration(day, valid_for) if valid_for else None
    pdf = render_pdf(
        PdfDocument(
            title=definition.name,
            agency=application.agency.name,
            reference=application.reference,
            verification_code=code,
            verify_url=f"{settings.SAHL_PUBLIC_URL}/verify/{code}",
            holder_name=profile.name,
            holder_civil_id=profile.civil_id,
            issued_on=day,
            valid_until=valid_until,
            fields=tuple(answer_rows(definition, application.form_data, profile)),
        )
    )
    issued = IssuedDocument(
        application=application,
        document=document,
        title_ar=definition.name.ar,
        title_en=definition.name.en,
        holder_civil_id=profile.civil_id,
        verification_code=code,
        issued_on=day,
        valid_until=valid_until,
    )
    issued.pdf.save(f"{application.reference}-{document}.pdf", ContentFile(pdf), save=False)
    issued.save()
    return issued


def answer_rows(
    definition: ServiceDefinition, answers: Mapping[str, Any], profile: Profile | None
) -> list[tuple[BilingualText, str]]:
    """The answers as a person reads them: titles in both languages, choices by their label."""
    rows = []
    for name, prop in definition.form.get("properties", {}).items():
        if name not in answers:
            continue
        value = answers[name]
        title = BilingualText.from_dict(prop["title"])
        if "x-enum-titles" in prop and str(value) in prop["x-enum-titles"]:
            label = BilingualText.from_dict(prop["x-enum-titles"][str(value)])
            text = f"{label.ar} / {label.en}"
        elif profile and prop.get("x-prefill") in profile.choices:
            labels = {c.value: c.label for c in profile.choices[prop["x-prefill"]]}
            text = labels[value].en if value in labels else str(value)
        elif isinstance(value, bool):
            text = "نعم / Yes" if value else "لا / No"
        else:
            text = str(value)
        rows.append((title, text))
    return rows


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


def _add_duration(day: dt.date, duration: str) -> dt.date:
    """`day` plus an ISO 8601 duration of years, months and days (validated when published)."""
    match = _DURATION.match(duration)
    assert match is not None
    years, months, days = (int(part or 0) for part in match.groups())
    return day + relativedelta(years=years, months=months, days=days)


# --- The person's other actions ---------------------------------------------------------------


def answer_consent(who: Who, reference: str, agree: bool) -> Application:
    asking = acting(who)
    user, on_behalf_of = asking.actor, "" if asking.is_self else asking.subject
    with transaction.atomic():
        application = application_for(who, reference)
        Application.objects.select_for_update().filter(pk=application.pk).first()
        application.refresh_from_db()  # the state as it is now that we hold the lock
        party = application.parties.filter(civil_id=asking.subject, consent=Party.Consent.PENDING).first()
        if party is None or application.state != State.SUBMITTED:
            raise NotFound("application.not_found")
        party.consent = Party.Consent.GIVEN if agree else Party.Consent.DECLINED
        party.responded_at = timezone.now()
        party.save(update_fields=["consent", "responded_at"])
        if agree:
            record(application, Kind.CONSENT_GIVEN, user, party.role, on_behalf_of=on_behalf_of)
            _route(application, definition_for(application), user)
        else:
            record(application, Kind.CONSENT_DECLINED, user, party.role, on_behalf_of=on_behalf_of)
            transition(application, State.CANCELLED, user, Kind.CANCELLED, party.role)
    return application


def withdraw(who: Who, reference: str, reason: str = "") -> Application:
    user = acting(who).actor
    with transaction.atomic():
        application = application_for(who, reference)
        if not speaks_for(who, application):
            raise NotFound("application.not_found")
        Application.objects.select_for_update().filter(pk=application.pk).first()
        application.refresh_from_db()
        transition(application, State.WITHDRAWN, user, Kind.WITHDRAWN, reason.strip())
    return application


def open_request(application: Application) -> InfoRequest | None:
    return application.info_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()


def respond(who: Who, reference: str, answer: str, upload: Upload | None) -> Application:
    """Answer the agency's request for information (a text, a document, or both)."""
    user = acting(who).actor
    with transaction.atomic():
        application = application_for(who, reference)
        if not speaks_for(who, application):
            raise NotFound("application.not_found")
        Application.objects.select_for_update().filter(pk=application.pk).first()
        application.refresh_from_db()
        request = open_request(application)
        if request is None or application.state != State.ACTION_NEEDED:
            raise BadInput("application.no_open_request")
        if not answer.strip() and upload is None:
            raise BadInput("application.answer_required")
        if upload is not None:
            definition = definition_for(application)
            document = next(
                (d for d in definition.required_documents if d.code == request.document_code),
                RequiredDocument(
                    request.document_code or "additional_document",
                    _message("document.not_found"),
                    ("pdf", "jpeg", "png"),
                    10,
                    True,
                ),
            )
            kind = _sniff(upload, document)
            _store_attachment(application, document, upload, kind, user, request)
        request.answer = answer.strip()
        request.answered_at = timezone.now()
        request.save(update_fields=["answer", "answered_at"])
        transition(application, State.IN_REVIEW, user, Kind.INFO_PROVIDED, answer.strip())
    return application


def file_too_large() -> BilingualText:
    return _file_message(FileRefused("file.too_large", limit=10))


def detail_context(who: Who, application: Application) -> dict[str, Any]:
    """Everything the person's page about one application shows."""
    subject = acting(who).subject
    definition = definition_for(application)
    parties = list(application.parties.all())
    is_applicant = speaks_for(who, application)
    # The register names the chosen records (a car by its make and plate) for the applicant only.
    profile = registers().profile(application.subject_civil_id, today()) if is_applicant else None
    return {
        "application": application,
        "definition": definition,
        "rows": answer_rows(definition, application.form_data, profile),
        "history": list(application.history.select_related("actor")),
        "parties": parties,
        "roles": {party.role: party.name for party in definition.parties},
        "my_consent": next(
            (p for p in parties if p.civil_id == subject and p.consent == Party.Consent.PENDING), None
        )
        if application.state == State.SUBMITTED
        else None,
        "open_request": open_request(application) if is_applicant else None,
        "documents": list(application.documents.filter(holder_civil_id=subject)),
        "attachments": list(application.attachments.all()) if is_applicant else [],
        "decision": getattr(application, "decision", None),
        "is_applicant": is_applicant,
        "can_withdraw": is_applicant and State.WITHDRAWN in TRANSITIONS[State(application.state)],
    }
