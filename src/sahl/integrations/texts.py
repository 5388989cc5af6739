"""What people read about deliveries to agencies' systems, in Arabic and English."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText as T

# For operators: the delivery's state as it is.
STATES = {
    "waiting": T("بانتظار الإرسال", "Waiting"),
    "retrying": T("تعذّر الإرسال، ستُعاد المحاولة", "Failed, retrying"),
    "delivered": T("تسلّمها نظام الجهة", "Delivered"),
    "dead": T("فشل الإرسال نهائياً", "Failed permanently"),
}

ANSWERS = {
    "accepted": T("قبلتها الجهة", "Accepted"),
    "pending": T("قيد النظر لدى الجهة", "Pending"),
    "rejected": T("رفضتها الجهة", "Rejected"),
}
