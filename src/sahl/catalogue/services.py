"""Use cases of the catalogue: publish the definitions, find services, read one service."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sahl.catalogue import search_index
from sahl.catalogue.definition import ServiceDefinition, parse_definition
from sahl.catalogue.files import DEFINITIONS, CatalogueFiles, read_catalogue
from sahl.catalogue.models import Agency, Category, Service, ServiceVersion
from sahl.catalogue.search_index import Index, indexed_terms
from sahl.core.arabic import normalize
from sahl.core.bilingual import BilingualText
from sahl.core.cached import cached, forget
from sahl.core.errors import BadInput, NotFound
from sahl.events.services import announce_all
from sahl.events.types import DomainEvent, ServiceRenamed


@dataclass(frozen=True)
class LoadReport:
    published: int
    unchanged: int
    withdrawn: int


CategoryOrAgency = TypeVar("CategoryOrAgency", Category, Agency)


def load_catalogue(root: Path = DEFINITIONS) -> LoadReport:
    """Validate every file first, then publish in one transaction: all or nothing.

    A service whose content changed gets a new version; unchanged ones are left as they are, so
    running the load twice publishes nothing the second time.
    """
    files = read_catalogue(root)
    with transaction.atomic():
        report = _publish(files)
    forget_cached_catalogue()
    return report


# The catalogue changes a few times a year: its lists are kept in the cache for CACHED_FOR seconds.
# A load forgets them at once in its own process; other processes see the change within that time.
CACHED_FOR = 300
_CACHED = (
    "catalogue:popular",
    "catalogue:counted-categories",
    "catalogue:counted-agencies",
    "catalogue:document-types",
)


def forget_cached_catalogue() -> None:
    forget(*_CACHED, _GENERATION)
    _generation_here.clear()


_GENERATION = "catalogue:generation"
# The generation is read from the shared cache at most once a second in each process: it was a
# Redis round trip (about 150 µs) on every page that shows the catalogue (a service page, the
# queue's services, a search). A load starts a new generation at once in its own process and
# reaches the others within this time.
GENERATION_READ_EVERY = 1.0
_generation_here: list[tuple[str, float]] = []  # (generation, when it was read), or empty


def _in_this_catalogue(key: str) -> str:
    """The key under the catalogue's generation, which a load forgets: everything kept for the
    old catalogue is left behind at once in this process, and within a second in the others."""
    now = time.monotonic()
    if not _generation_here or now - _generation_here[0][1] >= GENERATION_READ_EVERY:
        generation = cached(_GENERATION, lambda: secrets.token_hex(4), CACHED_FOR * 2)
        _generation_here[:] = [(generation, now)]
    return f"catalogue:kept:{_generation_here[0][0]}:{key}"


def kept_answer(key: str, make: Callable[[], bytes]) -> bytes:
    """A public answer made from the catalogue alone, serialised once and kept like the lists."""
    return cached(_in_this_catalogue(key), make, CACHED_FOR)


def kept(key: str) -> bytes | None:
    found = cache.get(_in_this_catalogue(key))
    return found if isinstance(found, bytes) else None


def keep(key: str, body: bytes) -> None:
    cache.set(_in_this_catalogue(key), body, CACHED_FOR)


def _publish(files: CatalogueFiles) -> LoadReport:
    now = timezone.now()
    shown_before = _shown()
    agencies = {}
    for position, entry in enumerate(files.agencies):
        agencies[entry.code], _ = Agency.objects.update_or_create(
            code=entry.code,
            defaults={
                "name_ar": entry.name.ar,
                "name_en": entry.name.en,
                "description_ar": entry.description.ar,
                "description_en": entry.description.en,
                "position": position,
            },
        )
    categories = {}
    for position, category in enumerate(files.categories):
        categories[category.code], _ = Category.objects.update_or_create(
            code=category.code,
            defaults={"name_ar": category.name.ar, "name_en": category.name.en, "position": position},
        )
    existing = {s.code: s for s in Service.objects.select_related("current_version")}
    published = unchanged = 0
    for definition in files.services:
        service = existing.get(definition.code)
        if (
            service
            and service.is_active
            and service.current_version
            and definition.digest in (service.current_version.digest, _kept_over_file(service))
        ):
            unchanged += 1
            continue
        publish_version(
            definition, service, agencies[definition.agency], categories[definition.category], now
        )
        published += 1
    codes = {d.code for d in files.services}
    withdrawn = Service.objects.filter(is_active=True).exclude(code__in=codes).update(is_active=False)
    announce_renamed(shown_before)
    return LoadReport(published, unchanged, withdrawn)


REVIEWED = "review:"  # a version's source when it was published through review, not from its file


def _kept_over_file(service: Service) -> str | None:
    """The digest of the file a version published through review replaced: while the file is still
    that one, loading the files keeps the reviewed version (a deployment does not undo what an
    operator published); a changed file is published over it."""
    current = service.current_version
    if current is None or not current.source.startswith(REVIEWED):
        return None
    return (
        ServiceVersion.objects.filter(service=service, number__lt=current.number)
        .exclude(source__startswith=REVIEWED)
        .order_by("-number")
        .values_list("digest", flat=True)
        .first()
    )


def publish_version(
    definition: ServiceDefinition,
    service: Service | None,
    agency: Agency,
    category: Category,
    now: datetime,
    reviewed: bool = False,
) -> ServiceVersion:
    """Write a checked definition as the service's next version and make it current: the one way a
    version is made, from the files (load_catalogue) or from a reviewed draft (catalogue.drafts).
    Earlier versions stay as they are: applications filed under them keep them."""
    summary = _summary(definition, agency, category)
    if service is None:
        service = Service.objects.create(code=definition.code, **summary)
        number = 1
    else:
        for name, value in summary.items():
            setattr(service, name, value)
        number = (service.current_version.number if service.current_version else 0) + 1
    version = ServiceVersion.objects.create(
        service=service,
        number=number,
        digest=definition.digest,
        definition=definition.raw,
        source=(REVIEWED if reviewed else "") + source_of(definition.code),
        published_at=now,
    )
    service.current_version = version
    service.is_active = True
    service.save()
    return version


def summary_of(definition: ServiceDefinition) -> dict[str, object]:
    """The service row's fields for a definition (a preview of a draft shows them unsaved)."""
    return _summary(
        definition, Agency.objects.get(code=definition.agency), Category.objects.get(code=definition.category)
    )


