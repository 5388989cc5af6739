"""Outside systems notifications talk to: the SMTP server and the population register (for the
guardians of a minor); the SMS provider is `sahl.sms.gateways`, shared with identity's codes.
Senders say what happened by what they raise (`sahl.core.handover`), so that a message is never
sent twice."""

from __future__ import annotations

import contextlib
import html
import smtplib
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from sahl.core import outside
from sahl.core.handover import MaybeSent, NotSent, Refused
from sahl.registry.adapters import registers

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


# --- Guardians (population register) -------------------------------------------------------------


class Guardians(Protocol):
    def of(self, civil_id: str) -> list[tuple[str, str]]:
        """(role, civil ID) of the person's guardians: "father" and "mother" as the register knows them."""


class RegisterGuardians:
    """The parents recorded in the population register."""

    def of(self, civil_id: str) -> list[tuple[str, str]]:
        person = registers().person(civil_id)
        if person is None:
            return []
        found = [("father", person.father_civil_id), ("mother", person.mother_civil_id)]
        return [(role, parent) for role, parent in found if parent]


def guardians() -> Guardians:
    return RegisterGuardians()
