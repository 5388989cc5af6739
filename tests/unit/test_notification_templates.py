"""Message templates: both languages, the same placeholders, and SMS that fit the phone."""

import re
import string

import pytest
from django.utils.text import format_lazy

from sahl.applications.labels import STATES
from sahl.applications.states import State
from sahl.core.bilingual import BilingualText as T
from sahl.core.languages import in_both, in_language
from sahl.notifications import labels, rules
from sahl.notifications import message_templates as templates
from tests import sms_length

# The longest values each placeholder takes in practice (an SMS must fit with them).
WORST = {
    "reference": "2026-0123456",
    "state": max(STATES.values(), key=lambda t: max(len(text) for text in in_both(t).values())),
    "amount": format_lazy(templates.AMOUNT, amount="999999.999"),
}
# What a reminder calls a document, the longest of them, in each language.
DOCUMENTS = [*templates.YOUR_DOCUMENT.values(), *templates.YOUR_CHILDS_DOCUMENT.values()]
NOTICE_REFERENCE = "N-2026-0123456"
ARABIC_LETTERS = re.compile("[\u0621-\u064a]")


def fields_of(text: str) -> set[str]:
    """The `{name}` fields a template text fills."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def sample(event: str) -> dict:
    values = {
        "reference": "2026-0000123",
        "service": T("تجديد جواز السفر", "Passport renewal"),
        "agency": T("وزارة الداخلية", "Ministry of Interior"),
        "state": STATES[State.COMPLETED],
        "amount": format_lazy(templates.AMOUNT, amount="5.000"),
        "note": "—",
        "delivery": "",
        "subject": "استدعاء",
        "body": "نص الإشعار",
        "due_line": "",
        "name": T("سارة أحمد المطيري", "Sara Ahmad Al-Mutairi"),
        "child": templates.CHILD["F"],
        "topic": T("إشارة مرورية معطلة", "Traffic light not working"),
        "document": templates.YOUR_CHILDS_DOCUMENT["passport"],
        "expires_on": "2027-01-05",
        "days": "50",
        "company": T("شركة الرشيدي للتجارة العامة", "Al-Rashidi General Trading Co."),
        "permits": "12",
        "residencies": "3",
        "journey": T("رحلة المولود الجديد", "The newborn journey"),
        "step": T("شهادة ميلاد", "Birth certificate"),
        "done": T("شهادة ميلاد، الملف الصحي", "Birth certificate, health file"),
        "waiting": "3",
        "role": T("مشرف", "Supervisor"),
    }
    if event in rules.NOTICE_EVENTS:
        values["reference"] = "N-2026-0000001"
    if event in rules.COMPLAINT_EVENTS:
        values["reference"] = "C-2026-0000001"
    if event in rules.JOURNEY_EVENTS:
        values["reference"] = "J-N5L3ZFQDJJ"
    return values


@pytest.mark.parametrize("event", sorted(templates.TEMPLATES))
def test_every_template_has_both_languages_with_the_same_placeholders(event):
    template = templates.TEMPLATES[event]
    allowed = (
        templates.NOTICE_FIELDS
        if event in rules.NOTICE_EVENTS
        else templates.COMPLAINT_FIELDS
        if event in rules.COMPLAINT_EVENTS
        else templates.REMINDER_FIELDS
        if event in rules.REMINDER_EVENTS
        else templates.JOURNEY_FIELDS
        if event in rules.JOURNEY_EVENTS
        else templates.STAFF_FIELDS
        if event in rules.STAFF_EVENTS
        else templates.APPLICATION_FIELDS
    )
    for part in (template.subject, template.body, template.sms, template.email_subject, template.email_body):
        if part is None:
            continue
        assert fields_of(in_language(part, "ar")) == fields_of(in_language(part, "en")), part
        assert fields_of(in_language(part, "ar")) <= allowed, part
        assert ARABIC_LETTERS.search(in_language(part, "ar")), f"the Arabic of {event} is not Arabic"
        assert not ARABIC_LETTERS.search(in_language(part, "en")), (
            f"the English of {event} has Arabic letters"
        )
    if event in rules.REMINDER_EVENTS | rules.STAFF_EVENTS:  # about a document or a role: no reference
        return
    assert "reference" in fields_of(in_language(template.subject, "ar")) | fields_of(
        in_language(template.body, "ar")
    )


@pytest.mark.parametrize("event", sorted(templates.TEMPLATES))
def test_sms_texts_carry_nothing_personal(event):
    sms = templates.TEMPLATES[event].sms
    if event in rules.REMINDER_EVENTS:  # which kind of document, whether a child's: no name, no date
        assert fields_of(in_language(sms, "ar")) <= templates.REMINDER_SMS_FIELDS
        return
    if event in rules.STAFF_EVENTS:  # never sent as an SMS (no alert): it names nothing at all
        assert not fields_of(in_language(sms, "ar")) | fields_of(in_language(sms, "en"))
        return
    assert fields_of(in_language(sms, "ar")) <= templates.SMS_FIELDS
    assert "{reference}" in in_language(sms, "ar") and "{reference}" in in_language(sms, "en")


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("event", sorted(templates.TEMPLATES))
def test_every_sms_fits_one_message_in_either_language(event, language):
    values = {k: in_language(v, language) for k, v in WORST.items()}
    values["document"] = max((in_language(d, language) for d in DOCUMENTS), key=len)
    if event in rules.NOTICE_EVENTS:
        values["reference"] = NOTICE_REFERENCE
    text = in_language(templates.TEMPLATES[event].sms, language).format_map(values)
    assert "{" not in text
    if language == "ar":
        assert not sms_length.is_gsm7(text)
        assert sms_length.sms_units(text) <= sms_length.UCS2_SINGLE, f"{len(text)} characters: {text}"
    else:
        assert sms_length.is_gsm7(text), text
        assert sms_length.sms_units(text) <= sms_length.GSM7_SINGLE
    assert sms_length.sms_segments(text) == 1
    assert sms_length.sms_segments(text) <= sms_length.MAX_SMS_SEGMENTS


@pytest.mark.parametrize("event", sorted(templates.TEMPLATES))
def test_rendering_fills_every_placeholder_in_the_recipients_language(event):
    arabic = templates.render(event, "ar", sample(event))
    english = templates.render(event, "en", sample(event))
    for rendered in (arabic, english):
        for part in (
            rendered.subject,
            rendered.body,
            rendered.sms,
            rendered.email_subject,
            rendered.email_body,
        ):
            assert part and "{" not in part and "}" not in part
    assert ARABIC_LETTERS.search(arabic.subject)
    assert not ARABIC_LETTERS.search(english.subject.replace("استدعاء", ""))


def test_the_approval_reads_naturally_in_arabic():
    rendered = templates.render("approved", "ar", sample("approved"))
    assert rendered.subject == "تمت الموافقة على معاملتك رقم 2026-0000123: تجديد جواز السفر"
    assert rendered.body == "وافقت وزارة الداخلية على معاملتك «تجديد جواز السفر» رقم 2026-0000123."
    english = templates.render("approved", "en", sample("approved"))
    assert english.subject == "Your application 2026-0000123 was approved: Passport renewal"


def test_a_guardian_reads_who_the_notice_is_for_but_the_email_and_sms_do_not_say():
    rendered = templates.render("notice_guardian", "ar", sample("notice_guardian"))
    assert "ابنتك سارة أحمد المطيري" in rendered.subject
    assert "نص الإشعار" in rendered.body
    assert "سارة" not in rendered.sms and "سارة" not in rendered.email_body + rendered.email_subject
    assert "نص الإشعار" not in rendered.email_body  # the content is read in Sahl, where reading is recorded


def test_a_reminder_reads_naturally_and_its_sms_names_no_child():
    rendered = templates.render("document_expiring", "ar", sample("document_expiring"))
    assert rendered.subject == "تذكير: تنتهي صلاحية جواز سفر أحد أبنائك في 2027-01-05"
    assert rendered.sms == "سهل: اقترب انتهاء جواز سفر أحد أبنائك. التجديد في سهل."
    english = templates.render(
        "document_expiring",
        "en",
        sample("document_expiring") | {"document": templates.YOUR_DOCUMENT["residency"]},
    )
    assert english.body == (
        "This is a reminder that your residence permit expires on 2027-01-05 (days left: 50). "
        "You can renew it in Sahl now."
    )
    assert set(templates.YOUR_DOCUMENT) == set(templates.YOUR_CHILDS_DOCUMENT)
    for wording in DOCUMENTS:
        assert ARABIC_LETTERS.search(in_language(wording, "ar")), wording
        assert not ARABIC_LETTERS.search(in_language(wording, "en")), wording


def test_a_user_value_with_braces_is_not_a_template():
    values = sample("rejected") | {"note": "missing {reference} and {0}"}
    assert templates.render("rejected", "en", values).body.endswith("Reason: missing {reference} and {0}")


def test_page_labels_read_in_arabic_and_english():
    for table in (labels.CHANNELS, labels.DELIVERY_STATES, labels.ROLES, labels.NOTICE_EVENTS, labels.KINDS):
        for label in table.values():
            assert ARABIC_LETTERS.search(in_language(label, "ar")), label
            assert not ARABIC_LETTERS.search(in_language(label, "en")), label
    from sahl.notifications.models import NoticeLog
    from sahl.outbox.models import Delivery

    assert set(labels.DELIVERY_STATES) == set(Delivery.State.values)
    assert set(labels.NOTICE_EVENTS) == set(NoticeLog.Event.values)
