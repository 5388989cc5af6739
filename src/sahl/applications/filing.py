"""Filing an application: a draft kept between visits, and the submission, which in one
transaction checks eligibility, the answers, the effects they ask for, the parties and the files,
writes the application with its first history step, and routes it (consent, fee, agency).

A submission carries an Idempotency-Key: the same key with the same request gives the same
application (`sahl.idempotency`, one mechanism with the agency API)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from sahl.applications import cards, clock, pages
from sahl.applications.deciding import route
from sahl.applications.models import Application, Attachment, InfoRequest, Party
from sahl.applications.moving import Kind, record, save, together, transition
from sahl.applications.reading import ApplyPage, Who, apply_page
from sahl.applications.rules import MESSAGES, FileKind, FileRefused, FormInvalid, check_file, clean_form
from sahl.applications.states import State
from sahl.catalogue.definition import RequiredDocument, ServiceDefinition
from sahl.catalogue.models import Service
from sahl.catalogue.rules import fee_for
from sahl.core.bilingual import BilingualText
from sahl.core.compiled import CompiledRead
from sahl.core.effects import effect
from sahl.core.errors import Conflict, NotFound, SahlError
from sahl.core.languages import Wording
from sahl.idempotency import services as idempotency
from sahl.idempotency.services import IdempotencyConflict
from sahl.identity.models import User
from sahl.mandates.services import Authority
from sahl.registry.adapters import Profile, registers
from sahl.registry.facts import CHOICE_KEYS

Upload = UploadedFile  # a file as it arrives in a request

OPEN_STATES = (State.SUBMITTED, State.AWAITING_PAYMENT, State.IN_REVIEW, State.ACTION_NEEDED)


def save_draft(
    who: Who, code: str, answers: Mapping[str, Any], *, page: ApplyPage | None = None
) -> Application:
    page = page or apply_page(who, code)
    if not page.verdict.eligible:
        raise page.verdict.error()
    user = page.acting.actor
    profile = _require_profile(page)
    clean = clean_form(page.definition.form, answers, profile, partial=True)
    facts = pages.facts(page.definition, clean, profile, {})  # its page names the chosen records
    with transaction.atomic():
        draft = page.draft
        if draft is None:
            draft = _new_application(page.acting, page.service, clean, facts=facts)
            record(draft, Kind.CREATED, user)
            cards.keep(draft.pk)  # a draft is listed too; no event announces one (nobody else cares)
        else:
            draft.form_data, draft.register_facts = clean, facts
            draft.save(update_fields=["form_data", "register_facts", "updated_at"])
            record(draft, Kind.SAVED, user)
    return draft


def submit(
    who: Who,
    code: str,
    answers: Mapping[str, Any],
    files: Mapping[str, Upload],
    idempotency_key: str,
    *,
    page: ApplyPage | None = None,
) -> Application:
    """File an application. The same key with the same request gives the same application; keys
    are the acting person's own (`sahl.idempotency`, one mechanism with the agency API). `page`:
    the apply page the caller read for this request already."""
    idempotency.check_key(idempotency_key)
    page = page or apply_page(who, code)
    if page.verdict.status == 403:  # not for this mandate (recorded), even for a key used before
        raise page.verdict.error()
    user, subject = page.acting.actor, page.acting.subject
    request_hash = _fingerprint(f"{code} for {subject}", page.definition, answers, files)
    filed: list[Application] = []
    # The registers' names of the people on it, read before the transaction (ADR 0043).
    names = pages.names_on(page.definition, answers, subject, page.profile) if page.verdict.eligible else {}

    def work() -> tuple[int, dict[str, Any]]:
        if not page.verdict.eligible:  # the answer the service page gave (applications.eligibility)
            raise page.verdict.error()
        profile = _require_profile(page)
        clean = clean_form(page.definition.form, answers, profile)
        _check_effects(page.definition, clean)
        _refuse_a_second_open_application(page, clean, subject)
        parties = _parties(page.definition, clean, subject)
        checked = _check_files(page.definition, files, clean)
        fee, exemption = fee_for(page.definition, profile.facts)
        # Written at the block's end in a fixed number of statements whatever the steps (ADR 0047):
        # one update of the application, one insert of its history, the events announced together.
        with together():
            application = page.draft
            if application is None:
                application = _new_application(page.acting, page.service, clean, fee.fils)
            else:
                version = page.service.current_version
                assert version is not None  # apply_page found the service published
                application.form_data = clean
                application.version = version
                application.fee_fils = fee.fils
                save(application, "form_data", "version", "fee_fils")
            application.submitted_at = timezone.now()
            application.register_facts = pages.facts(page.definition, clean, profile, names)
            note = exemption.en if exemption else ""
            # The parties before the step: its listeners (the parties' cards, ADR 0042) read them.
            Party.objects.bulk_create(parties_for(application, parties))
            # The files too: the step's listeners write the application's page (ADR 0043).
            for document, (upload, kind_) in checked.items():
                store_attachment(application, document, upload, kind_, user)
            transition(
                application,
                State.SUBMITTED,
                user,
                Kind.SUBMITTED,
                note,
                also=("submitted_at", "register_facts"),
            )
            route(
                application,
                page.definition,
                user,
                waits_for_consent=any(p.consent == Party.Consent.PENDING for p in parties),
            )
        filed.append(application)
        return 201, {"reference": application.reference}

    answer = idempotency.once(idempotency.person(user.pk), idempotency_key, request_hash, work)
    return filed[0] if filed else _replay(answer)


def filed_before(
    code: str,
    answers: Mapping[str, Any],
    files: Mapping[str, Upload],
    idempotency_key: str,
    *,
    page: ApplyPage,
) -> Application | None:
    """The application this very request filed before, under its key, when the person may no longer
    file it (a free renewal completes at once, and its car is then too early to renew): a repeated
    submission is answered as the first was, whatever changed since. None when the key is new."""
    if not idempotency_key or len(idempotency_key) > idempotency.KEY_LENGTH:
        return None
    request_hash = _fingerprint(f"{code} for {page.acting.subject}", page.definition, answers, files)
    answer = idempotency.answered(idempotency.person(page.acting.actor.pk), idempotency_key, request_hash)
    return _replay(answer) if answer is not None else None


def _check_effects(definition: ServiceDefinition, answers: dict[str, Any]) -> None:
    """Answers that an effect could not carry out are refused at filing, not at approval."""
    for name in definition.effects:
        check = effect(name).check
        refusal = check(answers, clock.today()) if check else None
        if refusal is not None:
            raise FormInvalid({refusal.field: bilingual(refusal.code)})


def _refuse_a_second_open_application(page: ApplyPage, answers: dict[str, Any], subject: str) -> None:
    """One open application per service and per chosen records (a car cannot be sold twice; a
    company renews each worker's permit once, however many of its workers it renews)."""
    chosen = {
        name: answers[name]
        for name, prop in page.definition.form.get("properties", {}).items()
        if prop.get("x-prefill") in CHOICE_KEYS and name in answers
    }
    if not chosen:
        return
    # A draft is not open (OPEN_STATES), so the one being filed never clashes with itself.
    names = tuple(chosen)
    found = _open_with(names).rows(page.service.pk, subject, *(str(chosen[n]) for n in names))
    if found:
        raise Conflict("application.already_open", reference=found[0][0])


def _open_with(names: tuple[str, ...]) -> CompiledRead:
    """The read of an open application of a service and subject with these chosen records (their
    keys' text in the answers: plates, civil IDs, numbers), compiled once per set of keys (a few,
    from the services' forms): compiled anew on each call, it was 1 ms of a renewal's 12."""
    read = _OPEN.get(names)
    if read is None:

        def build(service_id: int, subject: str, *values: str) -> QuerySet[Application, tuple[Any, ...]]:
            # As text: a key's own lookup compares JSON on SQLite (its value would be JSON-encoded).
            keys = {
                f"chosen_{i}": Cast(KeyTextTransform(name, "form_data"), TextField())
                for i, name in enumerate(names)
            }
            return (
                Application.objects.filter(
                    service_id=service_id, subject_civil_id=subject, state__in=OPEN_STATES
                )
                .alias(**keys)
                .filter(**{f"chosen_{i}": value for i, value in enumerate(values)})
                .values_list("reference")[:1]
            )

        read = _OPEN[names] = CompiledRead(Application, build, 2 + len(names), numbers=(0,))
    return read


_OPEN: dict[tuple[str, ...], CompiledRead] = {}


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
    authority: Authority,
    service: Service,
    answers: dict[str, Any],
    fee_fils: int = 0,
    facts: dict[str, Any] | None = None,
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
        register_facts=facts or {},
    )
    application.reference = f"{application.created_at.year}-{application.pk:07d}"
    save(application, "reference")  # with the first step's update inside together()
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
            raise FormInvalid({party.civil_id_field: bilingual("application.party_is_applicant")})
        if registers().profile(civil_id, clock.today()) is None:
            raise FormInvalid({party.civil_id_field: bilingual("application.party_unknown")})
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


