"""What messages say, in Arabic and English. Rendered in the recipient's language (not the
request's), so these are BilingualText in code rather than gettext.

Placeholders are `{name}` fields. The SMS texts carry no personal data: only the reference, the
state or an amount, never a name, a civil ID or the agency's words.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass

from sahl.core.bilingual import BilingualText as T


@dataclass(frozen=True)
class Template:
    subject: T
    body: T  # the inbox text
    sms: T
    email_subject: T | None = None  # when the e-mail must say less than the inbox (notices)
    email_body: T | None = None


TEMPLATES: dict[str, Template] = {
    "submitted": Template(
        subject=T(
            "استلمنا معاملتك رقم {reference}: {service}",
            "We received your application {reference}: {service}",
        ),
        body=T(
            "استلمنا طلبك «{service}» برقم {reference}، وسنُعلمك بكل تغيير في حالته.",
            "We received your application for {service}, reference {reference}. We will let you know about every change.",
        ),
        sms=T("سهل: استلمنا معاملتك رقم {reference}.", "Sahl: we received your application {reference}."),
    ),
    "sent_to_agency": Template(
        subject=T(
            "معاملتك رقم {reference} قيد المراجعة لدى {agency}",
            "Your application {reference} is in review at {agency}",
        ),
        body=T(
            "أُحيلت معاملتك «{service}» رقم {reference} إلى {agency}، وهي الآن قيد المراجعة.",
            "Your application for {service}, reference {reference}, was sent to {agency} and is now in review.",
        ),
        sms=T(
            "سهل: معاملتك رقم {reference} قيد المراجعة لدى الجهة.",
            "Sahl: your application {reference} is in review at the agency.",
        ),
    ),
    "info_requested": Template(
        subject=T(
            "مطلوب إجراء منك في معاملتك رقم {reference}", "Action needed on your application {reference}"
        ),
        body=T(
            "طلبت {agency} منك ما يلي لإكمال معاملتك «{service}» رقم {reference}:\n{note}\n\n"
            "افتح المعاملة في سهل وأرسل ردك.",
            "{agency} needs the following to complete your application for {service}, reference "
            "{reference}:\n{note}\n\nOpen the application in Sahl to reply.",
        ),
        sms=T(
            "سهل: مطلوب إجراء منك في معاملتك رقم {reference}. افتح سهل للرد.",
            "Sahl: action needed on your application {reference}. Open Sahl to reply.",
        ),
    ),
    "consent_requested": Template(
        subject=T(
            "مطلوبة موافقتك على المعاملة رقم {reference}: {service}",
            "Your agreement is needed on application {reference}: {service}",
        ),
        body=T(
            "ورد اسمك طرفاً في معاملة «{service}» رقم {reference}، ولن تُستكمل إلا بموافقتك. "
            "افتح المعاملة في سهل لتوافق عليها أو ترفضها.",
            "You are named as a party to an application for {service}, reference {reference}, which "
            "cannot go ahead without your agreement. Open it in Sahl to agree or decline.",
        ),
        sms=T(
            "سهل: مطلوبة موافقتك على المعاملة رقم {reference}. افتح سهل للرد.",
            "Sahl: your agreement is needed on application {reference}. Open Sahl to reply.",
        ),
    ),
    "approved": Template(
        subject=T(
            "تمت الموافقة على معاملتك رقم {reference}: {service}",
            "Your application {reference} was approved: {service}",
        ),
        body=T(
            "وافقت {agency} على معاملتك «{service}» رقم {reference}.",
            "{agency} approved your application for {service}, reference {reference}.",
        ),
        sms=T(
            "سهل: تمت الموافقة على معاملتك رقم {reference}.",
            "Sahl: your application {reference} was approved.",
        ),
    ),
    "rejected": Template(
        subject=T(
            "رُفضت معاملتك رقم {reference}: {service}", "Your application {reference} was rejected: {service}"
        ),
        body=T(
            "رفضت {agency} معاملتك «{service}» رقم {reference}.\nالسبب: {note}",
            "{agency} rejected your application for {service}, reference {reference}.\nReason: {note}",
        ),
        sms=T(
            "سهل: رُفضت معاملتك رقم {reference}. السبب في صفحتها على سهل.",
            "Sahl: your application {reference} was rejected. The reason is on its page in Sahl.",
        ),
    ),
    "completed": Template(
        subject=T(
            "أُنجزت معاملتك رقم {reference}: {service}", "Your application {reference} is completed: {service}"
        ),
        body=T(
            "أُنجزت معاملتك «{service}» رقم {reference}. تجد المستندات الصادرة في صفحة المعاملة على سهل، "
            "وفي «هويتي» لتعرضها برمز QR.",
            "Your application for {service}, reference {reference}, is completed. Any documents issued "
            "are on the application's page in Sahl, and in Hawiyati, to show them by QR code.",
        ),
        sms=T("سهل: أُنجزت معاملتك رقم {reference}.", "Sahl: your application {reference} is completed."),
    ),
    "cancelled": Template(
        subject=T(
            "أُلغيت معاملتك رقم {reference}: {service}",
            "Your application {reference} was cancelled: {service}",
        ),
        body=T(
            "أُلغيت معاملتك «{service}» رقم {reference} دون البت فيها. التفاصيل في صفحة المعاملة على سهل.",
            "Your application for {service}, reference {reference}, was cancelled without a decision. "
            "The details are on its page in Sahl.",
        ),
        sms=T("سهل: أُلغيت معاملتك رقم {reference}.", "Sahl: your application {reference} was cancelled."),
    ),
    "withdrawn": Template(
        subject=T(
            "سُحبت معاملتك رقم {reference}: {service}", "Your application {reference} was withdrawn: {service}"
        ),
        body=T(
            "سُحبت معاملتك «{service}» رقم {reference} بناءً على طلبك، ولن تعمل عليها الجهة.",
            "Your application for {service}, reference {reference}, was withdrawn at your request; the "
            "agency will not work on it.",
        ),
        sms=T("سهل: سُحبت معاملتك رقم {reference}.", "Sahl: your application {reference} was withdrawn."),
    ),
    # Complaints (Ballegh): {reference} is the report's, {topic} what it is about, {agency} who has it.
    "complaint_filed": Template(
        subject=T("استلمنا بلاغك رقم {reference}: {topic}", "We received your report {reference}: {topic}"),
        body=T(
            "استلمنا بلاغك «{topic}» برقم {reference}، وأُحيل إلى {agency}. ستصلك كل خطوة في معالجته.",
            "We received your report about {topic}, reference {reference}, and sent it to {agency}. You will hear about every step.",
        ),
        sms=T("سهل: استلمنا بلاغك رقم {reference}.", "Sahl: we received your report {reference}."),
    ),
    "complaint_acknowledged": Template(
        subject=T("تتابع {agency} بلاغك رقم {reference}", "{agency} is working on your report {reference}"),
        body=T(
            "تسلّمت {agency} بلاغك «{topic}» رقم {reference} وبدأت معالجته.",
            "{agency} took on your report about {topic}, reference {reference}, and is working on it.",
        ),
        sms=T(
            "سهل: بدأت الجهة معالجة بلاغك رقم {reference}.",
            "Sahl: the agency is working on your report {reference}.",
        ),
    ),
    "complaint_question": Template(
        subject=T("سؤال عن بلاغك رقم {reference}", "A question about your report {reference}"),
        body=T(
            "تسأل {agency} عن بلاغك «{topic}» رقم {reference}: {note}\nأجب من صفحة البلاغ لتستمر المعالجة.",
            "{agency} asks about your report on {topic}, reference {reference}: {note}\nAnswer on the report's page so the work can go on.",
        ),
        sms=T(
            "سهل: لدى الجهة سؤال عن بلاغك رقم {reference}.",
            "Sahl: the agency has a question about your report {reference}.",
        ),
    ),
    "complaint_forwarded": Template(
        subject=T("أُحيل بلاغك رقم {reference} إلى {agency}", "Your report {reference} went to {agency}"),
        body=T(
            "أُحيل بلاغك «{topic}» رقم {reference} إلى {agency} المختصة، والسبب: {note}",
            "Your report about {topic}, reference {reference}, went to {agency}, which is responsible. The reason: {note}",
        ),
        sms=T(
            "سهل: أُحيل بلاغك رقم {reference} إلى جهة أخرى.",
            "Sahl: your report {reference} went to another agency.",
        ),
    ),
    "complaint_resolved": Template(
        subject=T("عولج بلاغك رقم {reference}", "Your report {reference} was resolved"),
        body=T(
            "أفادت {agency} بمعالجة بلاغك «{topic}» رقم {reference}: {note}\nقيّم المعالجة، أو أعد فتح البلاغ إن لم تُحل المشكلة.",
            "{agency} says your report about {topic}, reference {reference}, is resolved: {note}\nRate the handling, or reopen the report if the problem is still there.",
        ),
        sms=T(
            "سهل: عولج بلاغك رقم {reference}. قيّم المعالجة.",
            "Sahl: your report {reference} was resolved. Rate it.",
        ),
    ),
    "complaint_reopened": Template(
        subject=T("أُعيد فتح البلاغ رقم {reference}", "Report {reference} was reopened"),
        body=T(
            "أُعيد فتح البلاغ «{topic}» رقم {reference} لدى {agency}: {note}",
            "Report {reference} about {topic} was reopened with {agency}: {note}",
        ),
        sms=T("سهل: أُعيد فتح البلاغ رقم {reference}.", "Sahl: report {reference} was reopened."),
    ),
    "complaint_escalated": Template(
        subject=T("بلاغ تجاوز مهلته: {reference}", "A report is past its deadline: {reference}"),
        body=T(
            "تجاوز البلاغ «{topic}» رقم {reference} لدى {agency} مهلة معالجته، ورُفع إليك بصفتك مشرفاً.",
            "Report {reference} about {topic} at {agency} is past its deadline and was escalated to you as a supervisor.",
        ),
        sms=T("سهل: البلاغ رقم {reference} تجاوز مهلته.", "Sahl: report {reference} is past its deadline."),
    ),
    "payment_due": Template(
        subject=T(
            "رسوم معاملتك رقم {reference} مستحقة الدفع", "The fee for your application {reference} is due"
        ),
        body=T(
            "رسوم معاملتك «{service}» رقم {reference} هي {amount}. ادفعها من صفحة المعاملة على سهل "
            "لتبدأ {agency} العمل عليها.",
            "The fee for your application for {service}, reference {reference}, is {amount}. Pay it from "
            "the application's page in Sahl so that {agency} can start work on it.",
        ),
        sms=T(
            "سهل: رسوم معاملتك رقم {reference} مستحقة: {amount}.",
            "Sahl: the fee of {amount} for your application {reference} is due.",
        ),
    ),
    "payment_received": Template(
        subject=T(
            "استلمنا رسوم معاملتك رقم {reference}", "We received the fee for your application {reference}"
        ),
        body=T(
            "استلمنا {amount} رسوم معاملتك «{service}» رقم {reference}. الإيصال في صفحة المعاملة على سهل.",
            "We received {amount}, the fee for your application for {service}, reference {reference}. "
            "The receipt is on the application's page in Sahl.",
        ),
        sms=T(
            "سهل: استلمنا {amount} رسوم معاملتك رقم {reference}.",
            "Sahl: we received {amount} for your application {reference}.",
        ),
    ),
    "payment_refunded": Template(
        subject=T(
            "أُعيدت رسوم معاملتك رقم {reference}", "The fee for your application {reference} was refunded"
        ),
        body=T(
            "أُعيد إليك مبلغ {amount} رسوم معاملتك «{service}» رقم {reference}. قد يستغرق ظهوره في "
            "حسابك المصرفي بضعة أيام عمل.",
            "{amount}, the fee for your application for {service}, reference {reference}, was refunded "
            "to you. It may take a few working days to show in your bank account.",
        ),
        sms=T(
            "سهل: أُعيد إليك {amount} رسوم معاملتك رقم {reference}.",
            "Sahl: {amount} for your application {reference} was refunded.",
        ),
    ),
    "party_update": Template(
        subject=T("حالة المعاملة رقم {reference}: {state}", "Application {reference} is now: {state}"),
        body=T(
            "حالة المعاملة «{service}» رقم {reference}، التي أنت طرف فيها، هي الآن: {state}.",
            "The application for {service}, reference {reference}, to which you are a party, is now: {state}.",
        ),
        sms=T(
            "سهل: حالة المعاملة رقم {reference} الآن: {state}.",
            "Sahl: application {reference} is now: {state}.",
        ),
    ),
    "notice": Template(
        subject=T("إشعار رسمي من {agency}: {subject}", "Official notice from {agency}: {subject}"),
        body=T(
            "أرسلت إليك {agency} الإشعار الرسمي رقم {reference}:\n\n{body}\n\n{due_line}",
            "{agency} sent you official notice {reference}:\n\n{body}\n\n{due_line}",
        ),
        sms=T(
            "سهل: لديك إشعار رسمي جديد رقم {reference}. افتحه في سهل.",
            "Sahl: you have a new official notice, {reference}. Open it in Sahl.",
        ),
        email_subject=T("إشعار رسمي جديد من {agency}", "New official notice from {agency}"),
        email_body=T(
            "لديك إشعار رسمي جديد من {agency} برقم {reference}. افتحه في سهل لقراءته؛ يُسجَّل وقت اطّلاعك عليه.",
            "You have a new official notice from {agency}, reference {reference}. Open it in Sahl to read "
            "it; the time you open it is recorded.",
        ),
    ),
    "notice_guardian": Template(
        subject=T(
            "إشعار رسمي إلى {child} {name} من {agency}: {subject}",
            "Official notice to {child} {name} from {agency}: {subject}",
        ),
        body=T(
            "بصفتك وليّ أمر {name}، نُعلمك بأن {agency} أرسلت الإشعار الرسمي رقم {reference} إلى {child}:"
            "\n\n{body}\n\n{due_line}",
            "As the guardian of {name}, you are informed that {agency} sent official notice {reference} "
            "to {child}:\n\n{body}\n\n{due_line}",
        ),
        sms=T(
            "سهل: إشعار رسمي جديد رقم {reference} لك بصفتك وليّ الأمر.",
            "Sahl: a new official notice, {reference}, for you as a guardian. Open it in Sahl.",
        ),
        email_subject=T(
            "إشعار رسمي جديد من {agency} إلى {child}", "New official notice from {agency} to {child}"
        ),
        email_body=T(
            "أرسلت {agency} إشعاراً رسمياً برقم {reference} إلى {child}، وأُبلغت به بصفتك وليّ الأمر. "
            "افتحه في سهل لقراءته؛ يُسجَّل وقت اطّلاعك عليه.",
            "{agency} sent official notice {reference} to {child}; you are informed as the guardian. Open "
            "it in Sahl to read it; the time you open it is recorded.",
        ),
    ),
}

# The fields each kind of template may use (a unit test holds every template to them).
APPLICATION_FIELDS = frozenset({"reference", "service", "agency", "state", "amount", "note"})
NOTICE_FIELDS = frozenset({"reference", "agency", "subject", "body", "due_line", "name", "child"})
COMPLAINT_FIELDS = frozenset({"reference", "topic", "agency", "note"})
SMS_FIELDS = frozenset({"reference", "state", "amount"})  # nothing personal

DUE_LINE = T("الموعد المحدد: {due}", "Due date: {due}")
CHILD = {"M": T("ابنك", "your son"), "F": T("ابنتك", "your daughter")}
OPEN_IN_SAHL = T("افتحها في سهل: {url}", "Open it in Sahl: {url}")
EMAIL_FOOTER = T(
    "وصلتك هذه الرسالة لأنك اخترت تلقي رسائل سهل بالبريد الإلكتروني. يمكنك تغيير ذلك من إعدادات الإشعارات.",
    "You receive this because you chose to get Sahl's messages by e-mail. You can change this in your "
    "notification settings.",
)

Param = str | T


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    sms: str
    email_subject: str
    email_body: str


def fields_of(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _fill(text: str, values: Mapping[str, str]) -> str:
    return text.format_map(values).strip()


def render(event: str, language: str, params: Mapping[str, Param]) -> Rendered:
    """The template of `event` in `language`, filled; bilingual values take that language too."""
    template = TEMPLATES[event]
    values = {key: value.get(language) if isinstance(value, T) else value for key, value in params.items()}
    subject = _fill(template.subject.get(language), values)
    body = _fill(template.body.get(language), values)
    return Rendered(
        subject=" ".join(subject.split())[:300],
        body=body,
        sms=_fill(template.sms.get(language), values),
        email_subject=" ".join(
            _fill((template.email_subject or template.subject).get(language), values).split()
        )[:300],
        email_body=_fill((template.email_body or template.body).get(language), values),
    )


# --- Labels on pages (the page's language) -----------------------------------------------------------

CHANNELS = {
    "inbox": T("صندوق الرسائل في سهل", "Sahl inbox"),
    "email": T("البريد الإلكتروني", "E-mail"),
    "sms": T("رسالة نصية", "SMS"),
}

DELIVERY_STATES = {
    "queued": T("في الانتظار", "Queued"),
    "sending": T("قيد الإرسال", "Sending"),
    "sent": T("أُرسلت", "Sent"),
    "retrying": T("تعذّر الإرسال، وستُعاد المحاولة", "Not sent yet, will try again"),
    "failed": T("تعذّر الإرسال", "Could not be sent"),
    "uncertain": T("غير مؤكد، يراجعه فريق التشغيل", "Uncertain, being checked by our operators"),
}

# How the agency's staff read the recipients of a notice.
ROLES = {
    "addressee": T("صاحب الإشعار", "Addressee"),
    "father": T("الأب (وليّ الأمر)", "Father (guardian)"),
    "mother": T("الأم (وليّة الأمر)", "Mother (guardian)"),
}

# How each recipient reads who else was notified: {their role: {other's role: text}}.
OTHERS = {
    "addressee": {
        "father": T("والدك، بصفته وليّ أمرك", "your father, as your guardian"),
        "mother": T("والدتك، بصفتها وليّة أمرك", "your mother, as your guardian"),
    },
    "father": {
        "addressee": T("صاحب الإشعار نفسه", "the person it is addressed to"),
        "mother": T("الأم، بصفتها وليّة الأمر", "the mother, as guardian"),
    },
    "mother": {
        "addressee": T("صاحب الإشعار نفسه", "the person it is addressed to"),
        "father": T("الأب، بصفته وليّ الأمر", "the father, as guardian"),
    },
}

NOTICE_EVENTS = {
    "sent": T("أرسلت الجهة الإشعار", "The agency sent the notice"),
    "waiting": T("بانتظار أن يفتح حساباً في سهل", "Waiting for them to open a Sahl account"),
    "delivered": T("وصل إلى صندوق الرسائل", "Delivered to the inbox"),
    "channel_sent": T("أُرسل التنبيه", "Alert sent"),
    "channel_failed": T("تعذّر إرسال التنبيه", "Alert could not be sent"),
    "channel_uncertain": T("إرسال التنبيه غير مؤكد", "Alert sending uncertain"),
    "read": T("فتحه وقرأه", "Opened and read"),
}

KINDS = {
    "application": T("معاملة", "Application"),
    "notice": T("إشعار رسمي", "Official notice"),
}

# Field errors (shown beside the field, in the page's language).
ERRORS = {
    "email": T(
        "عنوان البريد الإلكتروني غير صحيح، مثال صحيح: name@example.com",
        "This e-mail address is not valid; for example: name@example.com",
    ),
    "phone": T(
        "رقم الهاتف غير صحيح: اكتب رقم هاتف كويتي من 8 أرقام يبدأ بـ 5 أو 6 أو 9.",
        "This phone number is not valid: enter a Kuwaiti mobile number of 8 digits starting with 5, 6 or 9.",
    ),
    "email_needed": T(
        "أدخل بريدك الإلكتروني لتصلك الرسائل عليه.",
        "Enter your e-mail address to receive messages by e-mail.",
    ),
    "phone_needed": T("أدخل رقم هاتفك لتصلك الرسائل النصية.", "Enter your phone number to receive SMS."),
    "language": T("اختر العربية أو الإنجليزية.", "Choose Arabic or English."),
    "civil_id_unknown": T(
        "لا يوجد هذا الرقم المدني في السجل المدني.", "This civil ID is not in the civil register."
    ),
    "subject": T(
        "اكتب عنوان الإشعار (200 حرف على الأكثر).", "Write the notice's subject (at most 200 characters)."
    ),
    "body": T("اكتب نص الإشعار (4000 حرف على الأكثر).", "Write the notice's text (at most 4000 characters)."),
    "due_on": T(
        "اكتب التاريخ بالشكل 2026-12-31، ولا يكون في الماضي.",
        "Write the date as 2026-12-31; it cannot be in the past.",
    ),
}
