"""How an approved result (a card, a passport) reaches the person: collected at a place (a PACI
kiosk) from a given day, or brought by courier to the registered address by a given day.

The facts come from the definition the application was filed under (its `delivery` section) and
the person's answer; the days are Kuwaiti working days counted from the approval, so the
application's page and the approval's message say the same thing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, override

from sahl.applications import clock
from sahl.applications.models import Application, Decision
from sahl.applications.states import State
from sahl.catalogue.definition import ServiceDefinition
from sahl.catalogue.services import definition_of
from sahl.core.bilingual import LANGUAGES, BilingualText
from sahl.core.languages import in_both
from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.registry.adapters import Profile, registers
from sahl.registry.geo import AREAS, GOVERNORATES

COLLECT_IN = _("You can collect it at {place} in {governorate} governorate from {date}.")
COLLECT = _("You can collect it at {place} from {date}.")
COURIER = _(
    "It comes by courier to the registered address ({address}), expected by {date} (at most {days} "
    "after the approval)."
)
_AREA_NAMES = {a["code"]: BilingualText(a["name_ar"], a["name_en"]) for a in AREAS}
_GOVERNORATE_NAMES = {code: BilingualText(ar, en) for code, (ar, en) in GOVERNORATES.items()}


@dataclass(frozen=True)
class Handover:
    kind: str  # collect | courier (catalogue.definition.DELIVERY_KINDS)
    on: dt.date  # collect: ready from that day; courier: expected by that day
    working_days: int
    place: BilingualText | None = None  # collect: where ("a PACI kiosk")
    governorate: BilingualText | str | None = None  # collect: the place's governorate, if chosen
    address: BilingualText | None = None  # courier: the registered address, partly (area, governorate)

    def as_json(self) -> dict[str, Any]:
        """As the application's prepared page keeps it (applications.pages)."""
        return {
            "kind": self.kind,
            "on": self.on.isoformat(),
            "working_days": self.working_days,
            "place": in_both(self.place) if self.place else None,
            "governorate": in_both(self.governorate) if self.governorate else None,
            "address": in_both(self.address) if self.address else None,
        }

    @property
    def text(self) -> BilingualText:
        """The sentence a person reads, in both languages (pages pick theirs, messages theirs)."""
        return BilingualText(**{language: self._sentence(language) for language in LANGUAGES})

    def _sentence(self, language: str) -> str:
        def read(text: BilingualText | str | None) -> str:
            return text.get(language) if isinstance(text, BilingualText) else str(text or "")

        with override(language):
            date = self.on.isoformat()
            if self.kind == "courier":
                days = ngettext("%(counter)s working day", "%(counter)s working days", self.working_days) % {
                    "counter": self.working_days
                }
                return str(COURIER).format(address=read(self.address) or "—", date=date, days=days)
            if self.governorate:
                return str(COLLECT_IN).format(
                    place=read(self.place), governorate=read(self.governorate), date=date
                )
            return str(COLLECT).format(place=read(self.place), date=date)


def handover_for(
    application: Application,
    definition: ServiceDefinition | None = None,
    profile: Profile | None = None,
) -> Handover | None:
    """How the approved result reaches the subject; None before approval, after a refusal, or when
    the service has nothing to fetch (or the person chose the wallet). `profile` is the subject's,
    when the caller has read it already (a courier needs the registered address)."""
    definition = definition or definition_of(application.version)
    found = handover_with(application, definition, None)
    if found is None or found.kind != "courier":
        return found
    if profile is None or profile.civil_id != application.subject_civil_id:
        profile = registers().profile(application.subject_civil_id, clock.today())
    return handover_with(application, definition, address_of(profile))


def handover_with(
    application: Application, definition: ServiceDefinition, address: BilingualText | None
) -> Handover | None:
    """As `handover_for`, with the registered address given (a courier's): no call of the registers,
    so the application's prepared page can be written inside a transaction (ADR 0043)."""
    if application.state not in (State.APPROVED, State.COMPLETED):
        return None
    decision: Decision | None = getattr(application, "decision", None)
    if decision is None or decision.outcome != Decision.Outcome.APPROVED:
        return None
    return approved_handover(application.decided_at, application.form_data, definition, address)


def approved_handover(
    decided_at: dt.datetime | None,
    answers: dict[str, Any],
    definition: ServiceDefinition,
    address: BilingualText | None,
) -> Handover | None:
    """The handover of an approved application from its plain facts (a rebuild of the prepared
    pages reads them in bulk, without models)."""
    method = definition.delivery.method_for(answers) if definition.delivery else None
    if method is None:
        return None
    approved_on = timezone.localdate(decided_at) if decided_at else clock.today()
    on = add_working_days(approved_on, method.working_days, kuwait_holidays())
    if method.kind == "collect":
        chosen = str(answers.get(method.governorate_field, "")) if method.governorate_field else ""
        governorate = _GOVERNORATE_NAMES.get(chosen, chosen) or None
        return Handover(method.kind, on, method.working_days, place=method.place, governorate=governorate)
    return Handover(method.kind, on, method.working_days, address=address)


def address_of(profile: Profile | None) -> BilingualText | None:
    """The registered address as far as a page or a message shows it: the area and governorate,
    never the block, street or house."""
    if profile is None:
        return None
    area = _AREA_NAMES.get(profile.area)
    governorate = _GOVERNORATE_NAMES.get(str(profile.facts.get("governorate", "")))
    parts = [p for p in (area, governorate) if p is not None]
    if not parts:
        return None
    return BilingualText("، ".join(p.ar for p in parts), ", ".join(p.en for p in parts))
