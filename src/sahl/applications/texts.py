"""What people read about applications, in Arabic and English."""

from __future__ import annotations

from sahl.applications.models import HistoryEvent, Party
from sahl.applications.states import Category, State
from sahl.core.bilingual import BilingualText as T

STATES = {
    State.DRAFT: T("مسودة", "Draft"),
    State.SUBMITTED: T("مستلمة", "Received"),
    State.AWAITING_PAYMENT: T("بانتظار الدفع", "Awaiting payment"),
    State.IN_REVIEW: T("قيد المراجعة لدى الجهة", "In review at the agency"),
    State.ACTION_NEEDED: T("مطلوب إجراء منك", "Action needed from you"),
    State.APPROVED: T("تمت الموافقة", "Approved"),
    State.COMPLETED: T("منجزة", "Completed"),
    State.REJECTED: T("مرفوضة", "Rejected"),
    State.CANCELLED: T("ملغاة", "Cancelled"),
    State.WITHDRAWN: T("مسحوبة", "Withdrawn"),
}

CATEGORIES = {
    Category.DRAFT: T("مسودة", "Draft"),
    Category.RECEIVED: T("مستلمة", "Received"),
    Category.IN_PROGRESS: T("قيد الإنجاز", "In progress"),
    Category.ACTION_NEEDED: T("مطلوب إجراء منك", "Action needed from you"),
    Category.APPROVED: T("تمت الموافقة", "Approved"),
    Category.REJECTED: T("مرفوضة", "Rejected"),
    Category.COMPLETED: T("منجزة", "Completed"),
    Category.CANCELLED: T("ملغاة", "Cancelled"),
}

EVENTS = {
    HistoryEvent.Kind.CREATED: T("أُنشئت المسودة", "Draft created"),
    HistoryEvent.Kind.SAVED: T("حُفظت المسودة", "Draft saved"),
    HistoryEvent.Kind.SUBMITTED: T("قُدّم الطلب", "Application submitted"),
    HistoryEvent.Kind.CONSENT_GIVEN: T("وافق الطرف الآخر", "The other party agreed"),
    HistoryEvent.Kind.CONSENT_DECLINED: T("رفض الطرف الآخر", "The other party declined"),
    HistoryEvent.Kind.PAYMENT_DUE: T("الرسوم مستحقة الدفع", "The fee is due"),
    HistoryEvent.Kind.PAID: T("تم دفع الرسوم", "The fee was paid"),
    HistoryEvent.Kind.REFUNDED: T("أُعيدت الرسوم إليك", "The fee was refunded to you"),
    HistoryEvent.Kind.SENT_TO_AGENCY: T("أُرسل الطلب إلى الجهة", "Sent to the agency"),
    HistoryEvent.Kind.DELIVERED: T("تسلّم نظام الجهة الطلب", "Received by the agency's system"),
    HistoryEvent.Kind.AGENCY_UPDATE: T("أفادت الجهة بتقدم الطلب", "The agency reported progress"),
    HistoryEvent.Kind.TAKEN: T("تولّى موظف المعاملة", "A caseworker took the application"),
    HistoryEvent.Kind.INFO_REQUESTED: T("طلبت الجهة معلومات منك", "The agency asked you for information"),
    HistoryEvent.Kind.INFO_PROVIDED: T("أرسلت المعلومات المطلوبة", "You sent the information asked for"),
    HistoryEvent.Kind.APPROVED: T("تمت الموافقة على الطلب", "Application approved"),
    HistoryEvent.Kind.REJECTED: T("رُفض الطلب", "Application rejected"),
    HistoryEvent.Kind.DOCUMENT_ISSUED: T("صدر المستند", "Document issued"),
    HistoryEvent.Kind.REGISTER_UPDATED: T("حُدّث السجل", "Register updated"),
    HistoryEvent.Kind.COMPLETED: T("أُنجزت المعاملة", "Application completed"),
    HistoryEvent.Kind.CANCELLED: T("أُلغيت المعاملة", "Application cancelled"),
    HistoryEvent.Kind.WITHDRAWN: T("سُحبت المعاملة", "Application withdrawn"),
}

CONSENTS = {
    Party.Consent.NOT_NEEDED: T("لا تلزم موافقته", "No consent needed"),
    Party.Consent.PENDING: T("بانتظار الموافقة", "Waiting for consent"),
    Party.Consent.GIVEN: T("وافق", "Agreed"),
    Party.Consent.DECLINED: T("رفض", "Declined"),
}


# Whether the application reached the agency's own system, as the person reads it (by the state of
# its delivery in the outbox), without the machinery.
_SENDING = T("جارٍ إرسال طلبك إلى نظام الجهة.", "Your application is being sent to the agency's system.")
_DELAYED = T(
    "تأخر إرسال طلبك إلى الجهة؛ طلبك محفوظ وفريق سهل يتابع الأمر.",
    "Sending your application to the agency is delayed; it is safe and the Sahl team is on it.",
)
DELIVERY = {
    "queued": _SENDING,
    "sending": _SENDING,
    "retrying": T(
        "نظام الجهة لا يستجيب الآن؛ طلبك محفوظ وسنرسله تلقائياً.",
        "The agency's system is not answering now; your application is safe and we will send it automatically.",
    ),
    "sent": T(
        "أُرسل طلبك إلى الجهة وتسلّمه نظامها.",
        "Your application was sent to the agency and its system received it.",
    ),
    "failed": _DELAYED,
    "uncertain": _DELAYED,
}
