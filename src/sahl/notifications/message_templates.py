"""What messages say: gettext templates rendered in the recipient's language (not the
request's), under `override`.

Placeholders are `{name}` fields. The SMS texts carry no personal data: only the reference, the
state or an amount, never a name, a civil ID or the agency's words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from sahl.core.languages import Wording, in_language


@dataclass(frozen=True)
class Template:
    subject: Promise
    body: Promise  # the inbox text
    sms: Promise
    email_subject: Promise | None = None  # when the e-mail must say less than the inbox (notices)
    email_body: Promise | None = None


TEMPLATES: dict[str, Template] = {
    "submitted": Template(
        subject=_("We received your application {reference}: {service}"),
        body=_(
            "We received your application for {service}, reference {reference}. We will let you know about every change."
        ),
        sms=_("Sahl: we received your application {reference}."),
    ),
    "sent_to_agency": Template(
        subject=_("Your application {reference} is in review at {agency}"),
        body=_(
            "Your application for {service}, reference {reference}, was sent to {agency} and is now in review."
        ),
        sms=_("Sahl: your application {reference} is in review at the agency."),
    ),
    "info_requested": Template(
        subject=_("Action needed on your application {reference}"),
        body=_(
            "{agency} needs the following to complete your application for {service}, reference "
            "{reference}:\n{note}\n\nOpen the application in Sahl to reply."
        ),
        sms=_("Sahl: action needed on your application {reference}. Open Sahl to reply."),
    ),
    "consent_requested": Template(
        subject=_("Your agreement is needed on application {reference}: {service}"),
        body=_(
            "You are named as a party to an application for {service}, reference {reference}, which "
            "cannot go ahead without your agreement. Open it in Sahl to agree or decline."
        ),
        sms=_("Sahl: your agreement is needed on application {reference}. Open Sahl to reply."),
    ),
    "approved": Template(
        subject=_("Your application {reference} was approved: {service}"),
        body=_("{agency} approved your application for {service}, reference {reference}.\n{delivery}"),
        sms=_("Sahl: your application {reference} was approved."),
    ),
    "rejected": Template(
        subject=_("Your application {reference} was rejected: {service}"),
        body=_("{agency} rejected your application for {service}, reference {reference}.\nReason: {note}"),
        sms=_("Sahl: your application {reference} was rejected. The reason is on its page in Sahl."),
    ),
    "completed": Template(
        subject=_("Your application {reference} is completed: {service}"),
        body=_(
            "Your application for {service}, reference {reference}, is completed. Any documents issued "
            "are on the application's page in Sahl, and in Hawiyati, to show them by QR code.\n{delivery}"
        ),
        sms=_("Sahl: your application {reference} is completed."),
    ),
    "cancelled": Template(
        subject=_("Your application {reference} was cancelled: {service}"),
        body=_(
            "Your application for {service}, reference {reference}, was cancelled without a decision. "
            "The details are on its page in Sahl."
        ),
        sms=_("Sahl: your application {reference} was cancelled."),
    ),
    "withdrawn": Template(
        subject=_("Your application {reference} was withdrawn: {service}"),
        body=_(
            "Your application for {service}, reference {reference}, was withdrawn at your request; the "
            "agency will not work on it."
        ),
        sms=_("Sahl: your application {reference} was withdrawn."),
    ),
    # Complaints (Ballegh): {reference} is the report's, {topic} what it is about, {agency} who has it.
    "complaint_filed": Template(
        subject=_("We received your report {reference}: {topic}"),
        body=_(
            "We received your report about {topic}, reference {reference}, and sent it to {agency}. You will hear about every step."
        ),
        sms=_("Sahl: we received your report {reference}."),
    ),
    "complaint_acknowledged": Template(
        subject=_("{agency} is working on your report {reference}"),
        body=_("{agency} took on your report about {topic}, reference {reference}, and is working on it."),
        sms=_("Sahl: the agency is working on your report {reference}."),
    ),
    "complaint_question": Template(
        subject=_("A question about your report {reference}"),
        body=_(
            "{agency} asks about your report on {topic}, reference {reference}: {note}\nAnswer on the report's page so the work can go on."
        ),
        sms=_("Sahl: the agency has a question about your report {reference}."),
    ),
    "complaint_forwarded": Template(
        subject=_("Your report {reference} went to {agency}"),
        body=_(
            "Your report about {topic}, reference {reference}, went to {agency}, which is responsible. The reason: {note}"
        ),
        sms=_("Sahl: your report {reference} went to another agency."),
    ),
    "complaint_resolved": Template(
        subject=_("Your report {reference} was resolved"),
        body=_(
            "{agency} says your report about {topic}, reference {reference}, is resolved: {note}\nRate the handling, or reopen the report if the problem is still there."
        ),
        sms=_("Sahl: your report {reference} was resolved. Rate it."),
    ),
    # To an agency's administrator about a service definition they submitted; {reference} is the
    # service's code.
    "service_published": Template(
        subject=_("Your definition of {service} was published"),
        body=_(
            "An operator published your definition of {service} ({reference}) as the service's new "
            "version. New applications use it; applications already filed keep the version they were "
            "filed under."
        ),
        sms=_("Sahl: your definition of service {reference} was published."),
    ),
    "service_returned": Template(
        subject=_("Your definition of {service} was returned"),
        body=_(
            "An operator returned your definition of {service} ({reference}) without publishing it: {note}"
        ),
        sms=_("Sahl: your definition of service {reference} was returned."),
    ),
    "complaint_reopened": Template(
        subject=_("Report {reference} was reopened"),
        body=_("Report {reference} about {topic} was reopened with {agency}: {note}"),
        sms=_("Sahl: report {reference} was reopened."),
    ),
    "complaint_escalated": Template(
        subject=_("A report is past its deadline: {reference}"),
        body=_(
            "Report {reference} about {topic} at {agency} is past its deadline and was escalated to you as a supervisor."
        ),
        sms=_("Sahl: report {reference} is past its deadline."),
    ),
    "payment_due": Template(
        subject=_("The fee for your application {reference} is due"),
        body=_(
            "The fee for your application for {service}, reference {reference}, is {amount}. Pay it from "
            "the application's page in Sahl so that {agency} can start work on it."
        ),
        sms=_("Sahl: the fee of {amount} for your application {reference} is due."),
    ),
    "payment_received": Template(
        subject=_("We received the fee for your application {reference}"),
        body=_(
            "We received {amount}, the fee for your application for {service}, reference {reference}. "
            "The receipt is on the application's page in Sahl."
        ),
        sms=_("Sahl: we received {amount} for your application {reference}."),
    ),
    "payment_refunded": Template(
        subject=_("The fee for your application {reference} was refunded"),
        body=_(
            "{amount}, the fee for your application for {service}, reference {reference}, was refunded "
            "to you. It may take a few working days to show in your bank account."
        ),
        sms=_("Sahl: {amount} for your application {reference} was refunded."),
    ),
    "party_update": Template(
        subject=_("Application {reference} is now: {state}"),
        body=_(
            "The application for {service}, reference {reference}, to which you are a party, is now: {state}."
        ),
        sms=_("Sahl: application {reference} is now: {state}."),
    ),
    "notice": Template(
        subject=_("Official notice from {agency}: {subject}"),
        body=_("{agency} sent you official notice {reference}:\n\n{body}\n\n{due_line}"),
        sms=_("Sahl: you have a new official notice, {reference}. Open it in Sahl."),
        email_subject=_("New official notice from {agency}"),
        email_body=_(
            "You have a new official notice from {agency}, reference {reference}. Open it in Sahl to read "
            "it; the time you open it is recorded."
        ),
    ),
    "notice_guardian": Template(
        subject=_("Official notice to {child} {name} from {agency}: {subject}"),
        body=_(
            "As the guardian of {name}, you are informed that {agency} sent official notice {reference} "
            "to {child}:\n\n{body}\n\n{due_line}"
        ),
        sms=_("Sahl: a new official notice, {reference}, for you as a guardian. Open it in Sahl."),
        email_subject=_("New official notice from {agency} to {child}"),
        email_body=_(
            "{agency} sent official notice {reference} to {child}; you are informed as the guardian. Open "
            "it in Sahl to read it; the time you open it is recorded."
        ),
    ),
    # A document nearing its expiry (journeys' reminders): {document} says whose, as a phrase (your
    # passport, your child's passport); the SMS names neither the child nor the date.
    "document_expiring": Template(
        subject=_("Reminder: {document} expires on {expires_on}"),
        body=_(
            "This is a reminder that {document} expires on {expires_on} (days left: {days}). You can "
            "renew it in Sahl now."
        ),
        sms=_("Sahl: {document} expires soon. Renew in Sahl."),
    ),
    # A company's (issue 20), to its owners, signatories and representatives: it names the company
    # and counts; no worker is named. The SMS names nothing.
    "company_licence_expiring": Template(
        subject=_("Reminder: the commercial licence of your company {company} expires on {expires_on}"),
        body=_(
            "This is a reminder that the commercial licence of {company} expires on {expires_on} "
            "(days left: {days}). You can renew it in Sahl now."
        ),
        sms=_("Sahl: your company's commercial licence expires soon. Renew in Sahl."),
    ),
    "company_workforce_expiring": Template(
        subject=_("Reminder: permits of the workers of {company} expire by {expires_on}"),
        body=_(
            "Permits of the workers of {company} expire by {expires_on} (days left: {days}): work "
            "permits: {permits}; residence permits: {residencies}. The company's page in Sahl lists "
            "the workers and renews their permits."
        ),
        sms=_("Sahl: permits of your company's workers expire soon. Open Sahl."),
    ),
    "company_contributions_due": Template(
        subject=_("Reminder: the social-insurance contributions of {company} are due on {expires_on}"),
        body=_(
            "The social-insurance contributions of {company}, {amount}, are due on {expires_on} "
            "(days left: {days}). Pay them in Sahl before they are overdue."
        ),
        sms=_("Sahl: your company's social-insurance contributions are due soon. Pay in Sahl."),
    ),
}


# --- Journeys (issue 19): told by journeys' events, whose words are the journey's and step's names.
TEMPLATES.update(
    {
        "journey_started": Template(
            subject=_("{journey} started for your family ({reference})"),
            body=_(
                "Sahl started {journey} for your family, reference {reference}: one page with every "
                "service it needs, from every agency. Done already, without you filing anything: "
                "{done}. Steps waiting for you: {waiting}. Open the journey to follow each step."
            ),
            sms=_("Sahl: a journey started for your family ({reference}). Open Sahl to follow it."),
        ),
        "journey_step_done": Template(
            subject=_("Done for you: {step} ({reference})"),
            body=_(
                "As part of {journey}, reference {reference}, Sahl completed {step} for you, without you "
                "filing anything."
            ),
            sms=_("Sahl: a step of your journey {reference} is done."),
        ),
        "journey_step_failed": Template(
            subject=_("A step of {journey} did not go through: {step}"),
            body=_(
                "{step} in {journey}, reference {reference}, did not go through. The journey's page says "
                "why and what you can do; the other steps go on."
            ),
            sms=_("Sahl: a step of your journey {reference} did not go through. Open Sahl."),
        ),
        "journey_step_waiting": Template(
            subject=_("A step waits for you: {step} ({reference})"),
            body=_(
                "In {journey}, reference {reference}, {step} now waits for you: it is prepared with what "
                "Sahl knows, for you to confirm or complete."
            ),
            sms=_("Sahl: a step of your journey {reference} waits for you. Open Sahl."),
        ),
    }
)

# A role on an agency's staff: inbox only (never an alert), so the SMS text only says to look.
TEMPLATES.update(
    {
        "staff_appointed": Template(
            subject=_("You are now {role} at {agency} in Sahl"),
            body=_(
                "{agency} gave you the role of {role} in Sahl's back office. The agency's cases are under "
                "Cases in your menu. If you did not expect this, tell the agency."
            ),
            sms=_("Sahl: you have a new role at an agency. Open Sahl."),
        ),
        "staff_removed": Template(
            subject=_("Your role of {role} at {agency} has ended"),
            body=_(
                "Your role of {role} at {agency} in Sahl's back office has ended: you no longer see the "
                "agency's cases. Your own account, applications and documents are not affected."
            ),
            sms=_("Sahl: your role at an agency has ended. Open Sahl."),
        ),
    }
)

# The fields each kind of template may use (a unit test holds every template to them).
# delivery: how an approved result reaches the person (applications.handover), "" when nothing to fetch.
APPLICATION_FIELDS = frozenset({"reference", "service", "agency", "state", "amount", "note", "delivery"})
NOTICE_FIELDS = frozenset({"reference", "agency", "subject", "body", "due_line", "name", "child"})
COMPLAINT_FIELDS = frozenset({"reference", "topic", "agency", "note"})
REMINDER_FIELDS = frozenset(
    {"document", "expires_on", "days", "company", "permits", "residencies", "amount"}  # a company's: counts
)
JOURNEY_FIELDS = frozenset({"reference", "journey", "step", "done", "waiting"})
STAFF_FIELDS = frozenset({"agency", "role"})
SMS_FIELDS = frozenset({"reference", "state", "amount"})  # nothing personal
REMINDER_SMS_FIELDS = frozenset({"document"})  # which kind of document, and whether a child's

# What a reminder calls the document, by the registers' kinds: the person's own, and a child's in
# their care (not named: the message says which on the renewal's page).
YOUR_DOCUMENT = {
    "passport": _("your passport"),
    "vehicle_registration": _("your vehicle's registration"),
    "residency": _("your residence permit"),
    "driving_licence": _("your driving licence"),
    "commercial_licence": _("your company's commercial licence"),
    "civil_id": _("your civil ID card"),
}
YOUR_CHILDS_DOCUMENT = {
    "passport": _("your child's passport"),
    "vehicle_registration": _("your child's vehicle registration"),
    "residency": _("your child's residence permit"),
    "driving_licence": _("your child's driving licence"),
    "commercial_licence": _("the commercial licence of your child's company"),
    "civil_id": _("your child's civil ID card"),
}

DUE_LINE = _("Due date: {due}")
CHILD = {"M": _("your son"), "F": _("your daughter")}
OPEN_IN_SAHL = _("Open it in Sahl: {url}")
AMOUNT = _("KWD {amount}")
EMAIL_FOOTER = _(
    "You receive this because you chose to get Sahl's messages by e-mail. You can change this in your "
    "notification settings."
)

# A value to fill in: data in both languages (a service's name), code text (gettext, possibly
# format_lazy'd) or a plain string (a reference); each is read in the recipient's language.
Param = Wording


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str
    email_subject: str
    email_body: str


def _fill(text: Promise, values: Mapping[str, str]) -> str:
    return str(text).format_map(values).strip()


def render(event: str, language: str, params: Mapping[str, Param]) -> Rendered:
    """The template of `event` in `language`, filled; the values are read in that language too."""
    template = TEMPLATES[event]
    values = {key: in_language(value, language) for key, value in params.items()}
    with override(language):
        subject = _fill(template.subject, values)
        return Rendered(
            subject=" ".join(subject.split())[:300],
            body=_fill(template.body, values),
            sms=_fill(template.sms, values),
            email_subject=" ".join(_fill(template.email_subject or template.subject, values).split())[:300],
            email_body=_fill(template.email_body or template.body, values),
        )