def source_of(code: str) -> str:
    """The definition's file, relative to the definitions folder ("moi/passport-renewal.yaml")."""
    agency, slug = code.split(".", 1)
    return f"{agency}/{slug}.yaml"


def shown_now() -> dict[int, tuple[str, ...]]:
    return _shown()


def announce_renamed(shown_before: dict[int, tuple[str, ...]]) -> None:
    """Read rows beside the applications copy a service's names: they are written again (a task)."""
    renamed: list[DomainEvent] = [
        ServiceRenamed(service_id=pk, code=code)
        for pk, (code, *shown) in sorted(_shown().items())
        if pk in shown_before and shown_before[pk][1:] != tuple(shown)
    ]
    if renamed:
        announce_all(renamed)


def _shown() -> dict[int, tuple[str, ...]]:
    """What each service shows of itself beside its applications: its code, its names, its
    category and its agency's names (one query)."""
    fields = ("code", "name_ar", "name_en", "category__code", "agency__name_ar", "agency__name_en")
    return {pk: tuple(rest) for pk, *rest in Service.objects.values_list("pk", *fields)}


def _summary(definition: ServiceDefinition, agency: Agency, category: Category) -> dict[str, object]:
    words = [definition.name.ar, definition.name.en, agency.name_ar, agency.name_en]
    if definition.keywords:
        words += [definition.keywords.ar, definition.keywords.en]
    return {
        "agency": agency,
        "category": category,
        "name_ar": definition.name.ar,
        "name_en": definition.name.en,
        "description_ar": definition.description.ar,
        "description_en": definition.description.en,
        "fee_fils": definition.fee.fils,
        "working_days": definition.working_days,
        "processing": definition.processing,
        "for_individuals": "individual" in definition.audience,
        "for_businesses": "business" in definition.audience,
        "popular": definition.popular,
        "search_text": normalize(" ".join(words)),
        "search_terms": indexed_terms(
            [definition.name.ar, definition.name.en],
            [definition.keywords.ar, definition.keywords.en] if definition.keywords else [],
            [agency.code, agency.name_ar, agency.name_en],
            [definition.description.ar, definition.description.en],
        ),
    }


# --- Reading ------------------------------------------------------------------------------------


def _active_services() -> QuerySet[Service]:
    # Pages and the API never read the search terms (hundreds of JSON triples a service, decoded
    # per row): only the search index does, when it is built.
    return (
        Service.objects.filter(is_active=True)
        .select_related("agency", "category")
        .defer("search_terms", "search_text")
    )


