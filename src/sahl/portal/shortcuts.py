"""What a search's words find besides services: the things a person does in their own account
rather than by an application (paying a company's contributions, renewing many workers at once,
choosing a company's representative). Without them, "اشتراكات" found nothing (issue 20).

Matched as journeys are (journeys.matching): every word that carries meaning is one of the
shortcut's, and one of its names or keywords is asked for whole."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sahl.catalogue.search_index import KEYWORD, NAME
from sahl.catalogue.search_terms import STOP_WORDS, terms
from sahl.core.bilingual import BilingualText
from sahl.journeys.matching import Phrase, Word, meant, score


@dataclass(frozen=True)
class Shortcut:
    url_name: str  # a page of Sahl (its URL's name), reached after logging in
    name: BilingualText
    summary: BilingualText
    keywords: tuple[str, ...]  # in both languages


SHORTCUTS = (
    Shortcut(
        "business:companies",
        BilingualText(
            "دفع اشتراكات التأمينات الاجتماعية للمنشأة", "Pay your company's social-insurance contributions"
        ),
        BilingualText(
            "كشوف المؤسسة العامة للتأمينات الاجتماعية الشهرية لمنشأتك، المستحق منها والمتأخر بغرامته، تُدفع معاً دفعة واحدة.",
            "Your company's monthly statements from the Public Institution for Social Security, due or "
            "overdue with the surcharge, paid together in one payment.",
        ),
        (
            "اشتراكات",
            "اشتراكات التأمينات",
            "اشتراكات التأمينات الاجتماعية",
            "دفع الاشتراكات",
            "تأمينات صاحب العمل",
            "contributions",
            "social insurance contributions",
            "pay contributions",
            "pifss payment",
        ),
    ),
    Shortcut(
        "business:companies",
        BilingualText("تجديد أذونات عمل عدة عمال دفعة واحدة", "Renew several workers' work permits at once"),
        BilingualText(
            "اختر عمال منشأتك الذين تنتهي أذوناتهم وجدّدها في إجراء واحد، بطلب لكل عامل ودفعة واحدة للجميع.",
            "Choose your company's workers whose permits end and renew them in one action: one "
            "application each, one payment for all.",
        ),
        ("تجديد جماعي", "عمال المنشأة", "عمالة", "bulk renewal", "workers", "work permits"),
    ),
    Shortcut(
        "business:companies",
        BilingualText("مندوب المنشأة", "Company representative"),
        BilingualText(
            "امنح شخصاً دوراً محدداً بمدة للتصرف نيابةً عن منشأتك (خدمات العمل أو المدفوعات أو الاطلاع)، وأنهِه متى شئت.",
            "Give a person a dated role to act for your company (labour services, payments or read "
            "only), and end it at any time.",
        ),
        ("مندوب", "مندوب شركة", "تفويض منشأة", "representative", "company delegate", "delegate"),
    ),
    Shortcut(
        "business:companies",
        BilingualText("حساب منشأتك في سهل", "Your company's account in Sahl"),
        BilingualText(
            "ما على منشأتك وما يقترب انتهاؤه: الترخيص والعمال والاشتراكات والمستندات.",
            "What your company owes and what expires soon: its licence, workers, contributions and documents.",
        ),
        ("منشأتي", "شركتي", "سهل أعمال", "حساب الشركة", "my company", "business account", "sahl business"),
    ),
)


def _phrases(shortcut: Shortcut) -> tuple[Phrase, ...]:
    texts = [(NAME, shortcut.name.ar), (NAME, shortcut.name.en), *((KEYWORD, k) for k in shortcut.keywords)]
    found = []
    for weight, text in texts:
        words = tuple(Word(t.word, t.stem, weight) for t in terms(text) if t.word not in STOP_WORDS)
        if words:
            found.append(words)
    return tuple(found)


@cache
def _indexed() -> tuple[tuple[Shortcut, tuple[Phrase, ...]], ...]:
    return tuple((s, _phrases(s)) for s in SHORTCUTS)


def find(query: str) -> list[Shortcut]:
    """The shortcuts the query asks for, the best first."""
    asked = meant(query)
    if not asked:
        return []
    scored = [(score(asked, phrases), s) for s, phrases in _indexed()]
    return [s for points, s in sorted(scored, key=lambda found: -found[0]) if points > 0]
