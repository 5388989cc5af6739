"""Paying fees: one payment intent per attempt, at most one open or paid per application or due.

An intent pays its items: one application's fee (`application` is set too, as it always was), or a
basket of several applications' fees or of dues held outside Sahl's applications (a company's
monthly social-insurance statement), paid at once. An item is `live` while its intent is pending or
paid and its money is kept: the database refuses an application or a due in two live items."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from sahl.core.append_only import AppendOnly


class PaymentIntent(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "pending"  # sent to the gateway; the person is on its page
        PAID = "paid", "paid"  # the gateway captured the money (final, except a refund)
        DECLINED = "declined", "declined"  # the bank refused; a new attempt may start
        CANCELLED = "cancelled", "cancelled"  # the person cancelled on the gateway page
        FAILED = "failed", "failed"  # no result came; the gateway's inquiry said it was not captured
        EXPIRED = "expired", "expired"  # no result in time; a late capture still counts
        REFUNDED = "refunded", "refunded"  # the money went back to the person

    reference = models.CharField(max_length=40, unique=True, help_text="our track id at the gateway")
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        help_text="the one application paid; empty for a basket (see items)",
    )
    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="+")
    amount_fils = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="KWD")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    gateway_payment_id = models.CharField(max_length=40, blank=True)
    payment_url = models.URLField(max_length=400, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    inquired_at = models.DateTimeField(null=True, blank=True, help_text="when the gateway was last asked")
    inquiry = models.CharField(max_length=10, blank=True, help_text="what the gateway last answered")
    receipt = models.FileField(upload_to="receipts/", blank=True)
    payer = models.ForeignKey(
        "identity.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payer_subject = models.CharField(
        max_length=20, blank=True, help_text="whom the payer acted for: a civil ID or a company number"
    )
    payer_name_ar = models.CharField(max_length=200, blank=True)
    payer_name_en = models.CharField(max_length=200, blank=True)
    return_to = models.CharField(max_length=200, blank=True, help_text="a same-site path to go back to")

    class Meta:
        constraints = [
            # Two tabs, two clicks, two workers: never two live attempts, never two charges.
            models.UniqueConstraint(
                fields=["application"], condition=Q(state__in=["pending", "paid"]), name="one_live_payment"
            )
        ]
        indexes = [models.Index(fields=["agency", "paid_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_basket(self) -> bool:
        return self.application_id is None


class PaymentItem(models.Model):
    """One thing an intent pays: an application's fee, or a due (by the reference of the register
    that holds it). `live` follows the intent's state (pending or paid), except that the items of a
    paid basket whose money goes back are released at once (services._paid)."""

    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="items")
    application = models.ForeignKey(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_items",
    )
    due_reference = models.CharField(max_length=60, blank=True)
    title_ar = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    amount_fils = models.PositiveIntegerField()
    live = models.BooleanField(default=True)

    class Meta:
        ordering = ["intent", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(application__isnull=False) & Q(due_reference=""))
                | (Q(application__isnull=True) & ~Q(due_reference="")),
                name="item_is_an_application_or_a_due",
            ),
            # What one_live_payment says of an intent, for every item of every intent and basket.
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(live=True, application__isnull=False),
                name="one_live_item_per_application",
            ),
            models.UniqueConstraint(
                fields=["due_reference"],
                condition=Q(live=True) & ~Q(due_reference=""),
                name="one_live_item_per_due",
            ),
        ]

    def __str__(self) -> str:
        return self.due_reference or f"application {self.application_id}"


class PaymentEvent(AppendOnly):
    """What happened to payments, including results that were refused. Rows are only ever added."""

    intent = models.ForeignKey(PaymentIntent, null=True, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=30)
    detail = models.CharField(max_length=200, blank=True)

    class Meta(AppendOnly.Meta):
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.intent_id}"