def bilingual(code: str, **params: object) -> BilingualText:
    from sahl.core.messages import both

    return BilingualText(**both(code, **params))


def _check_files(
    definition: ServiceDefinition, files: Mapping[str, Upload], answers: Mapping[str, Any]
) -> dict[RequiredDocument, tuple[Upload, FileKind]]:
    """Every file checked by content and size before anything is stored; a document the answers
    ask for (the proof of a bank transfer) is required like one always required."""
    checked: dict[RequiredDocument, tuple[Upload, FileKind]] = {}
    errors: dict[str, Wording] = {}
    for document in definition.required_documents:
        upload = files.get(document.code)
        if upload is None:
            if document.required:
                errors[document.code] = _required()
            elif (chosen := document.required_by(answers)) is not None:
                errors[document.code] = _required_by(document, chosen)
            continue
        try:
            checked[document] = (upload, sniff(upload, document))
        except FileRefused as refused:
            errors[document.code] = _file_message(refused)
    if errors:
        raise FormInvalid(errors)
    return checked


def _required() -> Wording:
    return MESSAGES["required"]


def _required_by(document: RequiredDocument, chosen: str) -> BilingualText:
    """Why an optional document is needed this time: the person's own answer asks for it."""
    when = document.required_when
    assert when is not None
    return bilingual("application.document_required_by", choice=when.title_of(chosen), field=when.field_title)


def _file_message(refused: SahlError) -> BilingualText:
    return bilingual(refused.code, **refused.params)


def file_too_large() -> BilingualText:
    return _file_message(FileRefused("file.too_large", limit=10))


def sniff(upload: Upload, document: RequiredDocument) -> FileKind:
    """What the file is by its first bytes and its size, or FileRefused."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return check_file(head, upload.size or 0, document)


def store_attachment(
    application: Application,
    document: RequiredDocument | str,
    upload: Upload,
    kind: FileKind,
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
