"""What the registers say about a person, in the shape eligibility rules read (`applicant.*`).

The field list is the contract documented in docs/catalogue-definitions.md: a rule may name only
these fields, and `EXAMPLE` is what definitions are checked against when they are loaded.
"""

from __future__ import annotations

from typing import TypedDict


class VehicleFacts(TypedDict):
    plate: str
    make: str
    model: str
    year: int
    registration_days_left: int
    insurance_days_left: int
    unpaid_fines: int
    unpaid_fines_fils: int


class LicenceFacts(TypedDict):
    number: str
    category: str
    days_left: int


class PassportFacts(TypedDict):
    number: str
    days_left: int


class CompanyFacts(TypedDict):
    number: str
    role: str
    licence_days_left: int


class RelativeFacts(TypedDict):
    civil_id: str
    age: int
    sex: str


class SpouseFacts(TypedDict):
    civil_id: str
    nationality: str


class WorkerFacts(TypedDict):
    civil_id: str
    residency_days_left: int


class EmployeeFacts(TypedDict):
    civil_id: str
    permit_days_left: int
    residency_days_left: int


class ApplicantFacts(TypedDict):
    civil_id: str
    age: int
    sex: str
    nationality: str
    is_kuwaiti: bool
    marital_status: str
    governorate: str
    residency: str
    residency_days_left: int
    civil_id_days_left: int
    employment: str
    is_insured: bool
    has_disability: bool
    spouses: list[SpouseFacts]
    children: list[RelativeFacts]
    domestic_workers: list[WorkerFacts]
    vehicles: list[VehicleFacts]
    driving_licences: list[LicenceFacts]
    passports: list[PassportFacts]
    companies: list[CompanyFacts]
    workers: list[EmployeeFacts]  # a company's, from the labour register (a person has none)


# One of every list item, so that a rule naming a field inside a list is checked too.
EXAMPLE: ApplicantFacts = {
    "civil_id": "290010112345",
    "age": 35,
    "sex": "M",
    "nationality": "KW",
    "is_kuwaiti": True,
    "marital_status": "married",
    "governorate": "KW-HA",
    "residency": "none",
    "residency_days_left": 0,
    "civil_id_days_left": 400,
    "employment": "government",
    "is_insured": True,
    "has_disability": False,
    "spouses": [{"civil_id": "292020212345", "nationality": "KW"}],
    "children": [{"civil_id": "320010112345", "age": 6, "sex": "F"}],
    "domestic_workers": [{"civil_id": "288030312345", "residency_days_left": 200}],
    "vehicles": [
        {
            "plate": "12-34567",
            "make": "Toyota",
            "model": "Land Cruiser",
            "year": 2021,
            "registration_days_left": 20,
            "insurance_days_left": 100,
            "unpaid_fines": 0,
            "unpaid_fines_fils": 0,
        }
    ],
    "driving_licences": [{"number": "DL290010112345", "category": "private", "days_left": 900}],
    "passports": [{"number": "K1234567", "days_left": 150}],
    "companies": [{"number": "CR-100234", "role": "owner", "licence_days_left": 60}],
    "workers": [{"civil_id": "288030312346", "permit_days_left": 20, "residency_days_left": 40}],
}

# Keys of the records a person chooses from in a form, per `x-prefill` list source.
CHOICE_KEYS: dict[str, str] = {
    "applicant.vehicles": "plate",
    "applicant.children": "civil_id",
    "applicant.spouses": "civil_id",
    "applicant.domestic_workers": "civil_id",
    "applicant.passports": "number",
    "applicant.driving_licences": "number",
    "applicant.companies": "number",
    "applicant.workers": "civil_id",
}
VALUE_SOURCES = ("applicant.full_name", "applicant.civil_id", "applicant.governorate")
