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

# For the person: whether the application reached the agency, without the machinery.
FOR_THE_PERSON = {
    "waiting": T("جارٍ إرسال طلبك إلى نظام الجهة.", "Your application is being sent to the agency's system."),
    "retrying": T(
        "نظام الجهة لا يستجيب الآن؛ طلبك محفوظ وسنرسله تلقائياً.",
        "The agency's system is not answering now; your application is safe and we will send it automatically.",
    ),
    "delivered": T(
        "أُرسل طلبك إلى الجهة وتسلّمه نظامها.",
        "Your application was sent to the agency and its system received it.",
    ),
    "dead": T(
        "تأخر إرسال طلبك إلى الجهة؛ طلبك محفوظ وفريق سهل يتابع الأمر.",
        "Sending your application to the agency is delayed; it is safe and the Sahl team is on it.",
    ),
}
