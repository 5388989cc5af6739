"""The wallet page's words, in both languages: the template shows them with `{{ page.key|tr }}`
and hands the script's to it as data attributes. `{age}` and `{time}` are filled in by the script."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText

T = BilingualText

PAGE: dict[str, BilingualText] = {
    "title": T("هويتي", "Hawiyati"),
    "intro": T(
        "مستنداتك الرقمية محفوظة في هذا المتصفح، فتستطيع إبراز ما يلزم منها برمز QR حتى دون اتصال بالإنترنت.",
        "Your digital documents are kept in this browser, so you can show what is needed by QR code, "
        "even without an internet connection.",
    ),
    "key_note": T(
        "مفتاحك الخاص يبقى في هذا المتصفح ولا يمكن نسخه منه، ولا يقبل المتحقق رمزاً إلا بتوقيعه.",
        "Your private key stays in this browser and cannot be copied out of it; a verifier accepts a code "
        "only when that key signed it.",
    ),
    "documents": T("مستنداتي", "My documents"),
    "none": T(
        "لا توجد لديك مستندات بعد. تظهر هنا المستندات التي تصدر عن معاملاتك المنجزة.",
        "You have no documents yet. The documents your completed applications produce appear here.",
    ),
    "number": T("رقم المستند", "Document number"),
    "issued_on": T("تاريخ الإصدار", "Issued on"),
    "valid_until": T("صالح حتى", "Valid until"),
    "no_end": T("دون تاريخ انتهاء", "No end date"),
    "state": T("الحالة", "Status"),
    "revoked_note": T(
        "أُلغي هذا المستند لصدور بديل عنه أو لإلغائه، فلا يمكن إبرازه برمز QR.",
        "This document was revoked, because it was replaced or cancelled, so it cannot be shown by QR code.",
    ),
    "not_held": T(
        "لم يُحفظ هذا المستند في هذا المتصفح بعد. افتح هذه الصفحة وأنت متصل بالإنترنت لحفظه.",
        "This document is not in this browser yet. Open this page while online to keep it here.",
    ),
    "show_age": T("إثبات العمر برمز QR", "Show age by QR"),
    "show_id": T("إثبات الهوية برمز QR", "Show identity by QR"),
    "add_other": T("إضافة إلى محفظة أخرى", "Add to another wallet"),
    "age_choice": T("ماذا تريد أن تثبت؟", "What do you want to prove?"),
    "qr_age_alt": T("رمز QR يثبت أن عمرك {age} سنة فأكثر", "QR code proving that you are {age} or over"),
    "qr_id_alt": T("رمز QR يُظهر اسمك ورقمك المدني", "QR code showing your name and civil ID"),
    "qr_age_shows": T(
        "لا يُظهر هذا الرمز إلا هل بلغت {age} سنة أم لا، ولا يظهر فيه تاريخ ميلادك.",
        "This code shows only whether you are {age} or over; your date of birth is not in it.",
    ),
    "qr_id_shows": T(
        "يُظهر هذا الرمز اسمك بالعربية والإنجليزية ورقمك المدني.",
        "This code shows your name in Arabic and in English and your civil ID.",
    ),
    "qr_renews": T(
        "يتجدد الرمز كل 30 ثانية، ولا يُقبل الرمز القديم بعد دقائق قليلة.",
        "The code renews every 30 seconds; an old code is refused after a few minutes.",
    ),
    "copy": T("نسخ نص الرمز", "Copy the code's text"),
    "copied": T("نُسخ نص الرمز.", "The code's text was copied."),
    "copy_failed": T("تعذّر النسخ في هذا المتصفح.", "This browser could not copy it."),
    "hide": T("إخفاء الرمز", "Hide the code"),
    "offer_intro": T(
        "امسح هذا الرمز بتطبيق محفظة يدعم OpenID4VCI أو افتح الرابط على جهازك، ثم أدخل رمز التحقق. "
        "يصلح العرض مرة واحدة.",
        "Scan this code with a wallet app that supports OpenID4VCI, or open the link on your device, "
        "then type the transaction code. The offer works once.",
    ),
    "offer_alt": T(
        "رمز QR لإضافة المستند إلى محفظة أخرى", "QR code for adding the document to another wallet"
    ),
    "offer_link": T("فتح في تطبيق المحفظة", "Open in a wallet app"),
    "tx_code": T("رمز التحقق", "Transaction code"),
    "offer_expires": T("ينتهي العرض الساعة {time}.", "The offer expires at {time}."),
    "offer_failed": T(
        "تعذّر إعداد العرض. تأكد من اتصالك بالإنترنت وحاول مرة أخرى.",
        "The offer could not be made. Check your internet connection and try again.",
    ),
    "syncing": T("جارٍ حفظ مستنداتك في هذا المتصفح…", "Keeping your documents in this browser…"),
    "synced": T(
        "مستنداتك محفوظة في هذا المتصفح، ويمكنك إبرازها دون اتصال.",
        "Your documents are kept in this browser; you can show them offline.",
    ),
    "offline": T(
        "أنت غير متصل بالإنترنت: تظهر آخر حالة معروفة لمستنداتك.",
        "You are offline: your documents' last known status is shown.",
    ),
    "sync_failed": T(
        "تعذّر حفظ بعض المستندات في هذا المتصفح، وستُعاد المحاولة عند فتح الصفحة مرة أخرى.",
        "Some documents could not be kept in this browser; this page tries again the next time you open it.",
    ),
    "unsupported": T(
        "لا يستطيع هذا المتصفح حفظ المستندات بأمان، فجرّب متصفحاً أحدث.",
        "This browser cannot keep documents safely; try a newer browser.",
    ),
}
