"""What people read about complaints, in Arabic and English (pages pick the request's language)."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText as T

STATES = {
    "received": T("مستلم", "Received"),
    "acknowledged": T("قيد المعالجة", "Being handled"),
    "waiting": T("بانتظار ردك", "Waiting for your answer"),
    "resolved": T("عولج", "Resolved"),
    "closed": T("مغلق", "Closed"),
}

EVENTS = {
    "filed": T("قُدّم البلاغ", "Report filed"),
    "routed": T("أُحيل إلى الجهة المختصة", "Sent to the agency responsible"),
    "joined": T("انضم شخص آخر إلى البلاغ", "Someone else joined the report"),
    "acknowledged": T("تسلّمت الجهة البلاغ", "The agency took it on"),
    "question": T("سؤال من الجهة", "A question from the agency"),
    "answer": T("رد مقدم البلاغ", "The reporter's answer"),
    "forwarded": T("أُحيل إلى جهة أخرى", "Forwarded to another agency"),
    "resolved": T("عولج البلاغ", "Resolved"),
    "reopened": T("أُعيد فتح البلاغ", "Reopened"),
    "rated": T("قُيّمت المعالجة", "Rated"),
    "escalated": T("رُفع إلى المشرف لتجاوز المهلة", "Escalated to a supervisor: past its deadline"),
    "closed": T("أُغلق البلاغ", "Closed"),
}

MEDIA = {
    "photo": T("صورة", "Photo"),
    "voice": T("رسالة صوتية", "Voice note"),
    "resolution": T("صورة بعد الإصلاح", "Photo of the fix"),
}

LABELS = {"states": STATES, "events": EVENTS, "media_kinds": MEDIA}
