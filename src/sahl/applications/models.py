"""Applications: the case from draft to outcome, with parties, attachments, requests for
information, decisions, issued documents and an append-only history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTransform

from sahl.applications.states import CATEGORY, Category, State
from sahl.core.append_only import AppendOnly


class Application(models.Model):
    reference = models.CharField(max_length=20, unique=True, help_text="shown to people, e.g. 2026-0000123")
    service = models.ForeignKey("catalogue.Service", on_delete=models.PROTECT, related_name="applications")
    version = models.ForeignKey(
        "catalogue.ServiceVersion", on_delete=models.PROTECT, help_text="the definition it was filed under"
    )
    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    subject_civil_id = models.CharField(
        max_length=12, help_text="for whom; the applicant unless under a mandate"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    form_data = models.JSONField(default=dict)
    fee_fils = models.PositiveIntegerField(default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True, help_text="service-level due date; moves when paused")
    paused_since = models.DateField(null=True, blank=True, help_text="set while the clock is stopped")
    # What the registers said when it was filed, read before the filing's transaction (ADR 0043):
    # {"names": {civil_id: {ar, en}}, "labels": {field: {ar, en} | null}, "address": {ar, en} | null}.
    # Pages show these and never call the registers (an outside system) in a transaction.
    register_facts = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["applicant", "-created_at"]),
            models.Index(fields=["agency", "state", "due_on"]),
            # The caseworker's queue: open cases of an agency, most urgent first, read in index order
            # and paged by keyset on these columns (no sort of an agency's million cases for a page).
            models.Index(
                fields=["agency", "due_on", "submitted_at", "id"],
                condition=models.Q(state__in=[State.IN_REVIEW, State.ACTION_NEEDED]),  # backoffice WORKABLE
                name="open_cases_by_due",
            ),
            models.Index(fields=["subject_civil_id", "-created_at"]),  # "my applications", acting or not
            # The applications filed for a company (their answers name it): the documents certifying
            # it are found through them when its licence is cancelled (wallet.revoking). Partial:
            # only the applications whose answers have a company.
            models.Index(
                KeyTransform("company", "form_data"),
                condition=models.Q(form_data__has_key="company"),
                name="application_of_company",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def category(self) -> Category:
        return CATEGORY[State(self.state)]


class Party(models.Model):
    """Someone else on the case (buyer, seller, mother...), with their consent."""

    class Consent(models.TextChoices):
        NOT_NEEDED = "not_needed", "not needed"
        PENDING = "pending", "pending"
        GIVEN = "given", "given"
        DECLINED = "declined", "declined"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(max_length=20)
    civil_id = models.CharField(max_length=12)
    consent = models.CharField(max_length=12, choices=Consent.choices)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "role", "civil_id"], name="one_party_per_role_and_person"
            )
        ]
        indexes = [models.Index(fields=["civil_id", "consent"])]

    def __str__(self) -> str:
        return f"{self.role} on {self.application_id}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name never carries the uploaded name (it may hold personal data or tricks).
    return f"applications/{instance.application_id}/{instance.sha256[:16]}.{instance.extension}"


class InfoRequest(models.Model):
    """The agency asks the applicant for something (a document, an answer)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="info_requests")
    message = models.TextField()
    document_code = models.CharField(max_length=60, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # null: asked by the agency's own system through the agency API
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"request {self.pk} on {self.application_id}"


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    document_code = models.CharField(max_length=60)
    file = models.FileField(upload_to=attachment_path)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=5)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    info_request = models.ForeignKey(InfoRequest, null=True, blank=True, on_delete=models.PROTECT)

    def __str__(self) -> str:
        return f"attachment {self.pk}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # null: decided by the service's rules
    decided_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.outcome} {self.application_id}"


