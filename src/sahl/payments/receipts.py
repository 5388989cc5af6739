"""Receipts: a PDF in both languages, whatever the payer's language, written once when the money is
captured. One application's fee, or a basket: every item with its amount, and the total."""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahl.applications.models import Application
from sahl.applications.pdf import PdfDocument, render_pdf
from sahl.core.bilingual import LANGUAGES, BilingualText
from sahl.core.languages import Wording, in_language
from sahl.core.money import Money
from sahl.payments.models import PaymentIntent

RECEIPT_TITLE = _("Payment receipt — {service}")
BASKET_TITLE = _("Payment receipt — {count} items")
AMOUNT_PAID = _("Amount paid")
TOTAL_PAID = _("Total paid")
PAYMENT_NUMBER = _("Payment number")
PAID_AT = _("Paid at")


def _title(text: Wording, **values: object) -> BilingualText:
    """A title in each language, with values that are themselves bilingual read in that language."""
    ar, en = (
        in_language(text, language).format(
            **{k: v.get(language) if isinstance(v, BilingualText) else v for k, v in values.items()}
        )
        for language in LANGUAGES
    )
    return BilingualText(ar, en)


def _kwd(fils: int) -> str:
    return f"{Money(fils).amount} KWD"


def write_receipt(intent: PaymentIntent) -> None:
    assert intent.application_id is not None  # one application's fee
    application = Application.objects.select_related("service", "agency", "applicant").get(
        pk=intent.application_id
    )
    paid_at = timezone.localtime(intent.paid_at)
    pdf = render_pdf(
        PdfDocument(
            title=_title(RECEIPT_TITLE, service=application.service.name),
            agency=application.agency.name,
            reference=application.reference,
            verification_code=intent.reference,
            verify_url=f"{settings.SAHL_PUBLIC_URL}/applications/{application.reference}",
            holder_name=BilingualText(application.applicant.name_ar, application.applicant.name_en),
            holder_civil_id=application.applicant.civil_id,
            issued_on=paid_at.date(),
            valid_until=None,
            fields=(
                (AMOUNT_PAID, _kwd(intent.amount_fils)),
                (PAYMENT_NUMBER, intent.gateway_payment_id),
                (PAID_AT, paid_at.strftime("%Y-%m-%d %H:%M")),
            ),
        )
    )
    intent.receipt.save(f"{intent.reference}.pdf", ContentFile(pdf), save=True)


def write_basket_receipt(intent: PaymentIntent) -> None:
    """The basket's receipt, to the subject the payer acted for (a person or a company)."""
    items = list(intent.items.select_related("application"))
    paid_at = timezone.localtime(intent.paid_at)
    lines: tuple[tuple[Wording, Wording], ...] = tuple(
        (
            BilingualText(
                f"{item.title_ar} ({item.application.reference if item.application else item.due_reference})",
                f"{item.title_en} ({item.application.reference if item.application else item.due_reference})",
            ),
            _kwd(item.amount_fils),
        )
        for item in items
    )
    name = (
        BilingualText(intent.payer_name_ar, intent.payer_name_en)
        if intent.payer_name_ar and intent.payer_name_en
        else intent.payer_subject
    )
    pdf = render_pdf(
        PdfDocument(
            title=_title(BASKET_TITLE, count=len(items)),
            agency=intent.agency.name,
            reference=intent.reference,
            verification_code=intent.reference,
            verify_url=f"{settings.SAHL_PUBLIC_URL}{reverse('payments:basket', args=[intent.reference])}",
            holder_name=name,
            holder_civil_id=intent.payer_subject,
            issued_on=paid_at.date(),
            valid_until=None,
            fields=(
                *lines,
                (TOTAL_PAID, _kwd(intent.amount_fils)),
                (PAYMENT_NUMBER, intent.gateway_payment_id),
                (PAID_AT, paid_at.strftime("%Y-%m-%d %H:%M")),
            ),
        )
    )
    intent.receipt.save(f"{intent.reference}.pdf", ContentFile(pdf), save=True)
