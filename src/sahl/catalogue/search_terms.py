"""Words as search compares them: each word of a text becomes a term, its folded spelling and its stem.

Stems come from the Snowball stemmers (PyStemmer) for Arabic and English, so "الجوازات", "جوازات"
and "جواز" meet, as do "licences" and "license". What Snowball leaves apart is joined here first:
the attached particles before the article (و، ف، ب، ك، لل), British and American spellings, and a
few colloquial words people type for the ones the catalogue uses.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

from sahl.core.arabic import normalize

_ARABIC_LETTER = re.compile("[\u0621-\u064a]")
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_WORD = re.compile(r"\w+")
# A particle written onto the article: "والإقامة", "بالجواز", "للمواليد" (ل + ال).
_BEFORE_ARTICLE = re.compile("^(?:[وف]?[بكل]?|[وف])ال")
_LIL = re.compile("^[وف]?لل")
_PARTICLES = re.compile("^(?:[وف]?[بكل]?ال|[وف]?لل)")

# British spellings the catalogue uses, and the American ones people type, meet on one spelling.
_SPELLINGS = {
    "licence": "license",
    "licences": "licenses",
    "licenced": "licensed",
    "centre": "center",
    "centres": "centers",
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "offence": "offense",
    "offences": "offenses",
    "cheque": "check",
    "cheques": "checks",
    "labour": "labor",
    "neighbourhood": "neighborhood",
    "harbour": "harbor",
    "colour": "color",
    "enrol": "enroll",
    "enrolment": "enrollment",
    "judgement": "judgment",
    "tyre": "tire",
    "tyres": "tires",
    "kerb": "curb",
    "storey": "story",
    "jewellery": "jewelry",
    "grey": "gray",
    "fulfil": "fulfill",
    "aluminium": "aluminum",
    "paediatric": "pediatric",
    "anaesthesia": "anesthesia",
    "travelling": "traveling",
    "travelled": "traveled",
    "cancelled": "canceled",
    "cancelling": "canceling",
    "cancellation": "cancelation",
    "modelling": "modeling",
    "catalogue": "catalog",
    "dialogue": "dialog",
    "metre": "meter",
    "metres": "meters",
    "litre": "liter",
}
# -ise/-isation written for -ize/-ization (organisation, authorised, recognise ...).
_ISE = re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations)$")
_ISE_KEPT = frozenset(
    {
        "exercise",
        "exercised",
        "exercises",
        "promise",
        "promised",
        "promises",
        "franchise",
        "franchises",
        "merchandise",
        "enterprise",
        "enterprises",
        "advertise",
        "advertised",
        "advertising",
        "advertisement",
        "supervise",
        "supervised",
        "supervision",
        "revise",
        "revised",
        "revision",
        "devise",
        "premise",
        "premises",
        "expertise",
        "otherwise",
        "compromise",
        "surprise",
        "televise",
        "comprise",
        "comprises",
        "precise",
        "concise",
        "paradise",
    }
)

# Words people type for the catalogue's words (colloquial Kuwaiti Arabic, and common English ones).
_SAID_AS = {
    "ليسن": "رخصه",
    "ليسنس": "رخصه",
    "اجدد": "تجديد",
    "جدد": "تجديد",
    "يجدد": "تجديد",
    "ابدل": "بدل",
    "اطلع": "اصدار",
    "استخرج": "اصدار",
    "باسبور": "جواز",
    "باسبورت": "جواز",
    "فيزه": "سمه",
    "فيزا": "سمه",
    "ايقامه": "اقامه",
    "مفقود": "فاقد",
    "مفقوده": "فاقد",
    "ضايع": "فاقد",
    "ضايعه": "فاقد",
    "سواقه": "قياده",
    "سايق": "سائق",
    "id": "identity",
    "iqama": "residency",
    "kid": "child",
    "kids": "children",
    "baby": "newborn",
    "car": "vehicle",
    "cars": "vehicles",
}

# Broken plurals, which no stemmer joins to their singular: the ones the catalogue's words take.
_PLURALS = {
    "مواليد": "مولود",
    "تراخيص": "ترخيص",
    "فواتير": "فاتوره",
    "قروض": "قرض",
    "اطفال": "طفل",
    "مدارس": "مدرسه",
    "عمال": "عامل",
    "وثائق": "وثيقه",
    "اوراق": "ورقه",
    "مساكن": "مسكن",
    "محلات": "محل",
    "مراكز": "مركز",
    "مكاتب": "مكتب",
    "اوامر": "امر",
    "ورثه": "وارث",
    "رواتب": "راتب",
    "شروط": "شرط",
    "بيوت": "بيت",
    "اراضي": "ارض",
    "عقارات": "عقار",
}

# Words that carry no subject on their own; a query drops them when it has other words.
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "for",
        "to",
        "my",
        "me",
        "i",
        "in",
        "on",
        "at",
        "and",
        "or",
        "by",
        "with",
        "how",
        "do",
        "can",
        "get",
        "want",
        "need",
        "please",
        "is",
        "your",
        "our",
        "from",
        "في",
        "من",
        "على",
        "علي",
        "عن",
        "الى",
        "الي",
        "او",
        "مع",
        "ابي",
        "ابغي",
        "ابغا",
        "اريد",
        "كيف",
        "ابا",
        "لو",
        "سمحت",
        "عشان",
        "حق",
        "مال",
        "و",
        "ب",
        "ل",
    }
)

_ARABIC = Stemmer.Stemmer("arabic")
_ENGLISH = Stemmer.Stemmer("english")


@dataclass(frozen=True)
class Term:
    word: str  # folded as core.arabic.normalize folds it
    stem: str


def terms(text: str) -> list[Term]:
    """Every word of the text as a term, in order."""
    return [term_of(word) for word in _WORD.findall(_plain(text))]


def _plain(text: str) -> str:
    return _DIACRITICS.sub("", unicodedata.normalize("NFKC", text)).casefold()


@lru_cache(maxsize=50_000)
def term_of(word: str) -> Term:
    """One word (diacritics already stripped, lower case) as a term."""
    if _ARABIC_LETTER.search(word):
        folded = normalize(word)
        bare = _PARTICLES.sub("", folded, count=1) if len(folded) > 4 else folded
        said = _SAID_AS.get(bare) or _PLURALS.get(bare)
        if said:
            return Term(folded, _arabic_stem(said))
        return Term(folded, _arabic_stem(word))
    word = _SAID_AS.get(word, word)
    word = _SPELLINGS.get(word) or (word if word in _ISE_KEPT else _ISE.sub(r"iz\1", word))
    return Term(word, _ENGLISH.stemWord(word))


def _arabic_stem(word: str) -> str:
    # Snowball strips a plural's ending more readily after the article: "جوازات" stays "جوازا"
    # but "الجوازات" becomes "جواز". Every noun is stemmed as if it had the article, once any
    # particle written before it is taken off; stemmed before folding, since Snowball reads "ة".
    if word.endswith("ه"):  # taa marbuta typed as haa, as most people type it
        word = word[:-1] + "ة"
    core = _LIL.sub("ال", word, count=1) if _LIL.match(word) and len(word) > 4 else word
    core = _BEFORE_ARTICLE.sub("ال", core, count=1)
    if not core.startswith("ال") and len(core) > 2:
        core = "ال" + core
    return normalize(_ARABIC.stemWord(core))