@dataclass(frozen=True)
class ServicesPage:
    count: int  # of all the services the filters keep, not only this page's
    services: list[Service]


def services_page(
    *, agency: str = "", category: str = "", audience: str = "", offset: int = 0, limit: int = 50
) -> ServicesPage:
    """Active services, optionally of one agency, category or audience ("individual", "business"),
    ordered by agency and code, `limit` of them from `offset` (two queries)."""
    found = _active_services().order_by("agency__position", "code")
    if agency:
        found = found.filter(agency__code=agency)
    if category:
        found = found.filter(category__code=category)
    if audience == "individual":
        found = found.filter(for_individuals=True)
    elif audience == "business":
        found = found.filter(for_businesses=True)
    return ServicesPage(found.count(), list(found[offset : offset + limit]))


@dataclass(frozen=True)
class Found:
    """One page of a search's results, best first."""

    count: int  # every service found, not only this page's
    services: list[Service]
    page: int
    pages: int


def search(query: str, page: int = 1, per_page: int | None = None) -> Found:
    """Services matching the query's words in their names, keywords, agency or description, best
    first (see search_index); `per_page` None is every one. No query while the catalogue is
    unchanged: the first search of a catalogue generation in a process reads the active services
    once, for the index and for the cards, and keeps both until a publication starts a new one."""
    limit = settings.SAHL_SEARCH_MAX_LENGTH
    if len(query) > limit:
        raise BadInput("search.too_long", limit=limit)
    if not normalize(query):
        raise BadInput("search.empty")
    generation = _in_this_catalogue("search-index")
    index = search_index.built(generation)
    cards = _kept_in_process("search-cards", generation)
    if index is None or not cards:
        terms = _active_services().values_list("pk", "popular", "name_en", "search_terms")
        index = search_index.keep(generation, Index.of(terms))
        cards.update((s.pk, s) for s in _active_services())
    ids = index.find(query)
    size = per_page or max(len(ids), 1)
    pages = max(1, -(-len(ids) // size))
    if not 1 <= page <= pages:
        raise BadInput("page.invalid")
    shown = ids[(page - 1) * size : page * size]
    return Found(len(ids), [cards[pk] for pk in shown if pk in cards], page, pages)


# What this process keeps for the catalogue's current generation, by name: a publication starts a
# new generation (forget_cached_catalogue), and what was kept for the old one is dropped at the next
# read (the search's cards, the services the service page showed).
_KEPT_IN_PROCESS: dict[str, tuple[str, dict[Any, Any]]] = {}


def _kept_in_process(name: str, generation: str) -> dict[Any, Any]:
    kept = _KEPT_IN_PROCESS.get(name)
    if kept is None or kept[0] != generation:
        kept = _KEPT_IN_PROCESS[name] = (generation, {})
    return kept[1]


def get_service(code: str) -> Service:
    service = _active_services().select_related("current_version").filter(code=code).first()
    if service is None:
        raise NotFound("service.not_found")
    return service


def shown_service(code: str) -> Service:
    """`get_service` for a page that only shows it (the service page, on every visit): no query
    while the catalogue is unchanged, only the generation's one cache read a second. Only codes
    that exist are kept, so made-up codes cannot fill it."""
    services = _kept_in_process("shown-services", _in_this_catalogue("shown-services"))
    found = services.get(code)
    if found is None:
        found = services[code] = get_service(code)
    return found


def service_to_file(code: str) -> Service:
    """The service a form is shown and a submission filed under. With a shared cache, the one kept
    for the catalogue's generation (`shown_service`): a publication reaches every process within a
    second (`GENERATION_READ_EVERY`), and a submission filed in it is filed under the version its
    form showed, as one filed a second earlier would be (ADR 0073; the read was 1.3 ms of a
    renewal's 12). With each process's own memory cache, a publication would reach the others only
    when their copies expire: the service is read from the database."""
    return shown_service(code) if settings.SAHL_CACHE_URL else get_service(code)


def get_agency(code: str) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise NotFound("agency.not_found")
    return agency


def get_category(code: str) -> Category:
    category = Category.objects.filter(code=code).first()
    if category is None:
        raise NotFound("category.not_found")
    return category


def definition_of(version: ServiceVersion) -> ServiceDefinition:
    """The typed definition of a published version (parsed once per version and kept)."""
    return definition_parsed(version.digest, version.source, version.definition)


def definition_parsed(digest: str, source: str, raw: dict[str, object]) -> ServiceDefinition:
    """The typed definition of a version read as its columns (kept by its digest)."""
    cached = _PARSED.get(digest)
    if cached is None:
        # It was validated against the whole catalogue when published; its own codes suffice now.
        cached = parse_definition(
            raw, source=source, agencies={str(raw["agency"])}, categories={str(raw["category"])}
        )
        _PARSED[digest] = cached
    return cached


_PARSED: dict[str, ServiceDefinition] = {}  # keyed by content digest, so never stale


def popular_services(limit: int = 8) -> list[Service]:
    found = cached(
        "catalogue:popular",
        lambda: list(_active_services().filter(popular=True).order_by("agency__position", "name_en")[:8]),
        CACHED_FOR,
    )
    return found[:limit]


@dataclass(frozen=True)
class Counted:
    """An agency or a category as the lists show it, with the number of its active services."""

    code: str
    name_ar: str
    name_en: str
    description_ar: str
    description_en: str
    count: int

    @property
    def name(self) -> BilingualText:
        return BilingualText(self.name_ar, self.name_en)

    @property
    def description(self) -> BilingualText:
        return BilingualText(self.description_ar, self.description_en)


def categories_with_counts() -> list[Counted]:
    return cached("catalogue:counted-categories", lambda: _with_active_services(Category), CACHED_FOR)


def agencies_with_counts() -> list[Counted]:
    return cached("catalogue:counted-agencies", lambda: _with_active_services(Agency), CACHED_FOR)


def agency_with_count(code: str) -> Counted:
    agency = get_agency(code)
    return _counted(agency, len(services_of_agency(agency)))


def _counted(row: Agency | Category, count: int) -> Counted:
    about = (
        (row.description_ar, row.description_en) if isinstance(row, Agency) else ("", "")
    )  # categories have none
    return Counted(row.code, row.name_ar, row.name_en, *about, count)


def _with_active_services(model: type[CategoryOrAgency]) -> list[Counted]:
    """Categories or agencies that have active services, each with their count, in order."""
    counted = model.objects.annotate(count=Count("services", filter=Q(services__is_active=True)))
    return [_counted(row, row.count) for row in counted.filter(count__gt=0).order_by("position")]


def services_of_agency(agency: Agency) -> list[Service]:
    return cached(
        _in_this_catalogue(f"agency-services:{agency.pk}"),
        lambda: list(_active_services().filter(agency=agency).order_by("category__position", "name_en")),
        CACHED_FOR,
    )


def service_names_of_agency(agency_id: int) -> tuple[tuple[str, str, str], ...]:
    """The agency's active services as (code, Arabic name, English name), in the order of its page:
    for a choice of service on every page of its staff. Kept in the process for the catalogue's
    generation, like the service page's services: the same tuple on every call until a publication
    (so a page may keep what it renders from it with it, ui.kept_html)."""
    names = _kept_in_process("agency-service-names", _in_this_catalogue("agency-service-names"))
    found = names.get(agency_id)
    if found is None:
        found = names[agency_id] = tuple(
            _active_services()
            .filter(agency_id=agency_id)
            .order_by("category__position", "name_en")
            .values_list("code", "name_ar", "name_en")
        )
    return found


def services_in_category(category: Category) -> list[Service]:
    return list(_active_services().filter(category=category).order_by("agency__position", "name_en"))


@dataclass(frozen=True)
class DocumentType:
    """A kind of document the catalogue's services produce, named after the first service giving it,
    with the titles of the answers those services ask (a credential's `details`)."""

    code: str
    name: BilingualText
    agency: str
    fields: dict[str, BilingualText]


def document_types() -> dict[str, DocumentType]:
    """Every document type some active service produces, by code (services in code order)."""
    return cached("catalogue:document-types", _document_types, CACHED_FOR)


def _document_types() -> dict[str, DocumentType]:
    found: dict[str, DocumentType] = {}
    versions = ServiceVersion.objects.filter(current_of__is_active=True).order_by("service__code")
    for version in versions:
        definition = definition_of(version)
        fields = {
            name: BilingualText.from_dict(prop["title"])
            for name, prop in definition.form.get("properties", {}).items()
            if isinstance(prop.get("title"), dict)
        }
        for output in definition.outputs:
            known = found.get(output.document)
            if known is None:
                found[output.document] = DocumentType(
                    output.document, definition.name, definition.agency, fields
                )
            else:
                known.fields.update({k: v for k, v in fields.items() if k not in known.fields})
    return found
