"""Whether a person may file a service for the one they act for, now; if not, why and what to do
next. The service page, the apply page (and its submission) and the API all give this one answer.

The verdict is worked out in one order from the same facts: whom the person may act for on this
service (mandates: a power of attorney's scope, a personal service), whether the subject is on
record, then the service's eligibility rules over the subject's registers. A refusal is a message
code with its parameters, so each surface tells it in the person's language, and it says what lifts
it: another service (pay the fines first), acting for oneself again, or a date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from sahl.applications import clock
from sahl.catalogue.definition import ServiceDefinition
from sahl.catalogue.models import Service
from sahl.catalogue.rules import assess
from sahl.catalogue.services import definition_of, shown_service
from sahl.core.errors import BadInput, Forbidden, NotFound, SahlError
from sahl.core.messages import message
from sahl.core.money import Money
from sahl.mandates import services as mandates
from sahl.mandates.rules import Basis
from sahl.mandates.services import Authority
from sahl.registry.adapters import Profile, registers

ELIGIBLE = "eligible"
# Refusals that acting for oneself again lifts: the subject's own services, a scope not granted, a
# parent's service about their children.
BY_ONESELF = frozenset({"mandate.personal", "mandate.scope", "application.for_the_parent"})


@dataclass(frozen=True)
class Verdict:
    code: str  # ELIGIBLE, or the refusal's message code (core.messages)
    params: Mapping[str, object] = field(default_factory=dict)  # what the message names
    status: int = 200  # a refusal's HTTP status: 403 not for this mandate, 400 conditions, 404 no record
    then: str = ""  # the code of a service that lifts the refusal (the fines' payment)
    raw: Mapping[str, object] = field(default_factory=dict)  # the parameters as worked out (plain)

    @property
    def eligible(self) -> bool:
        return self.code == ELIGIBLE

    @property
    def by_oneself(self) -> bool:
        """Acting for oneself again lifts the refusal (the page offers the switch)."""
        return self.code in BY_ONESELF

    @property
    def text(self) -> str:
        """The refusal in the page's language."""
        return message(self.code, get_language() or "ar", **self.params)

    def error(self) -> SahlError:
        """The refusal as the error a submission raises (problem details in the API, a page else)."""
        kind = {403: Forbidden, 404: NotFound}.get(self.status, BadInput)
        error = kind(self.code, **self.params)
        error.details = dict(self.plain())
        return error

    def plain(self) -> dict[str, int | str]:
        """The parameters a client words the refusal with itself: numbers, amounts with three
        decimals, ISO dates, the service that lifts it; not the texts (`messages` has them)."""
        found: dict[str, int | str] = {k: v for k, v in self.raw.items() if isinstance(v, int | str)}
        for name, value in self.raw.items():
            if isinstance(value, Money):
                found[name] = value.amount
            elif isinstance(value, dt.date):
                found[name] = value.isoformat()
        if self.then:
            found["service"] = self.then
        return found


YES = Verdict(ELIGIBLE)


def verdict(authority: Authority, service: Service, definition: ServiceDefinition, day: dt.date) -> Verdict:
    """May `authority.actor` file `service` for `authority.subject` on `day`? Records nothing: the
    apply page's `authorize` records a refused attempt."""
    return verdict_and_profile(authority, service, definition, day)[0]


def verdict_and_profile(
    authority: Authority, service: Service, definition: ServiceDefinition, day: dt.date
) -> tuple[Verdict, Profile | None]:
    """The verdict, and the subject's register profile it was reached on (None if it was not read):
    the apply page fills the form from it without reading the registers again."""
    refused = mandates.refusal_for(authority, service)
    if refused is not None:
        return refusal(refused), None
    profile = registers().profile(authority.subject, day)
    if profile is None:
        return Verdict("application.no_record", status=404), None
    return _verdict_on(authority, definition, profile, day), profile


def _verdict_on(
    authority: Authority, definition: ServiceDefinition, profile: Profile, day: dt.date
) -> Verdict:
    found = assess(definition.eligibility, profile.facts, day)
    if found.eligible:
        return YES
    if (
        authority.basis is Basis.GUARDIAN
        and found.rule is not None
        and "applicant.children" in found.rule.source
    ):
        # The child has no children of their own: this is the parent's service, in their own name.
        return Verdict("application.for_the_parent", {"name": authority.subject_name}, 400)
    return Verdict(found.code, _worded(found.params), 400, found.then, found.params)


@dataclass(frozen=True)
class ServicePage:
    """A service as the person reads it before starting, with the verdict for whom they act for
    (None for a visitor, who is asked to log in)."""

    service: Service
    definition: ServiceDefinition
    verdict: Verdict | None


def service_page(authority: Authority | None, code: str) -> ServicePage:
    service = shown_service(code)
    assert service.current_version is not None  # every active service has one
    definition = definition_of(service.current_version)
    found = verdict(authority, service, definition, clock.today()) if authority else None
    return ServicePage(service, definition, found)


def refusal(error: Forbidden) -> Verdict:
    """What `authorize` refused (the same codes `mandates.refusal_for` gives), as a verdict."""
    return Verdict(error.code, error.params, 403)


def _worded(params: Mapping[str, object]) -> dict[str, object]:
    """Amounts and dates as the person reads them, in the language the message is read in."""
    worded: dict[str, object] = {}
    for name, value in params.items():
        if isinstance(value, Money):
            worded[name] = format_lazy(_("KWD {amount}"), amount=value.amount)
        elif isinstance(value, dt.date):
            worded[name] = _long_date(value)
        else:
            worded[name] = value
    return worded


def _day(value: dt.date) -> str:
    return date_format(value, "j F Y")


_long_date = lazy(_day, str)
