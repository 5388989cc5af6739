"""Publishing a service through review (ADR 0061): an agency's administrator writes a new definition
of one of its services in the browser, checked by the validator the loading command uses; an
operator publishes it as the service's next version, through the same code path as the files, or
returns it with a reason. Who may do which is decided by the pages above (backoffice, operators)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _  # marked here, translated where shown

from sahl.catalogue import services
from sahl.catalogue.definition import DefinitionError, DefinitionErrors, ServiceDefinition, digest_of
from sahl.catalogue.files import DEFINITIONS, next_steps_exist, read_definition
from sahl.catalogue.models import Agency, Category, Service, ServiceDraft, ServiceVersion
from sahl.core import yaml_text
from sahl.core.errors import BadInput, Conflict, NotFound
from sahl.events.services import announce
from sahl.events.types import ServiceDraftDecided

MAX_TEXT = 100_000  # characters: the longest definition in the catalogue is under 15,000
MAX_REASON = 1000


def published_text(service: Service) -> str:
    """The YAML of the service's current version, as its author wrote it: the reviewed draft it came
    from, or its file when the file still holds that version (comments kept), else made again."""
    version = service.current_version
    if version is None:
        return ""
    draft = ServiceDraft.objects.filter(version=version).only("text").first()
    if draft is not None:
        return draft.text
    path = DEFINITIONS / version.source
    if path.is_file() and path.resolve().is_relative_to(DEFINITIONS):
        text = path.read_text(encoding="utf-8")
        try:
            if digest_of(yaml_text.load(text)) == version.digest:
                return text
        except (yaml.YAMLError, TypeError, ValueError):
            pass
    return yaml.safe_dump(version.definition, allow_unicode=True, sort_keys=False, width=100)


def problems_in(service: Service, text: str) -> list[DefinitionError]:
    """Every problem of `text` as a definition of `service` (none: it can be published)."""
    try:
        parse(service, text)
    except DefinitionError as found:
        return found.problems
    return []


def parse(service: Service, text: str) -> ServiceDefinition:
    """`text` checked as the loading command checks a file of this service's folder and name, and
    against the catalogue as it is (a refusal's next service must exist): DefinitionErrors else."""
    source = services.source_of(service.code)
    if len(text) > MAX_TEXT:
        raise DefinitionErrors(
            [
                DefinitionError(
                    source, "(file)", _("is longer than %(max)s characters"), service.code, max=MAX_TEXT
                )
            ]
        )
    agency, slug = service.code.split(".", 1)
    definition = read_definition(
        text,
        source,
        set(Agency.objects.values_list("code", flat=True)),
        set(Category.objects.values_list("code", flat=True)),
        folder=agency,
        slug=slug,
    )
    existing = set(Service.objects.filter(is_active=True).values_list("code", flat=True))
    named = {r.refusal.service for r in definition.eligibility if r.refusal and r.refusal.service}
    if not named <= existing | {definition.code}:
        next_steps_exist([definition])  # tells which, in the validator's words
    return definition


def open_draft(service: Service) -> ServiceDraft | None:
    """The service's draft being written or waiting in the queue, if there is one."""
    return (
        ServiceDraft.objects.filter(
            service=service, state__in=[ServiceDraft.State.DRAFT, ServiceDraft.State.SUBMITTED]
        )
        .select_related("author")
        .first()
    )


def latest_decided(service: Service) -> ServiceDraft | None:
    """The last draft an operator decided on (to show the agency a returned draft's reason)."""
    return (
        ServiceDraft.objects.filter(
            service=service, state__in=[ServiceDraft.State.PUBLISHED, ServiceDraft.State.RETURNED]
        )
        .order_by("-decided_at")
        .first()
    )


def save(service: Service, author_id: int, text: str, *, submit: bool) -> ServiceDraft:
    """Keep the text as the service's open draft; with `submit`, checked first and put in the
    publishing queue. A draft already waiting is not changed (the operator reviews what they see)."""
    text = text.replace("\r\n", "\n")
    if len(text) > MAX_TEXT:
        raise BadInput("publishing.too_long")
    if "\x00" in text:  # never valid YAML, and PostgreSQL refuses it in text
        raise BadInput("publishing.invalid")
    if submit:
        if problems_in(service, text):
            raise BadInput("publishing.invalid")
        if service.current_version and parse(service, text).digest == service.current_version.digest:
            raise BadInput("publishing.unchanged")
    with transaction.atomic():
        Service.objects.select_for_update().filter(pk=service.pk).first()  # one writer a service
        draft = open_draft(service)
        if draft is not None and draft.state == ServiceDraft.State.SUBMITTED:
            raise Conflict("publishing.waiting")
        if draft is None:
            assert service.current_version is not None
            draft = ServiceDraft(service=service, based_on=service.current_version)
        draft.text, draft.author_id = text, author_id
        if submit:
            draft.state, draft.submitted_at = ServiceDraft.State.SUBMITTED, timezone.now()
        draft.save()
    return draft


def queue() -> list[ServiceDraft]:
    """The drafts waiting to be published, the oldest first."""
    return list(
        ServiceDraft.objects.filter(state=ServiceDraft.State.SUBMITTED)
        .select_related("service__agency", "author")
        .order_by("submitted_at", "pk")
    )


def waiting_count() -> int:
    """How many drafts wait in the queue (the operators' home; read by the (state, ...) index)."""
    return ServiceDraft.objects.filter(state=ServiceDraft.State.SUBMITTED).count()


def waiting(draft_id: int) -> ServiceDraft:
    draft = (
        ServiceDraft.objects.filter(pk=draft_id, state=ServiceDraft.State.SUBMITTED)
        .select_related("service__agency", "service__current_version", "author")
        .first()
    )
    if draft is None:
        raise NotFound("page.not_found")
    return draft


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "added", "removed", "same" or "gap" (unchanged lines left out)
    text: str


def diff(draft: ServiceDraft) -> list[DiffLine]:
    """The draft against the service's current version, line by line, with three lines around each
    change."""
    before = published_text(draft.service).splitlines()
    lines = []
    for line in difflib.unified_diff(before, draft.text.splitlines(), lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            lines.append(DiffLine("gap", "…"))
        elif line.startswith("+"):
            lines.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("removed", line[1:]))
        else:
            lines.append(DiffLine("same", line[1:]))
    return lines


def publish(draft_id: int, operator_id: int) -> ServiceVersion:
    """Publish a waiting draft as the service's next version (checked again: the catalogue may have
    changed since it was submitted). Applications already filed keep their version."""
    with transaction.atomic():
        draft = _locked(draft_id)
        service = Service.objects.select_related("current_version", "agency").get(pk=draft.service_id)
        try:
            definition = parse(service, draft.text)
        except DefinitionError:
            raise BadInput("publishing.invalid") from None
        shown_before = services.shown_now()
        category = Category.objects.get(code=definition.category)
        version = services.publish_version(
            definition, service, service.agency, category, timezone.now(), reviewed=True
        )
        _decide(draft, operator_id, ServiceDraft.State.PUBLISHED, version=version)
        services.announce_renamed(shown_before)
    services.forget_cached_catalogue()
    return version


def send_back(draft_id: int, operator_id: int, reason: str) -> ServiceDraft:
    """Return a waiting draft to its agency with the operator's reason."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON:
        raise BadInput("publishing.reason_required")
    with transaction.atomic():
        draft = _locked(draft_id)
        _decide(draft, operator_id, ServiceDraft.State.RETURNED, reason=reason)
    return draft


def _locked(draft_id: int) -> ServiceDraft:
    draft = ServiceDraft.objects.select_for_update().filter(pk=draft_id).select_related("service").first()
    if draft is None:
        raise NotFound("page.not_found")
    if draft.state != ServiceDraft.State.SUBMITTED:
        raise Conflict("publishing.not_waiting")
    return draft


def _decide(
    draft: ServiceDraft,
    operator_id: int,
    state: str,
    *,
    version: ServiceVersion | None = None,
    reason: str = "",
) -> None:
    draft.state, draft.decided_by_id, draft.decided_at = state, operator_id, timezone.now()
    draft.version, draft.reason = version, reason
    draft.save()
    announce(ServiceDraftDecided(draft_id=draft.pk, code=draft.service.code, outcome=state))
