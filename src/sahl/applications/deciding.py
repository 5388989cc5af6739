"""Deciding a case: where a filed application goes next (the parties' consent, the fee, then the
agency or the rules), and the decision itself. Approving issues the documents (each with a
verification code; its PDF is rendered just after the commit, see rendering.py), carries out the
service's effects on the registers and completes the case; rejecting needs a reason. The
caseworkers' and the agencies' use cases decide through here too."""

from __future__ import annotations

import datetime as dt
import re
import secrets

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from sahl.applications import clock, moving
from sahl.applications.models import Application, Decision, IssuedDocument, Party
from sahl.applications.moving import Kind, record, transition
from sahl.applications.reading import definition_for
from sahl.applications.states import State
from sahl.catalogue.definition import ServiceDefinition
from sahl.core.effects import Order, effect
from sahl.core.errors import BadInput
from sahl.core.languages import in_both
from sahl.core.working_days import add_working_days, kuwait_holidays
from sahl.events.types import DocumentIssued
from sahl.identity.models import User
from sahl.registry.adapters import registers


def route(
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
    application.due_on = add_working_days(clock.today(), definition.working_days, kuwait_holidays())
    moving.save(application, "due_on")
    transition(application, State.IN_REVIEW, actor, kind)


def approve(application: Application, actor: User | None, reason: str) -> None:
    """Decide yes, update the registers, issue the documents (certifying them), complete. One
    transaction."""
    definition = definition_for(application)
    transition(application, State.APPROVED, actor, Kind.APPROVED, reason)
    application.decided_at = timezone.now()
    moving.save(application, "decided_at")
    Decision.objects.create(
        application=application, outcome=Decision.Outcome.APPROVED, reason=reason, decided_by=actor
    )
    # The registers change first: a document that certifies a record (a renewed card, a power of
    # attorney) is valid exactly as long as the record is, not for a duration of its own.
    ends: dict[str, dt.date | None] = {}
    for name in definition.effects:
        order = Order(
            application.reference, application.subject_civil_id, application.form_data, clock.today()
        )
        done = effect(name).carry_out(order)
        if effect(name).certifies:
            ends[effect(name).certifies] = done.until
        # One history line in both languages, whatever the language of whoever approved.
        change = in_both(done.said)
        record(application, Kind.REGISTER_UPDATED, actor, f"{change['ar']} | {change['en']}")
    for output in definition.outputs:
        holder = application.subject_civil_id
        if output.holder:
            holder = application.parties.get(role=output.holder).civil_id
        day = clock.today()
        if output.document in ends:
            valid_until = ends[output.document]
        else:
            valid_until = _add_duration(day, output.valid_for) if output.valid_for else None
        document = _issue(application, definition, output.document, valid_until, holder)
        record(application, Kind.DOCUMENT_ISSUED, actor, document.verification_code)
        moving.announce_in_turn(DocumentIssued(document_id=document.pk, application_id=application.pk))
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
    application: Application,
    definition: ServiceDefinition,
    document: str,
    valid_until: dt.date | None,
    holder: str,
) -> IssuedDocument:
    day = clock.today()
    profile = registers().profile(holder, day)
    assert profile is not None
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
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
    # The PDF follows: rendered by the task `document.issued` queues (applications.rendering).
    issued.save()
    return issued


_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")


def _add_duration(day: dt.date, duration: str) -> dt.date:
    """`day` plus an ISO 8601 duration of years, months and days (validated when published)."""
    match = _DURATION.match(duration)
    assert match is not None
    years, months, days = (int(part or 0) for part in match.groups())
    return day + relativedelta(years=years, months=months, days=days)