class IssuedDocument(models.Model):
    """A document the application produced, as a PDF with a verification code."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    document = models.CharField(max_length=60)
    title_ar = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    holder_civil_id = models.CharField(max_length=12)
    verification_code = models.CharField(max_length=20, unique=True)
    issued_on = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    # Empty until the file is there: an approval's PDF is rendered by a task after the commit
    # (applications.rendering), an agency's upload is there at once.
    pdf = models.FileField(upload_to="documents/", blank=True)
    ready_at = models.DateTimeField(null=True, blank=True, help_text="when its file was ready to download")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["holder_civil_id", "-issued_on"], name="document_of_holder")
        ]  # the wallet

    def __str__(self) -> str:
        return self.verification_code

    @property
    def ready(self) -> bool:
        """Its file can be downloaded."""
        return bool(self.pdf)


class HistoryEvent(AppendOnly):
    """One thing that happened to an application. Rows are only ever added."""

    class Kind(models.TextChoices):
        CREATED = "created", "created"
        SAVED = "saved", "saved"
        SUBMITTED = "submitted", "submitted"
        CONSENT_GIVEN = "consent_given", "consent given"
        CONSENT_DECLINED = "consent_declined", "consent declined"
        PAYMENT_DUE = "payment_due", "payment due"
        PAID = "paid", "paid"
        REFUNDED = "refunded", "refunded"
        SENT_TO_AGENCY = "sent_to_agency", "sent to the agency"
        DELIVERED = "delivered", "delivered to the agency's system"
        AGENCY_UPDATE = "agency_update", "progress reported by the agency"
        TAKEN = "taken", "taken"
        REASSIGNED = "reassigned", "given to another caseworker by a supervisor"
        INFO_REQUESTED = "info_requested", "information requested"
        INFO_PROVIDED = "info_provided", "information provided"
        APPROVED = "approved", "approved"
        REJECTED = "rejected", "rejected"
        DOCUMENT_ISSUED = "document_issued", "document issued"
        REGISTER_UPDATED = "register_updated", "register updated"
        COMPLETED = "completed", "completed"
        CANCELLED = "cancelled", "cancelled"
        WITHDRAWN = "withdrawn", "withdrawn"

    # PROTECT: an application with history is never deleted (the history is append-only; a
    # CASCADE would remove it behind the model's back).
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_behalf_of = models.CharField(max_length=12, blank=True, help_text="civil ID of the person acted for")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True, help_text="the why: a reason, a message")

    class Meta(AppendOnly.Meta):
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.application_id}"


class ApplicationCard(models.Model):
    """The read model of "my applications" (ADR 0042): one row per application and per person who
    sees it (its subject and each party), holding what the list shows, so that a page is one read
    of this table by the index that starts with the viewer's civil ID. Written only by
    `applications.cards` (the events' listener, a new draft, the rebuild)."""

    civil_id = models.CharField(max_length=12, help_text="who sees it: the subject or a party")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cards")
    role = models.CharField(max_length=20, help_text="'subject', or the party's role (buyer, seller...)")
    reference = models.CharField(max_length=20)
    created_at = models.DateTimeField(help_text="the application's: the list's order")
    updated_at = models.DateTimeField(help_text="when the card was last written")
    state = models.CharField(max_length=20, choices=State.choices)
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    service_code = models.CharField(max_length=80)
    service_name_ar = models.CharField(max_length=200)
    service_name_en = models.CharField(max_length=200)
    service_category = models.CharField(
        max_length=40, help_text="the catalogue category: an attorney's reach"
    )
    agency_code = models.CharField(max_length=20)
    agency_name_ar = models.CharField(max_length=200)
    agency_name_en = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["civil_id", "application"], name="one_card_per_viewer")
        ]
        # The list's keyset: a viewer's cards newest first, read in index order.
        indexes = [models.Index(fields=["civil_id", "-created_at", "-application"], name="cards_of_viewer")]

    def __str__(self) -> str:
        return f"{self.reference} for a viewer"

    @property
    def category(self) -> Category:
        return CATEGORY[State(self.state)]


class ApplicationPage(models.Model):
    """The read model of one application's page and its API answer (ADR 0043): everything they
    show, prepared when the application changes, so that a read is one row by its reference. Who
    may see it is in the row (the subject and the parties; an attorney by the service's category).
    Written only by `applications.pages` (the events' listeners and the rebuild)."""

    reference = models.CharField(max_length=20, unique=True)
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="page")
    viewers = models.JSONField(default=list, help_text="civil IDs who see it: the subject, then the parties")
    category = models.CharField(
        max_length=40, help_text="the service's catalogue category: an attorney's reach"
    )
    content = models.JSONField(default=dict, help_text="what the page shows, as pages.content builds it")

    def __str__(self) -> str:
        return self.reference
