"""Shapes every JSON API under /api/v1/ shares: text in both languages, and the RFC 9457 problem
details of every error (built by `core.problems`), with the helper an operation declares its errors by:

    @router.get("/things/{code}", response={200: ThingOut} | errors(404))
"""

from __future__ import annotations

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict


# A plain pydantic model, not ninja's `Schema`: answers build it from their own values, and `Schema`'s
# hook for reading Django objects, run on every nested value, cost more than the rest of an answer
# (ADR 0062). The docstring is the OpenAPI description, as the personal-data export's Text has it.
class Text(BaseModel):
    """Text in Arabic and English."""

    # Exactly these two keys, as the personal-data export's Text (one component for both). From
    # attributes too, as `Schema` took them: a BilingualText reads as its two languages.
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    ar: str
    en: str


class ParameterError(Schema):
    """Which input was refused and why, never its value (it may be personal data)."""

    location: list[str] = Field(description='where: e.g. ["query", "limit"] or ["body", "payload", "note"]')
    type: str = Field(description="the kind of refusal, e.g. missing, int_parsing, string_too_long")


class Problem(Schema):
    """RFC 9457 problem details, the body of every error under /api/ (`application/problem+json`)."""

    type: str = Field(description="a stable URI for the code: `urn:sahl:problem:<code>`")
    title: str = Field(description="what went wrong, in the request's language (Accept-Language)")
    status: int = Field(description="the HTTP status, repeated")
    code: str = Field(description="the stable error code, e.g. application.not_found, idempotency.conflict")
    messages: Text = Field(description="the same message in Arabic and in English")
    fields: dict[str, Text] = Field(
        default_factory=dict, description="a refused form: what is wrong with each field, by field name"
    )
    errors: list[ParameterError] = Field(
        default_factory=list, description="refused parameters or body members: where and why"
    )
    params: dict[str, int | str] = Field(
        default_factory=dict,
        description="the values the message names, for a client to word it itself: e.g. of "
        "`application.unpaid_fines` the `count` of fines, their `total` (KWD, three decimals) and the "
        "`service` that pays them; of `application.too_early` the document's `expires_on` and the "
        "`renewable_from` date (ISO 8601)",
    )


def errors(*statuses: int) -> dict[int, type[Problem]]:
    """The problem responses an operation declares beside its answers (`response={200: X} | errors(404)`):
    those its own use cases raise. `core.openapi` adds the ones every operation of its kind can give."""
    return dict.fromkeys(statuses, Problem)
