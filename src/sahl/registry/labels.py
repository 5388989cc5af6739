"""How a person's records are named when offered in a form or shown among their answers: in each
language wholly, numbers and plates isolated so they keep their order inside Arabic text.

Every label is a BilingualText, never a lazy text: labels travel in the register profile that the
shared cache keeps, and unpickling a lazy text builds its proxy class anew (about 125 µs each; a
profile with a passport and a licence took 268 µs to read back, 11 µs without them)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sahl.core.bilingual import LANGUAGES, BilingualText, isolate
from sahl.core.languages import in_language

PASSPORT = _("Passport {number}")
LICENCE = _("Licence {number}")

# The simulated vehicles register keeps makes and models as the manufacturer writes them; the
# agency's real register also holds their Arabic names (as on the registration book). A make or
# model missing here is shown as written, isolated like a code.
MAKES = {
    "Toyota": "تويوتا",
    "Nissan": "نيسان",
    "Lexus": "لكزس",
    "GMC": "جي إم سي",
    "Chevrolet": "شيفروليه",
    "Hyundai": "هيونداي",
    "Kia": "كيا",
    "Mitsubishi": "ميتسوبيشي",
    "Honda": "هوندا",
    "Ford": "فورد",
    "Mazda": "مازدا",
}
MODELS = {
    "Land Cruiser": "لاند كروزر",
    "Camry": "كامري",
    "Patrol": "باترول",
    "LX 600": "إل إكس 600",
    "Yukon": "يوكن",
    "Tahoe": "تاهو",
    "Elantra": "إلنترا",
    "Sportage": "سبورتاج",
    "Pajero": "باجيرو",
    "Accord": "أكورد",
    "Explorer": "إكسبلورر",
    "CX-5": "سي إكس 5",
}


def _arabic(name: str, names: dict[str, str]) -> str:
    return names.get(name) or isolate(name)


def vehicle(plate: str, make: str, model: str, year: int, colour_ar: str, colour_en: str) -> BilingualText:
    """A car as its owner knows it: "تويوتا لاند كروزر 2021 (أبيض) — 12-10001"."""
    shown = isolate(plate)
    return BilingualText(
        f"{_arabic(make, MAKES)} {_arabic(model, MODELS)} {year} ({colour_ar}) — {shown}",
        f"{make} {model} {year} ({colour_en}) — {shown}",
    )


def passport(number: str) -> BilingualText:
    return _in_both(PASSPORT, number=isolate(number))


def licence(number: str) -> BilingualText:
    return _in_both(LICENCE, number=isolate(number))


def _in_both(text: Promise, **values: str) -> BilingualText:
    ar, en = (in_language(text, language).format(**values) for language in LANGUAGES)
    return BilingualText(ar, en)


def worker(name_ar: str, name_en: str, permit: str) -> BilingualText:
    """A worker offered in a form: the name, and the work permit's number to tell namesakes apart."""
    return BilingualText(f"{name_ar} ({isolate(permit)})", f"{name_en} ({permit})")
