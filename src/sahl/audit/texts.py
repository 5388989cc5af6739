"""Labels of audit entries, in both languages (the API gives both; pages pick the request's)."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText as T

KINDS: dict[str, T] = {
    "login": T("تسجيل دخول", "Logged in"),
    "login_failed": T("محاولة دخول فاشلة", "Failed login attempt"),
    "logout": T("تسجيل خروج", "Logged out"),
    "mfa_changed": T("تغيير وسيلة التحقق الإضافية", "Second factor changed"),
    "mandate_granted": T("منح تفويض", "Mandate granted"),
    "mandate_revoked": T("إلغاء تفويض", "Mandate revoked"),
    "access_refused": T("رفض طلب وصول", "Access refused"),
    "data_read": T("اطلاع على بيانات", "Data read"),
    "data_exported": T("تنزيل نسخة من بياناتك", "Copy of your data downloaded"),
}

DATA: dict[str, T] = {
    "application": T("المعاملة", "Application"),
    "attachment": T("مرفق المعاملة", "Attachment of the application"),
    "document": T("وثيقة صادرة", "Issued document"),
}

# Why someone other than the person read their data, when it was not an agency (`detail`).
BASES: dict[str, T] = {
    "attorney": T("بموجب توكيل", "Under a power of attorney"),
    "guardian": T("بصفته ولي أمر", "As a guardian"),
    "signatory": T("بصفته مفوضاً بالتوقيع", "As an authorised signatory"),
}

DATA["applications"] = T("قائمة المعاملات", "List of applications")

SYSTEM = T("نظام الجهة", "Agency system")
