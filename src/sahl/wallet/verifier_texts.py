"""The verifier page's words, in both languages. The states and the reasons for refusing are in
`texts` (the JSON API says the same); these are the page's own."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText

PAGE: dict[str, BilingualText] = {
    "title": BilingualText("التحقق من مستند", "Verify a document"),
    "app_name": BilingualText("سهل — التحقق من المستندات", "Sahl — Verify documents"),
    "app_short_name": BilingualText("تحقق سهل", "Sahl Verify"),
    "intro": BilingualText(
        "امسح رمز QR الذي يعرضه حامل المستند في هويتي، أو اختر صورة له، أو الصق نصه. "
        "يجري التحقق على جهازك، ويعمل دون اتصال بعد فتح الصفحة مرة واحدة.",
        "Scan the QR code the holder shows in Hawiyati, choose a picture of it, or paste its text. "
        "The check runs on your device, and works offline once the page has been opened.",
    ),
    "read": BilingualText("قراءة الرمز", "Read the code"),
    "camera": BilingualText("استخدام الكاميرا", "Use the camera"),
    "camera_stop": BilingualText("إيقاف الكاميرا", "Stop the camera"),
    "camera_label": BilingualText("صورة الكاميرا", "Camera view"),
    "camera_on": BilingualText("وجّه الكاميرا إلى الرمز.", "Point the camera at the code."),
    "camera_off": BilingualText(
        "تعذر تشغيل الكاميرا. اختر صورة للرمز أو الصق نصه بدلاً من ذلك.",
        "The camera could not be started. Choose a picture of the code or paste its text instead.",
    ),
    "photo": BilingualText("اختر صورة أو لقطة شاشة للرمز", "Choose a photo or screenshot of the code"),
    "no_code": BilingualText(
        "لم نجد رمز QR في الصورة. جرّب صورة أوضح أو أقرب.",
        "No QR code was found in the picture. Try a sharper or closer one.",
    ),
    "paste": BilingualText("أو الصق نص الرمز", "Or paste the code's text"),
    "verify": BilingualText("تحقق", "Verify"),
    "checking": BilingualText("جارٍ التحقق…", "Checking…"),
    "result": BilingualText("النتيجة", "Result"),
    "genuine": BilingualText("موثوق: صادر عن سهل", "Genuine: issued by Sahl"),
    "state": BilingualText("الحالة", "Status"),
    "reason": BilingualText("السبب", "Reason"),
    "document": BilingualText("نوع المستند", "Document"),
    "shown": BilingualText("البيانات التي عرضها الحامل", "What the holder chose to show"),
    "nothing_shown": BilingualText("لم يعرض الحامل أي بيانات.", "The holder showed no data."),
    "yes": BilingualText("نعم", "Yes"),
    "no": BilingualText("لا", "No"),
    "checked_at": BilingualText("تم التحقق في {time}", "Checked at {time}"),
    "status_as_of": BilingualText("الحالة كما في {time}", "Status as of {time}"),
    "offline": BilingualText(
        "أنت غير متصل بالإنترنت: يجري التحقق بالمفاتيح وقوائم الحالة المحفوظة على هذا الجهاز.",
        "You are offline: the check uses the keys and status lists saved on this device.",
    ),
    "no_keys": BilingualText(
        "لا توجد مفاتيح محفوظة على هذا الجهاز بعد: افتح هذه الصفحة مرة وأنت متصل بالإنترنت.",
        "No keys are saved on this device yet: open this page once while online.",
    ),
    "saved": BilingualText(
        "الصفحة جاهزة للعمل دون اتصال: حُفظت المفاتيح وقوائم الحالة في {time}.",
        "Ready to work offline: keys and status lists saved at {time}.",
    ),
    "again": BilingualText("تحقق من رمز آخر", "Check another code"),
    "noscript": BilingualText(
        "يحتاج التحقق إلى تفعيل JavaScript في المتصفح.",
        "Checking needs JavaScript to be turned on in the browser.",
    ),
}
