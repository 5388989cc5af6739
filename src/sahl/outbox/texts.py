"""What operators read about the outbox, in Arabic and English."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText as T

STATES = {
    "queued": T("في الانتظار", "Queued"),
    "sending": T("قيد الإرسال", "Sending"),
    "sent": T("أُرسل", "Sent"),
    "retrying": T("تعذّر الإرسال، ستُعاد المحاولة", "Failed, retrying"),
    "failed": T("فشل الإرسال نهائياً", "Failed permanently"),
    "uncertain": T("غير مؤكد", "Uncertain"),
}

CHANNELS = {
    "email": T("البريد الإلكتروني", "E-mail"),
    "sms": T("رسالة نصية", "SMS"),
    "agency": T("نظام الجهة", "Agency's system"),
    "refund": T("استرداد لدى بوابة الدفع", "Refund at the payment gateway"),
}

OUTCOMES = {
    "sent": T("أُرسل", "Sent"),
    "retry": T("تعذّر، ستُعاد", "Failed, will retry"),
    "failed": T("فشل نهائياً", "Failed permanently"),
    "uncertain": T("غير مؤكد", "Uncertain"),
    "skipped": T("أُجّل: قاطع الدائرة مفتوح", "Skipped: circuit breaker open"),
    "cut_off": T("انقطع: توقف العامل أثناء المحاولة", "Cut off: the worker stopped mid-attempt"),
}

AGES = {
    "0": T("أي عمر", "Any age"),
    "10": T("أقدم من 10 دقائق", "Older than 10 minutes"),
    "60": T("أقدم من ساعة", "Older than an hour"),
    "1440": T("أقدم من يوم", "Older than a day"),
}

HANDLING_STATES = {
    "pending": T("في الانتظار", "Waiting"),
    "done": T("تمت", "Done"),
    "failing": T("تفشل، ستُعاد المحاولة", "Failing, retrying"),
    "gave_up": T("توقفت المحاولات", "Gave up"),
}
