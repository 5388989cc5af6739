"""Reading applications: what a person may see of their cases (and of those they act for or take
part in), the apply page with its prefilled data, issued documents and their public check.

Who may see what is decided here once (`_visible`); every other use case finds its application
through `application_for`, so an application the asker may not see does not exist for them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from sahl.applications import clock, eligibility
from sahl.applications.eligibility import Verdict
from sahl.applications.handover import Handover, handover_for
from sahl.applications.models import (
    Application,
    ApplicationCard,
    ApplicationPage,
    Attachment,
    Decision,
    HistoryEvent,
    InfoRequest,
    IssuedDocument,
    Party,
)
from sahl.applications.states import CATEGORY, TRANSITIONS, Category, State
from sahl.applications.viewpoint import Viewpoint, viewpoint
from sahl.catalogue.definition import ServiceDefinition
from sahl.catalogue.models import Agency, Service, ServiceVersion
from sahl.catalogue.services import definition_of, service_to_file
from sahl.core.bilingual import BilingualText, as_typed, isolate
from sahl.core.compiled import CompiledRead, all_columns
from sahl.core.errors import BadInput, Forbidden, NotFound
from sahl.core.languages import Wording
from sahl.core.unsaved import unsaved
from sahl.identity.models import User
from sahl.mandates import services as mandates
from sahl.mandates.rules import Action
from sahl.mandates.services import Authority
from sahl.outbox import services as outbox
from sahl.registry.adapters import Profile, registers
from sahl.registry.companies import CompanyDetails

# Who is asking: a person for themselves (a User), or a person acting for someone else (the
# Authority that `mandates.authorize` gave). Every use case answers for the subject.
Who = User | Authority


def acting(who: Who) -> Authority:
    return who if isinstance(who, Authority) else mandates.oneself(who)


@dataclass(frozen=True)
class ApplyPage:
    service: Service
    definition: ServiceDefinition
    profile: Profile | None  # the subject's: the person applied for
    verdict: Verdict  # the one answer the service page and the API give too (applications.eligibility)
    draft: Application | None
    acting: Authority


def apply_page(who: Who, code: str) -> ApplyPage:
    """The form, with the verdict. A mandate that does not reach the service is refused through
    `authorize` (the attempt is recorded) with the reason the service page gave before."""
    service = service_to_file(code)
    assert service.current_version is not None
    asking = acting(who)
    definition = definition_of(service.current_version)
    try:
        authority = mandates.authorize(asking.actor, asking.subject, service, Action.APPLY)
    except Forbidden as refused:
        return ApplyPage(service, definition, None, eligibility.refusal(refused), None, asking)
    found, profile = eligibility.verdict_and_profile(authority, service, definition, clock.today())
    if not found.eligible:
        return ApplyPage(service, definition, None, found, None, authority)
    drafts = _DRAFT.instances(authority.actor.pk, authority.subject, service.pk)
    return ApplyPage(service, definition, profile, found, drafts[0] if drafts else None, authority)


def _draft(actor_id: int, subject: str, service_id: int) -> QuerySet[Application, tuple[Any, ...]]:
    return (
        Application.objects.filter(
            applicant_id=actor_id, subject_civil_id=subject, service_id=service_id, state=State.DRAFT
        )
        .order_by("-updated_at")
        .values_list(*all_columns(Application))[:1]
    )


_DRAFT = CompiledRead(Application, _draft, 3, numbers=(0, 2))  # read by every form and submission


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
    if authority.limited:
        found = found.filter(mandates.reach(authority, "service__category__code"))
    return found.select_related("service", "agency")


def _mine(who: Who) -> QuerySet[ApplicationCard]:
    """The cards of the person's applications (or of the one they act for: the subject's, and
    those where the subject is a party), newest first: the query that pages cut by keyset, one read
    of the cards' index with the authorisation in its key (the subject's civil ID, and for an
    attorney the categories the power reaches). tests/integration/test_explain.py checks its plan."""
    return _cards(_listing(who))


def _listing(who: Who) -> Authority:
    """Whose applications the asker lists, and how far their power reaches (the use recorded)."""
    asking = acting(who)
    authority = asking
    if not asking.is_self:
        authority = mandates.authorize(asking.actor, asking.subject, None, Action.VIEW)
    mandates.record_use(asking, "applications")
    return authority


def _cards(authority: Authority) -> QuerySet[ApplicationCard]:
    found = _cards_of(authority.subject)
    if authority.limited:
        found = found.filter(mandates.reach(authority, "service_category"))
    return found


def _cards_of(civil_id: str) -> QuerySet[ApplicationCard]:
    """Every card of a civil ID, newest first (the index `cards_of_viewer`, in its order)."""
    return ApplicationCard.objects.filter(civil_id=civil_id).order_by("-created_at", "-application_id")


@dataclass(frozen=True, slots=True)
class Card:
    """A line of the list, as a card holds it (ADR 0042): what the page and the API show."""

    application_id: int
    reference: str
    created_at: dt.datetime
    state: str
    submitted_at: dt.datetime | None
    due_on: dt.date | None
    service_code: str
    service_name_ar: str
    service_name_en: str

    @property
    def category(self) -> Category:
        return CATEGORY[State(self.state)]


CARD_FIELDS = tuple(f.name for f in fields(Card))


@dataclass(frozen=True)
class ApplicationsPage:
    applications: list[Card]  # the cards (ADR 0042): what the list shows, nothing more
    older: str  # the cursor of the next page ("" on the last one)


def applications_page(who: Who, before: str = "", size: int = 50) -> ApplicationsPage:
    """A page of the person's applications, newest first, by keyset: `before` is the cursor a
    previous page gave, so a deep page costs what the first one does (no OFFSET over thousands of
    a company's rows). The first page of one's own (or a whole power's) is a read compiled once."""
    authority = _listing(who)
    if not before and not authority.limited:
        rows = _first_cards(size + 1).rows(authority.subject)
    else:
        found = _cards(authority)
        if before:
            moment, pk = parse_cursor(before)
            # The `<=` bounds the index range (the OR alone would be a filter over all their cards).
            found = found.filter(created_at__lte=moment).filter(
                Q(created_at__lt=moment) | Q(created_at=moment, application_id__lt=pk)
            )
        rows = list(found.values_list(*CARD_FIELDS)[: size + 1])
    cards = [Card(*row) for row in rows]
    last = cards[size - 1] if len(cards) > size else None
    older = f"{last.created_at.isoformat()}~{last.application_id}" if last else ""
    return ApplicationsPage(cards[:size], older)


_FIRST_CARDS: dict[int, CompiledRead] = {}


def _first_cards(count: int) -> CompiledRead:
    """The newest `count` cards of a civil ID (a LIMIT is part of the SQL: one read per page size)."""
    found = _FIRST_CARDS.get(count)
    if found is None:
        found = _FIRST_CARDS[count] = CompiledRead(
            ApplicationCard,
            lambda civil_id: _cards_of(civil_id).values_list(*CARD_FIELDS)[:count],
            slots=1,
        )
    return found


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


# Documents that certify a company's record, by the answer naming the company: their verification
# page shows the company as the commercial register has it, never its owners.
COMPANY_DOCUMENTS = {"commercial_licence": "company"}


def certified_company(document: IssuedDocument) -> CompanyDetails | None:
    """The company a company document certifies (None for any other document)."""
    answer = COMPANY_DOCUMENTS.get(document.document)
    if answer is None:
        return None
    named = document.application.form_data.get(answer)
    return registers().company(named if isinstance(named, str) and named else document.holder_civil_id)


def open_request(application: Application) -> InfoRequest | None:
    return application.info_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()


YES, NO = _("Yes"), _("No")
# A value typed into a form that is one code (a plate, a civil ID, a date): no space, a digit.
_CODE = re.compile(r"(?=\D*\d)\S+")


def answer_rows(
    definition: ServiceDefinition,
    answers: Mapping[str, Any],
    profile: Profile | None,
    labels: Mapping[str, Any] | None = None,
) -> list[tuple[BilingualText, Wording]]:
    """The answers as a person reads them: each title and value in both languages for the reader's
    to pick one (choices by their label, the person's records as the register names them), codes
    and typed text isolated (`core.bilingual.isolate`, `as_typed`). `labels`: the records' labels
    kept when it was filed (`pages.facts`), instead of the profile."""
    rows: list[tuple[BilingualText, Wording]] = []
    for name, prop in definition.form.get("properties", {}).items():
        if name not in answers:
            continue
        value = answers[name]
        title = BilingualText.from_dict(prop["title"])
        text: Wording
        if "x-enum-titles" in prop and str(value) in prop["x-enum-titles"]:
            text = BilingualText.from_dict(prop["x-enum-titles"][str(value)])
        elif labels is not None and name in labels:
            kept = labels[name]
            text = BilingualText(kept["ar"], kept["en"]) if kept else isolate(str(value))
        elif profile and prop.get("x-prefill") in profile.choices:
            labels = {c.value: c.label for c in profile.choices[prop["x-prefill"]]}
            text = labels.get(value) or isolate(str(value))
        elif isinstance(value, bool):
            text = YES if value else NO
        elif _CODE.fullmatch(str(value)):
            text = isolate(str(value))
        else:
            text = as_typed(str(value))
        rows.append((title, text))
    return rows


@dataclass(frozen=True)
class ApplicationDetail:
    """Everything the person's page (and the API) shows about one application."""

    application: Application
    definition: ServiceDefinition
    rows: list[tuple[BilingualText, Wording]]  # the answers, as `answer_rows` gives them
    history: list[HistoryEvent]
    parties: list[Party]
    roles: dict[str, BilingualText]  # each party role's name
    my_consent: Party | None  # the asker's own consent, while the application waits for it
    open_request: InfoRequest | None  # the agency's open request, for the applicant only
    documents: list[IssuedDocument]  # those issued to the asker
    attachments: list[Attachment]  # the applicant's files, for the applicant only
    decision: Decision | None
    is_applicant: bool  # the asker is the subject or acts for them, not merely a party
    can_withdraw: bool
    view: Viewpoint  # the asker's own point of view: the others by name, whose turn, what next
    names: Mapping[str, BilingualText]  # the register's names of the others on it, by civil ID
    handover: Handover | None  # how the approved result reaches the asker (kiosk or courier)
    # Its delivery to the agency's system ({"state", "reference"}), when asked for and sent there.
    delivery: Mapping[str, Any] | None = None

    @property
    def sent_to_agency(self) -> bool:
        """Whether it went to the agency (only then may its system have been sent it)."""
        return went_to_agency(self.history)


def went_to_agency(history: Iterable[HistoryEvent]) -> bool:
    return any(e.kind == HistoryEvent.Kind.SENT_TO_AGENCY for e in history)


def application_detail(who: Who, reference: str, *, with_delivery: bool = False) -> ApplicationDetail:
    """One application as the asker may see it (NotFound as `application_for`): one read of its
    prepared page (ADR 0043), by its reference, with who may see it in the row, and with its
    delivery to the agency's system if asked (the person's page shows it). An application whose page
    was never prepared (loaded in bulk, not yet rebuilt) is read from its rows."""
    asking = acting(who)
    authority = asking
    if not asking.is_self:
        authority = mandates.authorize(asking.actor, asking.subject, None, Action.VIEW)
    found = (_PAGE_AND_DELIVERY if with_delivery else _PAGE).rows(reference)
    if not found:
        return _detail_from_rows(who, reference, with_delivery)
    application_id, viewers, category, content, *delivery = found[0]
    if authority.subject not in viewers or not authority.reaches(category):
        raise NotFound("application.not_found")
    mandates.record_use(asking, "application", reference=reference, agency_id=content["agency"]["id"])
    return prepared_detail(application_id, content, authority.subject, delivery[0] if delivery else None)


# The prepared page by its unique reference, the read of every application page and API answer.
_PAGE = CompiledRead(
    ApplicationPage,
    lambda reference: ApplicationPage.objects.filter(reference=reference).values_list(
        "application_id", "viewers", "category", "content"
    ),
    slots=1,
)
# The same with the newest delivery to the agency's system (outbox), read in the same round trip.
_PAGE_AND_DELIVERY = CompiledRead(
    ApplicationPage,
    lambda reference: (
        ApplicationPage.objects.filter(reference=reference)
        .annotate(
            delivery=outbox.latest_answer(Concat(Value("application:"), OuterRef("reference")), "agency")
        )
        .values_list("application_id", "viewers", "category", "content", "delivery")
    ),
    slots=1,
)


_DEFINITIONS: dict[int, ServiceDefinition] = {}


def _definition(version_id: int) -> ServiceDefinition:
    """The definition of a published version by its id, kept (a version never changes)."""
    found = _DEFINITIONS.get(version_id)
    if found is None:
        found = _DEFINITIONS[version_id] = definition_of(ServiceVersion.objects.get(pk=version_id))
    return found


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _moment(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _both(found: Mapping[str, str] | None) -> BilingualText | None:
    return BilingualText(found["ar"], found["en"]) if found else None


def prepared_detail(
    application_id: int, c: Mapping[str, Any], subject: str, delivery: Mapping[str, Any] | None = None
) -> ApplicationDetail:
    """The detail as `subject` sees it, from the prepared page's content (no query, but for the
    names of the others on an application filed before names were kept): the rows come back as
    unsaved model objects, so the page, the API and the viewpoint read them as before."""
    application = unsaved(
        Application,
        pk=application_id,
        reference=c["reference"],
        service=unsaved(Service, pk=c["service"]["id"], code=c["service"]["code"], **_named(c["service"])),
        version=unsaved(ServiceVersion, pk=c["version"]["id"], number=c["version"]["number"]),
        agency=unsaved(Agency, pk=c["agency"]["id"], **_named(c["agency"])),
        applicant_id=c["applicant_id"],
        subject_civil_id=c["subject"],
        state=c["state"],
        form_data=c["form_data"],
        fee_fils=c["fee_fils"],
        created_at=dt.datetime.fromisoformat(c["created_at"]),
        submitted_at=_moment(c["submitted_at"]),
        decided_at=_moment(c["decided_at"]),
        due_on=_date(c["due_on"]),
        paused_since=_date(c["paused_since"]),
    )
    definition = _definition(c["version"]["id"])
    parties = [
        unsaved(Party, role=p["role"], civil_id=p["civil_id"], consent=p["consent"]) for p in c["parties"]
    ]
    is_applicant = application.subject_civil_id == subject
    history = [
        unsaved(
            HistoryEvent,
            at=dt.datetime.fromisoformat(e["at"]),
            kind=e["kind"],
            note=e["note"],
            on_behalf_of=e["on_behalf_of"],
            actor=unsaved(User, name_ar=e["actor"]["ar"], name_en=e["actor"]["en"]) if e["actor"] else None,
        )
        for e in c["history"]
    ]
    others = ({p.civil_id for p in parties} | {application.subject_civil_id}) - {subject}
    names = {cid: BilingualText(n["ar"], n["en"]) for cid, n in c["names"].items() if cid in others}
    if missing := others - names.keys():  # filed before names were kept, or loaded in bulk: one read
        names |= registers().names(missing)
    request, decision, handover = c["open_request"], c["decision"], c["handover"]
    return ApplicationDetail(
        application=application,
        definition=definition,
        rows=answer_rows(definition, application.form_data, None, c["labels"] if is_applicant else None),
        history=history,
        parties=parties,
        roles={party.role: party.name for party in definition.parties},
        my_consent=next(
            (p for p in parties if p.civil_id == subject and p.consent == Party.Consent.PENDING), None
        )
        if application.state == State.SUBMITTED
        else None,
        open_request=unsaved(
            InfoRequest,
            message=request["message"],
            document_code=request["document_code"],
            requested_at=dt.datetime.fromisoformat(request["requested_at"]),
        )
        if request and is_applicant
        else None,
        documents=[
            unsaved(
                IssuedDocument,
                pk=d["id"],
                document=d["document"],
                title_ar=d["title"]["ar"],
                title_en=d["title"]["en"],
                holder_civil_id=d["holder"],
                verification_code=d["verification_code"],
                issued_on=dt.date.fromisoformat(d["issued_on"]),
                valid_until=_date(d["valid_until"]),
                pdf=d.get("pdf", ""),  # its file's name; "" while being rendered (ADR 0045)
            )
            for d in c["documents"]
            if d["holder"] == subject
        ],
        attachments=[
            unsaved(Attachment, pk=a["id"], document_code=a["document_code"], extension=a["extension"])
            for a in c["attachments"]
        ]
        if is_applicant
        else [],
        decision=unsaved(
            Decision,
            outcome=decision["outcome"],
            reason=decision["reason"],
            decided_at=dt.datetime.fromisoformat(decision["decided_at"]),
        )
        if decision
        else None,
        is_applicant=is_applicant,
        can_withdraw=is_applicant and State.WITHDRAWN in TRANSITIONS[State(application.state)],
        view=viewpoint(application, definition, parties, names, subject, is_applicant, history),
        names=names,
        handover=Handover(
            handover["kind"],
            dt.date.fromisoformat(handover["on"]),
            handover["working_days"],
            place=_both(handover["place"]),
            governorate=_both(handover["governorate"]),
            address=_both(handover["address"]),
        )
        if handover and is_applicant
        else None,
        delivery=delivery,
    )


def _named(part: Mapping[str, Any]) -> dict[str, str]:
    return {"name_ar": part["name"]["ar"], "name_en": part["name"]["en"]}


def _detail_from_rows(who: Who, reference: str, with_delivery: bool = False) -> ApplicationDetail:
    """The detail read from the application's own rows and the registers (the path before ADR 0043)."""
    application = application_for(who, reference)
    subject = acting(who).subject
    definition = definition_for(application)
    parties = list(application.parties.all())
    is_applicant = speaks_for(who, application)
    # The register names the chosen records (a car by its make and plate) for the applicant only.
    profile = registers().profile(application.subject_civil_id, clock.today()) if is_applicant else None
    waiting = application.state == State.SUBMITTED
    history = list(application.history.select_related("actor"))
    # The others on it by name (one read of the register, none when the asker is alone on it).
    others = {p.civil_id for p in parties} | {application.subject_civil_id}
    names = registers().names(others - {subject}) if others - {subject} else {}
    return ApplicationDetail(
        application=application,
        definition=definition,
        rows=answer_rows(definition, application.form_data, profile),
        history=history,
        parties=parties,
        roles={party.role: party.name for party in definition.parties},
        my_consent=next(
            (p for p in parties if p.civil_id == subject and p.consent == Party.Consent.PENDING), None
        )
        if waiting
        else None,
        open_request=open_request(application) if is_applicant else None,
        documents=list(application.documents.filter(holder_civil_id=subject)),
        attachments=list(application.attachments.all()) if is_applicant else [],
        decision=getattr(application, "decision", None),
        is_applicant=is_applicant,
        can_withdraw=is_applicant and State.WITHDRAWN in TRANSITIONS[State(application.state)],
        view=viewpoint(application, definition, parties, names, subject, is_applicant, history),
        names=names,
        handover=handover_for(application, definition, profile) if is_applicant else None,
        delivery=outbox.answered(outbox.latest(f"application:{reference}", "agency"))
        if with_delivery and went_to_agency(history)
        else None,  # only an application sent to the agency can have been delivered to its system
    )
