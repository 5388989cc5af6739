"""The public catalogue API: agencies, categories, services (with their form schema) and search."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, P, PathEx, Query, Router, Schema
from pydantic import TypeAdapter

from sahl.catalogue import services
from sahl.catalogue.services import Counted
from sahl.core.api_schemas import Text, errors
from sahl.core.bounds import Offset

if TYPE_CHECKING:  # the API reads models through services only
    from sahl.catalogue.models import Service

router = Router(tags=["catalogue"])


class AgencyOut(Schema):
    code: str
    name: Text
    description: Text
    services: int

    @staticmethod
    def of(agency: Counted) -> "AgencyOut":
        return AgencyOut(
            code=agency.code,
            name=Text(**agency.name.as_dict()),
            description=Text(**agency.description.as_dict()),
            services=agency.count,
        )


class CategoryOut(Schema):
    code: str
    name: Text
    services: int


class Fee(Schema):
    amount: str
    currency: str


class ServiceOut(Schema):
    code: str
    agency: str
    category: str
    name: Text
    description: Text
    fee: Fee
    working_days: int
    processing: str
    audience: list[str]
    popular: bool

    @staticmethod
    def from_model(service: "Service") -> "ServiceOut":
        return ServiceOut(
            code=service.code,
            agency=service.agency.code,
            category=service.category.code,
            name=Text(**service.name.as_dict()),
            description=Text(**service.description.as_dict()),
            fee=Fee(amount=service.fee.amount, currency=service.fee.currency),
            working_days=service.working_days,
            processing=service.processing,
            audience=[
                a
                for a, on in (("individual", service.for_individuals), ("business", service.for_businesses))
                if on
            ],
            popular=service.popular,
        )


class ServicePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ServiceOut]


class RuleOut(Schema):
    rule: str
    reason: Text


class RequiredWhenOut(Schema):
    """The answers that make an optional document required."""

    field: str = Field(description="a choice field of the form")
    values: list[str] = Field(description="the values of that field that require the document")


class RequiredDocumentOut(Schema):
    """A document the applicant attaches when filing."""

    code: str
    name: Text
    formats: list[str]
    max_size_mb: int
    required: bool
    required_when: RequiredWhenOut | None = Field(
        None,
        description="when `required` is false: the answer that requires it all the same (filing is refused)",
    )


class OutputOut(Schema):
    document: str
    valid_for: str | None


class PartyRoleOut(Schema):
    """Someone else the service involves (e.g. the buyer of a vehicle), and whether they must consent."""

    role: str
    name: Text
    consent_required: bool


class ServiceDetail(ServiceOut):
    version: int
    published_at: str
    eligibility: list[RuleOut]
    form: dict[str, Any]
    required_documents: list[RequiredDocumentOut]
    outputs: list[OutputOut]
    parties: list[PartyRoleOut]


class ServiceFilters(Schema):
    agency: str | None = Field(
        None, max_length=20, description="only this agency's services (its code, e.g. moi)"
    )
    category: str | None = Field(
        None, max_length=40, description="only services in this category (its code, e.g. vehicles)"
    )
    audience: Literal["individual", "business"] | None = Field(
        None, description="only services offered to individuals, or to businesses"
    )
    limit: int = Field(50, ge=1, le=200, description="how many services on this page (1 to 200)")
    offset: Offset = Field(0, description="how many services to skip (the page's start)")


class SearchQuery(Schema):
    # Its length is checked by the search itself, with a bilingual message.
    q: str = Field(description="words to find in services' names and descriptions, in Arabic or English")


AGENCY_CODE = P(description="the agency's code, e.g. moi")
SERVICE_CODE = P(description="the service's code, e.g. moi.traffic.vehicle-registration-renewal")


def _kept(key: str, shape: Any, make: Callable[[], object]) -> HttpResponse:
    """The answer as JSON of its declared shape, serialised once per catalogue (see
    services.kept_answer) rather than through pydantic on every request; public, so caches may keep it."""
    body = services.kept_answer(key, lambda: TypeAdapter(shape).dump_json(make()))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={services.CACHED_FOR}"
    return response


@router.get(
    "/agencies",
    response=list[AgencyOut],
    summary="All agencies that publish services",
    description="Each agency with its name and description in both languages and how many services it "
    "offers now. Public (no login); caches may keep the answer for a few minutes.",
)
def list_agencies(request: HttpRequest) -> HttpResponse:
    return _kept(
        "agencies",
        list[AgencyOut],
        lambda: [AgencyOut.of(a) for a in services.agencies_with_counts()],
    )


@router.get(
    "/agencies/{code}",
    response={200: AgencyOut} | errors(404),
    summary="One agency",
    description="The agency with its name, description and number of services; 404 for an unknown code.",
)
def get_agency(request: HttpRequest, code: PathEx[str, AGENCY_CODE]) -> HttpResponse:
    return _kept(f"agency:{code[:40]}", AgencyOut, lambda: AgencyOut.of(services.agency_with_count(code)))


@router.get(
    "/categories",
    response=list[CategoryOut],
    summary="Categories of services",
    description="Each category with its name in both languages and how many services are in it now.",
)
def list_categories(request: HttpRequest) -> HttpResponse:
    return _kept(
        "categories",
        list[CategoryOut],
        lambda: [
            CategoryOut(code=c.code, name=Text(**c.name.as_dict()), services=c.count)
            for c in services.categories_with_counts()
        ],
    )


@router.get(
    "/services",
    response=ServicePage,
    summary="Services, optionally filtered, a page at a time",
    description="The services published now, filtered by agency, category or audience, `limit` at a time "
    "from `offset`; `count` is how many match in all.",
)
def list_services(request: HttpRequest, filters: Query[ServiceFilters]) -> HttpResponse:
    key = "services:" + ":".join(str(v) for v in filters.model_dump().values())
    return _kept(key, ServicePage, lambda: _services_page(filters))


def _services_page(filters: ServiceFilters) -> ServicePage:
    page = services.services_page(
        agency=filters.agency or "",
        category=filters.category or "",
        audience=filters.audience or "",
        offset=filters.offset,
        limit=filters.limit,
    )
    return ServicePage(
        count=page.count,
        limit=filters.limit,
        offset=filters.offset,
        items=[ServiceOut.from_model(s) for s in page.services],
    )


@router.get(
    "/services/{code}",
    response={200: ServiceDetail} | errors(404),
    summary="One service with its form schema",
    description="The service's current published version: its eligibility rules with their reasons, the "
    "form (JSON Schema with bilingual titles), the documents to attach, what it issues and the other "
    "parties it involves. 404 for an unknown or withdrawn service.",
)
def get_service(request: HttpRequest, code: PathEx[str, SERVICE_CODE]) -> HttpResponse:
    return _kept(f"service:{code[:80]}", ServiceDetail, lambda: _service_detail(code))


def _service_detail(code: str) -> ServiceDetail:
    service = services.get_service(code)
    version = service.current_version
    assert version is not None
    definition = services.definition_of(version)
    return ServiceDetail(
        **ServiceOut.from_model(service).model_dump(),
        version=version.number,
        published_at=version.published_at.isoformat(),
        eligibility=[
            RuleOut(rule=r.source, reason=Text(**r.reason.as_dict())) for r in definition.eligibility
        ],
        form=definition.form,
        required_documents=[
            RequiredDocumentOut(
                code=d.code,
                name=Text(**d.name.as_dict()),
                formats=list(d.formats),
                max_size_mb=d.max_size_mb,
                required=d.required,
                required_when=RequiredWhenOut(
                    field=d.required_when.field, values=list(d.required_when.values)
                )
                if d.required_when
                else None,
            )
            for d in definition.required_documents
        ],
        outputs=[OutputOut(document=o.document, valid_for=o.valid_for) for o in definition.outputs],
        parties=[
            PartyRoleOut(role=p.role, name=Text(**p.name.as_dict()), consent_required=p.consent_required)
            for p in definition.parties
        ],
    )


@router.get(
    "/search",
    response=list[ServiceOut],
    summary="Search services in Arabic or English",
    description="Services whose name or description holds the words, best first. An empty or too long "
    "text answers 400 with a bilingual message.",
)
def search(request: HttpRequest, query: Query[SearchQuery]) -> list[ServiceOut]:
    return [ServiceOut.from_model(s) for s in services.search(query.q).services]
