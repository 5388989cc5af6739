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
    "page.cursor_invalid": BilingualText(
        "رابط هذه الصفحة غير صحيح؛ ابدأ من الصفحة الأولى.",
        "This page's link is not valid; start from the first page.",
    ),
}


# Logging in: the second factor by SMS and the pauses after repeated failures (identity). A pause
# holds only the address the wrong passwords came from, so the text offers the other ways in.
MESSAGES.update(
    {
        "login.paused": BilingualText(
            "محاولات دخول خاطئة كثيرة من هذا الجهاز أو هذه الشبكة، فأوقفنا الدخول منها مؤقتاً. "
            "حاول مرة أخرى بعد الساعة {time}، أو ادخل بمفتاح المرور، أو من جهاز أو شبكة أخرى.",
            "Too many failed login attempts from this device or network, so logging in from here is "
            "paused. Try again after {time}, or log in with a passkey, or from another device or network.",
        ),
        "login.codes_paused": BilingualText(
            "رموز خاطئة كثيرة من هذا الجهاز أو هذه الشبكة. يمكنك كتابة رمز جديد بعد الساعة {time}.",
            "Too many wrong codes from this device or network. You can type a code again after {time}.",
        ),
        "sms.phone": BilingualText(
            "رقم الهاتف غير صحيح: اكتب رقم هاتف كويتي من 8 أرقام يبدأ بـ 5 أو 6 أو 9.",
            "This phone number is not valid: enter a Kuwaiti mobile number of 8 digits starting with 5, 6 or 9.",
        ),
        "sms.phone_needed": BilingualText(
            "اكتب رقم هاتفك المحمول لنرسل إليه الرمز.",
            "Enter your mobile number so that we can send the code to it.",
        ),
        "sms.no_factor": BilingualText(
            "لم تفعّل رمز التحقق برسالة نصية.", "You have not turned on codes by SMS."
        ),
        "sms.no_code": BilingualText(
            "لم نرسل إليك رمزاً بعد، أو انتهت مدته. اطلب رمزاً جديداً.",
            "We have not sent you a code yet, or it has run out. Ask for a new one.",
        ),
        "sms.code_format": BilingualText(
            "الرمز يتكون من 6 أرقام؛ اكتبه كما ورد في الرسالة.",
            "The code has 6 digits; type it as it appears in the SMS.",
        ),
        "sms.code_wrong": BilingualText(
            "الرمز غير صحيح. تحقق منه وأعد المحاولة (المحاولات المتبقية: {left}).",
            "That code is not right. Check it and try again ({left} tries left).",
        ),
        "sms.code_expired": BilingualText(
            "انتهت صلاحية هذا الرمز (مدته 5 دقائق). اطلب رمزاً جديداً.",
            "This code has expired (a code lasts 5 minutes). Ask for a new one.",
        ),
        "sms.code_used": BilingualText(
            "هذا الرمز استُخدم من قبل، والرمز لا يُقبل إلا مرة واحدة. اطلب رمزاً جديداً.",
            "This code has already been used, and a code is accepted only once. Ask for a new one.",
        ),
        "sms.code_exhausted": BilingualText(
            "أدخلت رمزاً خاطئاً مرات كثيرة، فأوقفنا هذا الرمز. اطلب رمزاً جديداً.",
            "Too many wrong tries, so this code no longer works. Ask for a new one.",
        ),
        "sms.code_replaced": BilingualText(
            "هذا رمز قديم حلّ محله رمز أحدث. اكتب الرمز الوارد في آخر رسالة.",
            "This is an older code, replaced by a newer one. Type the code from the latest SMS.",
        ),
        "sms.wait": BilingualText(
            "انتظر دقيقة، ثم اطلب رمزاً جديداً إن لم يصلك الرمز السابق.",
            "Wait a minute, then ask for a new code if the last one has not arrived.",
        ),
        "sms.too_many": BilingualText(
            "أرسلنا إليك رموزاً كثيرة خلال الساعة الماضية. يمكنك طلب رمز جديد بعد الساعة {time}.",
            "We have sent you many codes in the last hour. You can ask for a new one after {time}.",
        ),
        "sms.not_sent": BilingualText(
            "تعذّر إرسال الرسالة النصية الآن. حاول مرة أخرى بعد قليل.",
            "We could not send the SMS just now. Please try again shortly.",
        ),
    }
)


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
        "application.too_many": BilingualText(
            "قدّمت معاملات كثيرة في وقت قصير، فأوقفنا التقديم مؤقتاً. يمكنك تقديم معاملة جديدة بعد الساعة {time}. "
            "لم يُرسَل هذا الطلب.",
            "You have filed many applications in a short time, so filing is paused for now. You can file "
            "again after {time}. This one was not sent.",
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

MESSAGES.update(
    {
        "mandate.refused": BilingualText(
            "لا تملك صلاحية التصرف نيابةً عن هذا الشخص في هذه الخدمة؛ سُجّلت المحاولة.",
            "You may not act for this person on this service; the attempt was recorded.",
        ),
        "mandate.ended": BilingualText(
            "انتهت صلاحيتك في التصرف نيابةً عن {name}؛ عُدت تتصرف باسمك. سُجّلت المحاولة.",
            "Your power to act for {name} has ended; you are acting as yourself again. The attempt was recorded.",
        ),
        "mandate.personal": BilingualText(
            "هذه الخدمة شخصية، يقدمها صاحب الشأن بنفسه ولا تُقدَّم بالنيابة.",
            "This service is personal: only the person concerned can apply for it, not someone acting for them.",
        ),
        "login.second_factor_required": BilingualText(
            "لحماية حسابك، أضف وسيلة تحقق إضافية (مفتاح مرور أو تطبيق مصادقة أو رمز عبر الرسائل النصية) قبل المتابعة.",
            "To protect your account, add a second factor (a passkey, an authenticator app or a code by SMS) before going on.",
        ),
        "reauthentication.required": BilingualText(
            "لحماية حسابك، أدخل كلمة المرور مرة أخرى قبل هذه الخطوة.",
            "To protect your account, enter your password again before this step.",
        ),
        "mandate.not_found": BilingualText(
            "لم نجد هذا التوكيل.", "We could not find this power of attorney."
        ),
        "mandate.already_ended": BilingualText(
            "هذا التوكيل منتهٍ أو ملغى من قبل.", "This power of attorney has already ended or been revoked."
        ),
        "complaint.not_found": BilingualText("لم نجد هذا البلاغ.", "We could not find this report."),
        "complaint.upload_too_large": BilingualText(
            "الملف أكبر من {limit} ميغابايت.", "The file is larger than {limit} MB."
        ),
        "complaint.no_photo_location": BilingualText(
            "لا تحمل صورك موقعاً؛ حدّد الموقع على جهازك أو اكتبه.",
            "Your photos carry no location; use your device's location or type it.",
        ),
        "complaint.reporter_required": BilingualText("سجّل الدخول لتقديم بلاغ.", "Log in to file a report."),
        "complaint.topic_unknown": BilingualText(
            "اختر موضوع البلاغ من القائمة.", "Choose what the report is about from the list."
        ),
        "complaint.description": BilingualText(
            "صف المشكلة في 10 أحرف على الأقل و2000 حرف على الأكثر.",
            "Describe the problem in at least 10 and at most 2,000 characters.",
        ),
        "complaint.too_many_photos": BilingualText(
            "يمكنك إرفاق {limit} صور على الأكثر.", "You can attach at most {limit} photos."
        ),
        "complaint.question_required": BilingualText(
            "اكتب سؤالك لمقدم البلاغ.", "Write your question to the reporter."
        ),
        "complaint.answer_required": BilingualText("اكتب إجابتك.", "Write your answer."),
        "complaint.reason_required": BilingualText("اذكر السبب.", "Give the reason."),
        "complaint.agency_unknown": BilingualText(
            "اختر الجهة من القائمة.", "Choose the agency from the list."
        ),
        "complaint.agency_same": BilingualText(
            "البلاغ لدى هذه الجهة أصلاً؛ اختر جهة أخرى.",
            "The report is with this agency already; choose another.",
        ),
        "complaint.resolution_required": BilingualText(
            "اكتب ما تم لحل المشكلة؛ سيقرؤه مقدم البلاغ.",
            "Write what was done to solve it; the reporter reads it.",
        ),
        "complaint.resolution_photo_required": BilingualText(
            "هذا النوع من البلاغات يتطلب صورة بعد الإصلاح.", "Reports of this kind need a photo of the fix."
        ),
        "complaint.reopened_once": BilingualText(
            "أُعيد فتح هذا البلاغ من قبل؛ لا يُعاد فتحه إلا مرة واحدة.",
            "This report was reopened before; a report can be reopened only once.",
        ),
        "complaint.rating": BilingualText("اختر تقييماً من 1 إلى 5.", "Choose a rating from 1 to 5."),
        "complaint.illegal_move": BilingualText(
            "لا يمكن هذا الإجراء على البلاغ في حالته الحالية.",
            "This cannot be done to the report in its current state.",
        ),
        "complaint.no_catalogue": BilingualText("حمّل دليل الخدمات أولاً.", "Load the catalogue first."),
        "mandate.dates": BilingualText(
            "تاريخ البدء يجب أن يكون اليوم أو بعده، وتاريخ الانتهاء بعده وخلال خمس سنوات.",
            "The start date must be today or later, and the end date after it and within five years.",
        ),
    }
)

# The inbound agency API (integrations.api): what an agency's system is told when refused.
MESSAGES.update(
    {
        "agency.token_missing": BilingualText(
            "هذه الواجهة لأنظمة الجهات: أرسل رمز الدخول (Authorization: Bearer) الذي تعطيه /api/v1/agency/token.",
            "This API is for agencies' systems: send the access token (Authorization: Bearer) from /api/v1/agency/token.",
        ),
        "agency.token_invalid": BilingualText(
            "رمز الدخول غير صالح أو منتهٍ أو أُلغي اعتماده؛ اطلب رمزاً جديداً.",
            "The access token is not valid, has expired or its credential was revoked; ask for a new one.",
        ),
        "agency.register_not_owner": BilingualText(
            "لا يحدّث هذا السجل إلا الجهة المالكة له.",
            "Only the agency that owns this register may update it.",
        ),
        "agency.nothing_to_change": BilingualText(
            "لم يذكر الطلب أي حقل يمكن تغييره.", "The request names no field that can be changed."
        ),
        "agency.file_required": BilingualText(
            "أرفق المستند في الحقل file بصيغة PDF.", "Attach the document as a PDF in the field file."
        ),
        "vehicle.not_found": BilingualText(
            "لم نجد مركبة بهذه اللوحة.", "We could not find a vehicle with this plate."
        ),
        "idempotency.too_long": BilingualText(
            "مفتاح الطلب (Idempotency-Key) أطول من {limit} حرفاً.",
            "The Idempotency-Key is longer than {limit} characters.",
        ),
    }
)

# Complaints: where the complaint is (complaints.geo).
MESSAGES.update(
    {
        "complaint.location_outside": BilingualText(
            "هذا المكان خارج الكويت (أو في البحر)؛ اختر مكاناً على اليابسة داخل الكويت.",
            "This place is outside Kuwait (or at sea); choose a place on land in Kuwait.",
        ),
        "complaint.location_invalid": BilingualText(
            "أدخل الموقع بخطَّي العرض والطول بالدرجات العشرية، مثل 29.3759 و47.9774، أو استخدم موقع جهازك.",
            "Enter the location as latitude and longitude in decimal degrees, e.g. 29.3759 and 47.9774, or use your device's location.",
        ),
    }
)

# Complaint media (complaints.media): photos and voice notes refused by content, size or length.
MESSAGES.update(
    {
        "complaint.photo_too_large": BilingualText(
            "حجم الصورة أكبر من {limit} ميغابايت. اختر صورة أصغر أو التقط صورة جديدة.",
            "The photo is larger than {limit} MB. Choose a smaller one or take a new photo.",
        ),
        "complaint.photo_too_many_pixels": BilingualText(
            "أبعاد الصورة كبيرة جداً (أكثر من {limit} ميغابكسل). صغّر الصورة أو التقط صورة جديدة.",
            "The photo's dimensions are too large (more than {limit} megapixels). Make it smaller or take a new photo.",
        ),
        "complaint.photo_kind": BilingualText(
            "هذا الملف ليس صورة نقبلها. أرفق صورة ثابتة بصيغة JPEG أو PNG أو WebP.",
            "This file is not a photo we accept. Attach a still photo in JPEG, PNG or WebP format.",
        ),
        "complaint.photo_heic": BilingualText(
            "لا نقبل صور HEIC بعد. أرفق الصورة بصيغة JPEG، أو اختر في iPhone: الإعدادات ← الكاميرا ← التنسيقات ← «الأكثر توافقاً»، أو التقط الصورة من هذه الصفحة.",
            "HEIC photos are not accepted yet. Attach the photo as a JPEG, or on an iPhone choose Settings → Camera → Formats → “Most Compatible”, or take the photo from this page.",
        ),
        "complaint.photo_damaged": BilingualText(
            "تعذّرت قراءة الصورة؛ ربما لم يكتمل رفعها أو أن الملف تالف. أرفقها مرة أخرى.",
            "We could not read the photo; it may not have uploaded completely, or the file is damaged. Attach it again.",
        ),
        "complaint.voice_too_large": BilingualText(
            "حجم الرسالة الصوتية أكبر من {limit} ميغابايت. سجّل رسالة أقصر.",
            "The voice note is larger than {limit} MB. Record a shorter one.",
        ),
        "complaint.voice_too_long": BilingualText(
            "الرسالة الصوتية أطول من {limit} دقائق. سجّل رسالة أقصر، واكتب الباقي في وصف البلاغ.",
            "The voice note is longer than {limit} minutes. Record a shorter one and write the rest in the description.",
        ),
        "complaint.voice_kind": BilingualText(
            "هذا الملف ليس تسجيلاً صوتياً نقبله. سجّل رسالتك من هذه الصفحة، أو أرفق ملفاً بصيغة WebM أو Ogg أو M4A أو MP3 أو WAV.",
            "This file is not a recording we accept. Record your message in this page, or attach a WebM, Ogg, M4A, MP3 or WAV file.",
        ),
        "complaint.voice_damaged": BilingualText(
            "تعذّرت قراءة الرسالة الصوتية أو معرفة مدتها؛ ربما لم يكتمل التسجيل. سجّلها مرة أخرى.",
            "We could not read the voice note or tell how long it is; the recording may be incomplete. Record it again.",
        ),
    }
)

# The wallet (Hawiyati).
MESSAGES.update(
    {
        "wallet.document_revoked": BilingualText(
            "أُلغي هذا المستند، فلا يمكن إضافته إلى محفظة.",
            "This document has been revoked, so it cannot be added to a wallet.",
        ),
        "wallet.document_expired": BilingualText(
            "انتهت صلاحية هذا المستند، فلا يمكن إضافته إلى محفظة. جدّده أولاً.",
            "This document has expired, so it cannot be added to a wallet. Renew it first.",
        ),
        "wallet.unknown_action": BilingualText(
            "الإجراء غير معروف: إيقاف أو إعادة تفعيل أو إلغاء.",
            "Unknown action: suspend, reinstate or revoke.",
        ),
        "wallet.unknown_type": BilingualText(
            "لا يوجد نوع مستند بهذا الاسم.", "There is no document type by that name."
        ),
        "wallet.presentation_missing": BilingualText(
            "الصق نص المستند المعروض أو امسح رمزه.", "Paste the shown document's text or scan its code."
        ),
    }
)
