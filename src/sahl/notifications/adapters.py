"""Outside systems notifications talk to: the SMTP server, an SMS provider, and the population
register (for the guardians of a minor). Each behind a small interface with a simulated twin.

Senders say what happened by what they raise, so that a message is never sent twice:
`NotSent` (nothing left: safe to try again), `Refused` (will never go: stop), `MaybeSent` (the
hand-over was interrupted: it may have gone, so never retry automatically)."""

from __future__ import annotations

import contextlib
import html
import smtplib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils.module_loading import import_string

from sahl.core import outside
from sahl.notifications.models import SimulatedSms
from sahl.registry.models import Person


class SendFailed(Exception):
    """A message did not (certainly) reach the provider; `reason` is a short code for the log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotSent(SendFailed):
    """The provider did not take the message; trying again later is safe."""


class Refused(SendFailed):
    """The provider refused the message for good (a bad address, a rejected content)."""


class MaybeSent(SendFailed):
    """The hand-over broke off after the provider may have taken the message."""


# --- E-mail ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    message_id: str  # the same for every attempt of one delivery: receivers can drop a duplicate
    language: str


def send_email(email: Email) -> str:
    """Hand the e-mail to the SMTP server configured in settings (EMAIL_*); returns its Message-ID."""
    outside.leaving("SMTP")
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (smtplib.SMTPException, OSError) as error:  # refused, unreachable, timed out, bad login
        raise NotSent(_reason(error)) from None
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        connection=connection,
        headers={
            "Message-ID": email.message_id,
            "Content-Language": email.language,
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(_html(email), "text/html")
    try:
        sent = connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if any(400 <= code < 500 for code in codes):
            raise NotSent(f"smtp-{codes[0]}") from None
        raise Refused(f"smtp-{codes[0] if codes else 550}") from None
    except smtplib.SMTPResponseException as error:  # the server answered no: the message was not taken
        if 400 <= error.smtp_code < 500:
            raise NotSent(f"smtp-{error.smtp_code}") from None
        raise Refused(f"smtp-{error.smtp_code}") from None
    except (smtplib.SMTPException, OSError) as error:  # cut off mid-conversation: it may have gone
        raise MaybeSent(_reason(error)) from None
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            connection.close()
    if not sent:
        raise Refused("smtp-not-sent")
    return email.message_id


def _reason(error: BaseException) -> str:
    """A short code for the log: the kind of error, never its text (it may hold an address)."""
    if isinstance(error, smtplib.SMTPResponseException):
        return f"smtp-{error.smtp_code}"
    if isinstance(error, ConnectionRefusedError):
        return "connection-refused"
    if isinstance(error, TimeoutError):
        return "timeout"
    return type(error).__name__[:40]


def _html(email: Email) -> str:
    direction = "ltr" if email.language == "en" else "rtl"
    paragraphs = "".join(
        f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in email.text.split("\n\n")
    )
    return (
        f'<!doctype html><html lang="{email.language}" dir="{direction}"><body>'
        f'<div dir="{direction}" style="font-family: sans-serif">{paragraphs}</div></body></html>'
    )


# --- SMS -------------------------------------------------------------------------------------------


class SmsGateway(Protocol):
    def send(self, to: str, text: str, reference: str) -> str:
        """Send `text` to the phone `to` (+965...). `reference` is the same for every attempt of one
        delivery; a gateway that knows it must not send it twice. Returns the provider's id, or
        raises NotSent, Refused or MaybeSent."""


class SimulatedSmsGateway:
    """Keeps what it 'sends' in a table (the dev outbox shows it); a reference is sent once."""

    def send(self, to: str, text: str, reference: str) -> str:
        outside.leaving("the SMS gateway")  # a real one would be called over HTTP
        row, _ = SimulatedSms.objects.get_or_create(reference=reference, defaults={"to": to, "text": text})
        return f"sim-{row.pk}"


def sms_gateway() -> SmsGateway:
    gateway: SmsGateway = import_string(settings.SAHL_SMS_GATEWAY)()
    return gateway


# --- Guardians (population register) -------------------------------------------------------------


class Guardians(Protocol):
    def of(self, civil_id: str) -> list[tuple[str, str]]:
        """(role, civil ID) of the person's guardians: "father" and "mother" as the register knows them."""


class RegisterGuardians:
    """The parents recorded in the (simulated) population register."""

    def of(self, civil_id: str) -> list[tuple[str, str]]:
        person = Person.objects.select_related("father", "mother").filter(civil_id=civil_id).first()
        if person is None:
            return []
        found = [("father", person.father), ("mother", person.mother)]
        return [(role, parent.civil_id) for role, parent in found if parent is not None]


def guardians() -> Guardians:
    return RegisterGuardians()
