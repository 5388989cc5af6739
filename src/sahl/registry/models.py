"""The base registers the agencies own, as simulated by Sahl: people, vehicles, licences,
passports and companies. A real deployment reads the agencies' systems through `adapters`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import pgettext_lazy


class Sex(models.TextChoices):
    MALE = "M", pgettext_lazy("register", "Male")
    FEMALE = "F", pgettext_lazy("register", "Female")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", pgettext_lazy("register", "Single")
    MARRIED = "married", pgettext_lazy("register", "Married")
    DIVORCED = "divorced", pgettext_lazy("register", "Divorced")
    WIDOWED = "widowed", pgettext_lazy("register", "Widowed")


class Residency(models.TextChoices):
    NONE = "none", pgettext_lazy("register", "Citizen")  # Kuwaitis hold no residence permit
    ARTICLE_17 = "article-17", pgettext_lazy("register", "Article 17")  # government work
    ARTICLE_18 = "article-18", pgettext_lazy("register", "Article 18")  # private-sector work
    ARTICLE_19 = "article-19", pgettext_lazy("register", "Article 19")  # partner or investor
    ARTICLE_20 = "article-20", pgettext_lazy("register", "Article 20")  # domestic work
    ARTICLE_22 = "article-22", pgettext_lazy("register", "Article 22")  # family joining a resident
    ARTICLE_24 = "article-24", pgettext_lazy("register", "Article 24")  # self-sponsored


class Employment(models.TextChoices):
    GOVERNMENT = "government", pgettext_lazy("register", "Government")
    PRIVATE = "private", pgettext_lazy("register", "Private")
    SELF_EMPLOYED = "self-employed", pgettext_lazy("register", "Self-employed")
    RETIRED = "retired", pgettext_lazy("register", "Retired")
    STUDENT = "student", pgettext_lazy("register", "Student")
    NONE = "none", pgettext_lazy("register", "Not working")


class Person(models.Model):
    civil_id = models.CharField(max_length=12, unique=True)
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1, choices=Sex.choices)
    nationality = models.CharField(max_length=2, help_text="ISO 3166 alpha-2; KW for Kuwaitis")
    governorate = models.CharField(max_length=5)
    area = models.CharField(max_length=20, help_text="area code from registry/data/areas.json")
    marital_status = models.CharField(max_length=10, choices=MaritalStatus.choices)
    residency = models.CharField(max_length=12, choices=Residency.choices, default=Residency.NONE)
    residency_expiry = models.DateField(null=True, blank=True)
    civil_id_expiry = models.DateField()
    # The civil ID card itself: its serial number (printed on the card, new with each card) and the
    # mobile number PACI holds for the person. Joining Sahl proves both (identity.joining).
    card_serial = models.CharField(max_length=12, blank=True, default="", db_default="")
    mobile = models.CharField(max_length=12, blank=True, default="", db_default="", help_text="+965XXXXXXXX")
    employment = models.CharField(max_length=16, choices=Employment.choices)
    is_insured = models.BooleanField(default=False)
    has_disability = models.BooleanField(default=False)
    father = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    mother = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sponsor = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="sponsored"
    )

    class Meta:
        indexes = [models.Index(fields=["father"]), models.Index(fields=["mother"])]

    def __str__(self) -> str:
        return f"person {self.pk}"  # never personal data: it may reach logs


class Marriage(models.Model):
    husband = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="marriages_as_husband")
    wife = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="marriages_as_wife")
    married_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    # The Ministry of Justice's contract number, when the marriage was registered through Sahl.
    contract_number = models.CharField(max_length=30, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract_number"],
                condition=~models.Q(contract_number=""),
                name="one_marriage_per_contract",
            )
        ]

    def __str__(self) -> str:
        return f"marriage {self.pk}"


class Birth(models.Model):
    """A birth as the hospital notified it (the Ministry of Health's births register): the child is
    entered in the population register with it."""

    child = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="birth")
    notification_number = models.CharField(max_length=20, unique=True)
    hospital = models.CharField(max_length=30)
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"birth {self.pk}"


class Vehicle(models.Model):
    plate = models.CharField(max_length=12, unique=True)
    owner = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="vehicles")
    make = models.CharField(max_length=40)
    model = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    colour_ar = models.CharField(max_length=30)
    colour_en = models.CharField(max_length=30)
    registration_expiry = models.DateField()
    insurance_expiry = models.DateField()

    def __str__(self) -> str:
        return f"vehicle {self.pk}"


class TrafficFine(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="fines")
    amount_fils = models.PositiveIntegerField()
    offence_ar = models.CharField(max_length=120)
    offence_en = models.CharField(max_length=120)
    issued_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"fine {self.pk}"


class DrivingLicence(models.Model):
    class Category(models.TextChoices):
        PRIVATE = "private", pgettext_lazy("register", "Private")
        MOTORCYCLE = "motorcycle", pgettext_lazy("register", "Motorcycle")
        TAXI = "taxi", pgettext_lazy("register", "Taxi")
        TRUCK = "truck", pgettext_lazy("register", "Truck")

    number = models.CharField(max_length=20, unique=True)
    holder = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="driving_licences")
    category = models.CharField(max_length=12, choices=Category.choices)
    issued_on = models.DateField()
    expires_on = models.DateField()

    def __str__(self) -> str:
        return f"driving licence {self.pk}"


class Passport(models.Model):
    number = models.CharField(max_length=12, unique=True)
    holder = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="passports")
    issued_on = models.DateField()
    expires_on = models.DateField()

    def __str__(self) -> str:
        return f"passport {self.pk}"


class Company(models.Model):
    number = models.CharField(max_length=20, unique=True, help_text="commercial registration number")
    name_ar = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    activity_ar = models.CharField(max_length=120)
    activity_en = models.CharField(max_length=120)
    licence_expiry = models.DateField()
    # The licensed activities after the main one (`activity_*`), as [{"ar": .., "en": ..}].
    more_activities = models.JSONField(default=list, blank=True)
    # The Ministry of Commerce cancels a licence (the company closed, or was struck off): it stays
    # in the register, and every credential certifying it stops verifying.
    licence_cancelled_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.number


class CompanyRole(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", pgettext_lazy("register", "Owner")
        PARTNER = "partner", pgettext_lazy("register", "Partner")
        SIGNATORY = "signatory", pgettext_lazy("register", "Authorised signatory")

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="company_roles")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "person"], name="one_role_per_person")]

    def __str__(self) -> str:
        return f"{self.role} of company {self.company_id}"


class WorkPermit(models.Model):
    """The labour register (Public Authority for Manpower): a worker's work permit with a company.
    The worker's residency is the population register's (`Person.residency_expiry`)."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="work_permits")
    worker = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="work_permits")
    permit_number = models.CharField(max_length=20, unique=True)
    occupation_ar = models.CharField(max_length=80)
    occupation_en = models.CharField(max_length=80)
    monthly_salary_fils = models.PositiveIntegerField()
    permit_expiry = models.DateField()
    ended_on = models.DateField(null=True, blank=True, help_text="the permit was cancelled or moved")

    class Meta:
        indexes = [models.Index(fields=["company", "permit_expiry"])]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=models.Q(ended_on__isnull=True), name="one_current_employer"
            )
        ]

    def __str__(self) -> str:
        return f"work permit {self.pk}"


class CompanyPermit(models.Model):
    """A permit a company holds besides its commercial licence (fire safety, signboard...), from
    the agency that issued it."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="permits")
    number = models.CharField(max_length=20, unique=True)
    agency = models.CharField(max_length=10, help_text="the catalogue code of the issuing agency")
    name_ar = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    expires_on = models.DateField()

    def __str__(self) -> str:
        return f"permit {self.pk}"


class ContributionStatement(models.Model):
    """A month's social-insurance contributions of a company's insured workers, as the Public
    Institution for Social Security bills them: due by `due_on`, paid through Sahl or elsewhere."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="statements")
    period = models.DateField(help_text="the first day of the month it is for")
    insured_count = models.PositiveIntegerField()
    amount_fils = models.PositiveIntegerField()
    due_on = models.DateField()
    paid_on = models.DateField(null=True, blank=True)
    paid_fils = models.PositiveIntegerField(default=0, help_text="with the penalty, when it was paid late")
    payment_reference = models.CharField(max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "period"], name="one_statement_a_month")]
        indexes = [
            models.Index(
                fields=["due_on"], condition=models.Q(paid_on__isnull=True), name="unpaid_statements"
            )
        ]

    def __str__(self) -> str:
        return f"statement {self.pk}"
