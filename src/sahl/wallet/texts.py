"""What the verifier says, in both languages: each state and each reason for refusing. The page's
script and the JSON API use the same words."""

from __future__ import annotations

from typing import Any

from sahl.core.bilingual import BilingualText
from sahl.wallet import rules

STATES = {
    "valid": BilingualText("صالح", "Valid"),
    "expired": BilingualText("منتهي الصلاحية", "Expired"),
    "not_yet_valid": BilingualText("لم يبدأ سريانه بعد", "Not yet valid"),
    "suspended": BilingualText("موقوف", "Suspended"),
    "revoked": BilingualText("ملغى", "Revoked"),
    "unknown": BilingualText("تعذر معرفة حالته", "Status unknown"),
    "refused": BilingualText("غير موثوق", "Not genuine"),
}

REFUSALS = {
    "malformed": BilingualText("هذا ليس مستنداً من هويتي.", "This is not a Hawiyati document."),
    "alg_not_allowed": BilingualText("طريقة التوقيع غير مقبولة.", "The signature method is not accepted."),
    "wrong_type": BilingualText("نوع المستند غير صحيح.", "The document's type is wrong."),
    "unknown_issuer": BilingualText("لم يصدر هذا المستند عن سهل.", "This document was not issued by Sahl."),
    "unknown_key": BilingualText("مفتاح التوقيع غير معروف.", "The signing key is unknown."),
    "bad_signature": BilingualText(
        "التوقيع غير صحيح: عُدّل المستند.", "The signature is wrong: the document was altered."
    ),
    "disclosure_malformed": BilingualText(
        "جزء من البيانات المعروضة تالف.", "Part of the shown data is damaged."
    ),
    "disclosure_not_referenced": BilingualText(
        "بيانات معروضة لم يوقّعها المُصدِر: عُدّلت.", "Shown data the issuer did not sign: it was altered."
    ),
    "disclosure_repeated": BilingualText("بيانات معروضة مكررة.", "Shown data appears twice."),
    "key_binding_missing": BilingualText(
        "لم يثبت حامل المستند أنه صاحبه.", "The holder did not prove the document is theirs."
    ),
    "key_binding_invalid": BilingualText("إثبات الحامل غير صحيح.", "The holder's proof is wrong."),
    "sd_hash_mismatch": BilingualText(
        "إثبات الحامل لا يخص هذا المستند.", "The holder's proof is for a different document."
    ),
    "nonce_outside_window": BilingualText(
        "انتهت صلاحية الرمز: اطلب من الحامل عرضه من جديد.",
        "The code has expired: ask the holder to show it again.",
    ),
}


def labels() -> dict[str, Any]:
    """Everything the verifier page's script shows, by key, in both languages."""
    return {
        "states": {k: v.as_dict() for k, v in STATES.items()},
        "refusals": {k: v.as_dict() for k, v in REFUSALS.items()},
        "claims": {k: v.as_dict() for k, v in rules.CLAIM_LABELS.items()},
        "ages": {k: v.as_dict() for k, v in rules.AGE_LABELS.items()},
    }
