"""What Open311 answers say to people, in Arabic and English. Error descriptions are shown to the
client's user (the spec: "meant to be seen by the user"); English unless the client asks for
Arabic with Accept-Language."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText as T

# --- Errors ---------------------------------------------------------------------------------------

JURISDICTION_UNKNOWN = T(
    "لم نجد jurisdiction_id «{given}»: هذه الواجهة تخدم {ours} وحدها.",
    "jurisdiction_id '{given}' was not found: this endpoint serves {ours} only.",
)
API_KEY_MISSING = T(
    "لا يوجد api_key: تحتاج تطبيقات العملاء إلى مفتاح لتقديم البلاغات؛ اطلبه من مشغّلي سهل.",
    "No api_key received: client applications need a key to create requests; ask Sahl's operators for one.",
)
API_KEY_INVALID = T(
    "api_key غير صالح: هذا المفتاح غير معروف أو أُلغي.",
    "Invalid api_key received: this key is unknown or was revoked -- can't proceed with create_request.",
)
SERVICE_CODE_MISSING = T("لم يُرسل service_code.", "service_code was not provided.")
SERVICE_CODE_UNKNOWN = T(
    "لم نجد service_code «{code}»؛ تسردها services.json.",
    "service_code '{code}' was not found; services.json lists them.",
)
LOCATION_MISSING = T(
    "الموقع مطلوب: أرسل lat وlong (WGS84).",
    "A location is required: send lat and long (WGS84).",
)
COORDINATES_NEEDED = T(
    "يحدّد سهل مكان البلاغ بالإحداثيات فقط: أرسل lat وlong (WGS84)؛ لا نستطيع تحديد مكان address_string أو address_id.",
    "Sahl places a request by its coordinates only: send lat and long (WGS84); "
    "an address_string or address_id cannot be located here.",
)
LAT_LONG_PAIR = T("أرسل lat وlong معاً.", "Send both lat and long.")
DESCRIPTION_MISSING = T(
    "الوصف (description) مطلوب: صف المشكلة.", "A description is required: say what the problem is."
)
DESCRIPTION_WITH_ANSWERS_TOO_LONG = T(
    "الوصف مع الإجابات والعنوان أطول من {limit} حرف؛ اختصر الوصف.",
    "The description with the answers and the address is longer than {limit} characters; shorten the description.",
)
ADDRESS_TOO_LONG = T(
    "العنوان (address_string) أطول من {limit} حرف.", "The address_string is longer than {limit} characters."
)
MEDIA_URL_REFUSED = T(
    "لا نقبل media_url: أرسل الصورة نفسها جزءاً باسم media في طلب multipart/form-data.",
    "media_url is not accepted: send the photo itself as a multipart/form-data part named media.",
)
FILE_PART_UNKNOWN = T(
    "لا نقبل من الملفات إلا الجزء media (صورة).", "The only file part accepted is media (a photo)."
)
CONTENT_TYPE = T(
    "أرسل الطلب بصيغة application/x-www-form-urlencoded أو multipart/form-data.",
    "Send the request as application/x-www-form-urlencoded or multipart/form-data.",
)
TOO_LARGE = T(
    "الطلب أكبر من {limit} ميغابايت.",
    "The request is larger than {limit} MB.",
)
BODY_INVALID = T("تعذّرت قراءة الطلب.", "The request body could not be read.")
ATTRIBUTE_UNKNOWN = T(
    "attribute[{code}] غير معرّف للخدمة {service}.",
    "attribute[{code}] is not defined for service {service}.",
)
ATTRIBUTE_REQUIRED = T(
    "attribute[{code}] مطلوب للخدمة {service}: {question_ar}",
    "attribute[{code}] is required for service {service}: {question}",
)
ATTRIBUTE_ONE_VALUE = T("attribute[{code}] يقبل قيمة واحدة.", "attribute[{code}] takes one value.")
ATTRIBUTE_VALUE = T("attribute[{code}] يجب أن يكون أحد: {keys}.", "attribute[{code}] must be one of: {keys}.")
ATTRIBUTE_NUMBER = T("attribute[{code}] يجب أن يكون رقماً.", "attribute[{code}] must be a number.")
ATTRIBUTE_TOO_LONG = T(
    "attribute[{code}] أطول من {limit} حرف.", "attribute[{code}] is longer than {limit} characters."
)
ATTRIBUTE_ONE_LINE = T(
    "attribute[{code}] يُكتب في سطر واحد.", "attribute[{code}] must be written on one line."
)
EMAIL_INVALID = T("عنوان البريد (email) غير صحيح.", "The email address is not valid.")
PHONE_INVALID = T(
    "رقم الهاتف (phone) غير صحيح: أرقام فقط، مع + ومسافات إن شئت، 30 حرفاً على الأكثر.",
    "The phone number is not valid: digits, with + and spaces if you like, at most 30 characters.",
)
NAME_TOO_LONG = T(
    "الاسم (first_name وlast_name) أطول من 200 حرف.",
    "The name (first_name and last_name) is longer than 200 characters.",
)
REQUEST_NOT_FOUND = T("لم نجد service_request_id «{id}».", "service_request_id '{id}' was not found.")
TOKEN_NOT_FOUND = T("لم نجد الرمز (token) «{token}».", "token '{token}' was not found.")
STATUS_INVALID = T(
    "status يكون open أو closed أو كليهما مفصولين بفاصلة.",
    "status must be open, closed or both, comma delimited.",
)
DATE_INVALID = T(
    "{field} يجب أن يكون تاريخاً ووقتاً بصيغة w3، مثل 2026-01-01T00:00:00Z.",
    "{field} must be a w3 date-time such as 2026-01-01T00:00:00Z.",
)
DATE_ORDER = T("end_date قبل start_date.", "end_date is before start_date.")
DATE_SPAN = T(
    "لا يزيد ما بين start_date وend_date على 90 يوماً.",
    "start_date and end_date may not span more than 90 days.",
)
TOO_MANY_VALUES = T("أرسل {limit} قيمة على الأكثر في المرة الواحدة.", "Send at most {limit} values at once.")
PAGE_INVALID = T(
    "{field} رقم صحيح من 1 إلى {maximum}.", "{field} must be a whole number from 1 to {maximum}."
)
METHOD = T("يقبل هذا المورد {methods} فقط.", "This resource answers {methods} only.")
NOT_FOUND = T(
    "لا يوجد مورد Open311 بهذا العنوان؛ انظر discovery.json.",
    "There is no Open311 resource at this address; see discovery.json.",
)

# --- Services, requests and discovery --------------------------------------------------------------

SERVICE_DESCRIPTION = T(
    "تُحال هذه البلاغات إلى {agency}، ومهلة معالجتها بأيام العمل: {days}.",
    "Reports of this kind go to {agency}, which has {days} working days to resolve them.",
)
UNKNOWN_DESCRIPTION = T(
    "حين لا تعرف الجهة المختصة: تحدّدها قواعد التوجيه في سهل من وصفك ومكان البلاغ.",
    "When you do not know which agency: Sahl's routing rules find it from the description and the place.",
)
SERVICE_NOTICE = T(
    "أُحيل إلى {agency}، وموعد معالجته {due}.",
    "Sent to {agency}; it is due to be resolved by {due}.",
)
KUWAIT = T("الكويت", "Kuwait")
CONTACT = T(
    "للمساعدة في واجهة Open311 تواصل مع مشغّلي سهل (الوزارة)؛ دليل الربط: docs/open311.md.",
    "For help with the Open311 endpoint contact Sahl's operators (the ministry); how to connect: docs/open311.md.",
)
KEY_SERVICE = T(
    "يصدر مشغّلو سهل مفتاح api_key لكل تطبيق عميل عند الطلب؛ لا يلزم مفتاح لقراءة الخدمات والبلاغات.",
    "Sahl's operators issue an api_key to each client application on request; "
    "reading services and requests needs no key.",
)

# status_notes: what the last public step of a complaint says (never the reporter's words).
STATUS_NOTES = {
    "routed": T("أُحيل إلى {agency}.", "Sent to {agency}."),
    "acknowledged": T("تسلّمت {agency} البلاغ وتعالجه.", "{agency} has taken it on."),
    "question": T(
        "سألت {agency} مقدم البلاغ سؤالاً وتنتظر الرد.",
        "{agency} asked the reporter a question and is waiting for the answer.",
    ),
    "answer": T("أجاب مقدم البلاغ؛ تتابع {agency} المعالجة.", "The reporter answered; {agency} carries on."),
    "forwarded": T("أُحيل إلى {agency}، الجهة المختصة.", "Forwarded to {agency}, the agency responsible."),
    "resolved": T("عولج: {note}", "Resolved: {note}"),
    "reopened": T(
        "أعاد مقدم البلاغ فتحه؛ تعالجه {agency} من جديد.",
        "Reopened by the reporter; {agency} takes it up again.",
    ),
    "rated": T("أُغلق بعد المعالجة.", "Closed after it was resolved."),
    "closed": T("أُغلق.", "Closed."),
    "escalated": T(
        "تجاوز مهلته: رُفع إلى مشرف في {agency}.", "Past its deadline: escalated to a supervisor at {agency}."
    ),
}
