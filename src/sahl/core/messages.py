"""The bilingual text of every error code a person can meet."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText

MESSAGES: dict[str, BilingualText] = {
    "civil_id.format": BilingualText("الرقم المدني يتكون من 12 رقماً.", "A civil ID has exactly 12 digits."),
    "civil_id.birth_date": BilingualText(
        "الرقم المدني غير صحيح: أرقامه الأولى لا تطابق تاريخ ميلاد.",
        "This civil ID is not valid: its first digits are not a birth date.",
    ),
    "civil_id.check_digit": BilingualText(
        "الرقم المدني غير صحيح: تحقق من الأرقام المدخلة.",
        "This civil ID is not valid: please check the digits you typed.",
    ),
    "money.format": BilingualText(
        "المبلغ يكتب بالدينار مع ثلاث خانات عشرية، مثل 10.000.",
        "An amount is written in dinars with three decimals, such as 10.000.",
    ),
    "money.negative": BilingualText("لا يمكن أن يكون المبلغ سالباً.", "An amount cannot be negative."),
    "money.currency": BilingualText(
        "العملة المقبولة هي الدينار الكويتي.", "The only currency is the Kuwaiti dinar."
    ),
    "search.too_long": BilingualText(
        "نص البحث طويل جداً؛ اكتب {limit} حرفاً على الأكثر.",
        "The search text is too long; use at most {limit} characters.",
    ),
    "search.empty": BilingualText("اكتب كلمة للبحث عنها.", "Type a word to search for."),
    "service.not_found": BilingualText(
        "لم نجد هذه الخدمة. ربما تغير رابطها؛ ابحث عنها في دليل الخدمات.",
        "We could not find this service. Its address may have changed; search for it in the catalogue.",
    ),
    "agency.not_found": BilingualText("لم نجد هذه الجهة.", "We could not find this agency."),
    "category.not_found": BilingualText("لم نجد هذا التصنيف.", "We could not find this category."),
    "page.not_found": BilingualText("لم نجد هذه الصفحة.", "We could not find this page."),
    "request.bad": BilingualText("الطلب غير صحيح.", "The request is not valid."),
    "request.forbidden": BilingualText(
        "لا تملك صلاحية الوصول إلى هذه الصفحة.", "You may not open this page."
    ),
    "server.error": BilingualText(
        "حدث خطأ من جهتنا ولم يتغير شيء. حاول مرة أخرى بعد قليل.",
        "Something went wrong on our side and nothing was changed. Please try again shortly.",
    ),
    "page.invalid": BilingualText("رقم الصفحة غير صحيح.", "The page number is not valid."),
}


def message(code: str, language: str, **params: object) -> str:
    text = MESSAGES.get(code, MESSAGES["request.bad"]).get(language)
    return text.format(**params) if params else text


def both(code: str, **params: object) -> dict[str, str]:
    return {lang: message(code, lang, **params) for lang in ("ar", "en")}


MESSAGES.update(
    {
        "application.form_invalid": BilingualText(
            "راجع الحقول المشار إليها ثم أعد المحاولة.", "Please correct the fields shown and try again."
        ),
        "application.illegal_transition": BilingualText(
            "لا يمكن تنفيذ هذا الإجراء على المعاملة في حالتها الحالية.",
            "This cannot be done to the application in its current state.",
        ),
        "application.not_found": BilingualText("لم نجد هذه المعاملة.", "We could not find this application."),
        "application.not_eligible": BilingualText(
            "لا يمكنك التقديم على هذه الخدمة: {reason}", "You cannot apply for this service: {reason}"
        ),
        "application.already_taken": BilingualText(
            "تولّى موظف آخر هذه المعاملة للتو.", "Another caseworker has just taken this application."
        ),
        "application.not_assigned": BilingualText(
            "تولَّ المعاملة أولاً قبل اتخاذ قرار فيها.", "Take the application before deciding it."
        ),
        "application.reason_required": BilingualText(
            "اكتب سبب الرفض؛ سيظهر لمقدم الطلب.",
            "Write the reason for the rejection; the applicant will see it.",
        ),
        "application.message_required": BilingualText(
            "اكتب ما تطلبه من مقدم الطلب.", "Write what you need from the applicant."
        ),
        "application.no_open_request": BilingualText(
            "لا يوجد طلب معلومات مفتوح على هذه المعاملة.",
            "There is no open request for information on this application.",
        ),
        "application.answer_required": BilingualText(
            "أرفق المستند المطلوب أو اكتب ردك.", "Attach the document asked for or write your answer."
        ),
        "application.party_unknown": BilingualText(
            "الرقم المدني للطرف الآخر غير مسجل في السجل المدني.",
            "The other party's civil ID is not in the civil register.",
        ),
        "application.party_is_applicant": BilingualText(
            "لا يمكن أن تكون طرفاً ثانياً في معاملتك.",
            "You cannot be the other party of your own application.",
        ),
        "idempotency.conflict": BilingualText(
            "استُخدم مفتاح الطلب هذا لطلب مختلف.", "This request key was already used for a different request."
        ),
        "idempotency.missing": BilingualText(
            "مفتاح الطلب (Idempotency-Key) مطلوب.", "An Idempotency-Key is required."
        ),
        "file.too_large": BilingualText(
            "الملف أكبر من الحد المسموح ({limit} ميغابايت).",
            "The file is larger than the limit ({limit} MB).",
        ),
        "file.empty": BilingualText("الملف فارغ.", "The file is empty."),
        "file.wrong_type": BilingualText(
            "نوع الملف غير مقبول؛ الأنواع المقبولة: {formats}.",
            "This kind of file is not accepted; accepted kinds: {formats}.",
        ),
        "file.unknown_document": BilingualText(
            "هذا المستند غير مطلوب في هذه الخدمة.", "This document is not part of this service."
        ),
        "application.already_open": BilingualText(
            "لديك معاملة مفتوحة لهذا الطلب نفسه برقم {reference}؛ تابعها أو اسحبها أولاً.",
            "You already have an open application for the same thing, number {reference}; follow it or withdraw it first.",
        ),
        "register.changed": BilingualText(
            "تغيرت بيانات السجل منذ تقديم الطلب ({detail})؛ لم يتغير شيء.",
            "The register has changed since the application was filed ({detail}); nothing was changed.",
        ),
        "payment.not_due": BilingualText(
            "لا توجد رسوم مستحقة على هذه المعاملة الآن.", "No fee is due on this application now."
        ),
        "payment.already_paid": BilingualText(
            "دُفعت رسوم هذه المعاملة من قبل.", "The fee of this application is already paid."
        ),
        "payment.result_refused": BilingualText(
            "لم نقبل نتيجة الدفع هذه لأنها غير موثقة؛ لم يتغير شيء.",
            "We did not accept this payment result because it could not be verified; nothing was changed.",
        ),
        "payment.gateway_unavailable": BilingualText(
            "بوابة الدفع لا تستجيب الآن؛ لم يُخصم شيء. حاول بعد قليل.",
            "The payment gateway is not answering now; nothing was charged. Please try again shortly.",
        ),
        "case.purpose_required": BilingualText(
            "هذه المعاملة يتولاها موظف آخر؛ اذكر سبب اطلاعك عليها (purpose)، وسيراه صاحب الشأن.",
            "Another caseworker has this case: give the purpose of reading it (purpose); the person will see it.",
        ),
        "document.not_found": BilingualText("لم نجد هذا المستند.", "We could not find this document."),
    }
)
