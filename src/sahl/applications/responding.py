"""What the person does on a filed application: a party agrees or declines (the buyer of a car),
the applicant withdraws, or answers the agency's request for information. Each is one transaction
that holds the application's row lock, so two answers at once cannot both move it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from sahl.applications.deciding import route
from sahl.applications.filing import Upload, bilingual, sniff, store_attachment
from sahl.applications.models import Application, Party
from sahl.applications.moving import Kind, record, transition
from sahl.applications.reading import Who, acting, application_for, definition_for, open_request, speaks_for
from sahl.applications.states import State
from sahl.catalogue.definition import RequiredDocument
from sahl.core.errors import BadInput, NotFound


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
            route(application, definition_for(application), user)
        else:
            record(application, Kind.CONSENT_DECLINED, user, party.role, on_behalf_of=on_behalf_of)
            transition(application, State.CANCELLED, user, Kind.CANCELLED, party.role)
    return application


def _own_for_change(who: Who, reference: str) -> Application:
    """The application the person filed (or speaks for), locked for the change and read afresh."""
    application = application_for(who, reference)
    if not speaks_for(who, application):
        raise NotFound("application.not_found")
    Application.objects.select_for_update().filter(pk=application.pk).first()
    application.refresh_from_db()
    return application


def withdraw(who: Who, reference: str, reason: str = "") -> Application:
    user = acting(who).actor
    with transaction.atomic():
        application = _own_for_change(who, reference)
        transition(application, State.WITHDRAWN, user, Kind.WITHDRAWN, reason.strip())
    return application


def respond(who: Who, reference: str, answer: str, upload: Upload | None) -> Application:
    """Answer the agency's request for information (a text, a document, or both)."""
    user = acting(who).actor
    with transaction.atomic():
        application = _own_for_change(who, reference)
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
                    bilingual("document.not_found"),
                    ("pdf", "jpeg", "png"),
                    10,
                    True,
                ),
            )
            kind = sniff(upload, document)
            store_attachment(application, document, upload, kind, user, request)
        request.answer = answer.strip()
        request.answered_at = timezone.now()
        request.save(update_fields=["answer", "answered_at"])
        transition(application, State.IN_REVIEW, user, Kind.INFO_PROVIDED, answer.strip())
    return application
