"""What Open311 answers say to people (gettext): error descriptions, service descriptions and
status notes. Error descriptions are shown to the client's user (the spec: "meant to be seen by
the user"); English unless the client asks for Arabic with Accept-Language, whatever the page's
language, so they are rendered under `override`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# --- Errors ---------------------------------------------------------------------------------------

JURISDICTION_UNKNOWN = _("jurisdiction_id '{given}' was not found: this endpoint serves {ours} only.")
API_KEY_MISSING = _(
    "No api_key received: client applications need a key to create requests; ask Sahl's operators for one."
)
API_KEY_INVALID = _(
    "Invalid api_key received: this key is unknown or was revoked -- can't proceed with create_request."
)
SERVICE_CODE_MISSING = _("service_code was not provided.")
SERVICE_CODE_UNKNOWN = _("service_code '{code}' was not found; services.json lists them.")
LOCATION_MISSING = _("A location is required: send lat and long (WGS84).")
COORDINATES_NEEDED = _(
    "Sahl places a request by its coordinates only: send lat and long (WGS84); "
    "an address_string or address_id cannot be located here."
)
LAT_LONG_PAIR = _("Send both lat and long.")
DESCRIPTION_MISSING = _("A description is required: say what the problem is.")
DESCRIPTION_WITH_ANSWERS_TOO_LONG = _(
    "The description with the answers and the address is longer than {limit} characters; shorten the description."
)
ADDRESS_TOO_LONG = _("The address_string is longer than {limit} characters.")
MEDIA_URL_REFUSED = _(
    "media_url is not accepted: send the photo itself as a multipart/form-data part named media."
)
FILE_PART_UNKNOWN = _("The only file part accepted is media (a photo).")
CONTENT_TYPE = _("Send the request as application/x-www-form-urlencoded or multipart/form-data.")
TOO_LARGE = _("The request is larger than {limit} MB.")
BODY_INVALID = _("The request body could not be read.")
ATTRIBUTE_UNKNOWN = _("attribute[{code}] is not defined for service {service}.")
ATTRIBUTE_REQUIRED = _("attribute[{code}] is required for service {service}: {question}")
ATTRIBUTE_ONE_VALUE = _("attribute[{code}] takes one value.")
ATTRIBUTE_VALUE = _("attribute[{code}] must be one of: {keys}.")
ATTRIBUTE_NUMBER = _("attribute[{code}] must be a number.")
ATTRIBUTE_TOO_LONG = _("attribute[{code}] is longer than {limit} characters.")
ATTRIBUTE_ONE_LINE = _("attribute[{code}] must be written on one line.")
EMAIL_INVALID = _("The email address is not valid.")
PHONE_INVALID = _(
    "The phone number is not valid: digits, with + and spaces if you like, at most 30 characters."
)
NAME_TOO_LONG = _("The name (first_name and last_name) is longer than 200 characters.")
REQUEST_NOT_FOUND = _("service_request_id '{id}' was not found.")
TOKEN_NOT_FOUND = _("token '{token}' was not found.")
STATUS_INVALID = _("status must be open, closed or both, comma delimited.")
DATE_INVALID = _("{field} must be a w3 date-time such as 2026-01-01T00:00:00Z.")
DATE_ORDER = _("end_date is before start_date.")
DATE_SPAN = _("start_date and end_date may not span more than 90 days.")
TOO_MANY_VALUES = _("Send at most {limit} values at once.")
PAGE_INVALID = _("{field} must be a whole number from 1 to {maximum}.")
METHOD = _("This resource answers {methods} only.")
NOT_FOUND = _("There is no Open311 resource at this address; see discovery.json.")

# --- Services, requests and discovery --------------------------------------------------------------

SERVICE_DESCRIPTION = _("Reports of this kind go to {agency}, which has {days} working days to resolve them.")
UNKNOWN_DESCRIPTION = _(
    "When you do not know which agency: Sahl's routing rules find it from the description and the place."
)
SERVICE_NOTICE = _("Sent to {agency}; it is due to be resolved by {due}.")
KUWAIT = _("Kuwait")
CONTACT = _(
    "For help with the Open311 endpoint contact Sahl's operators (the ministry); how to connect: docs/open311.md."
)
KEY_SERVICE = _(
    "Sahl's operators issue an api_key to each client application on request; "
    "reading services and requests needs no key."
)

# status_notes: what the last public step of a complaint says (never the reporter's words).
STATUS_NOTES = {
    "routed": _("Sent to {agency}."),
    "acknowledged": _("{agency} has taken it on."),
    "question": _("{agency} asked the reporter a question and is waiting for the answer."),
    "answer": _("The reporter answered; {agency} carries on."),
    "forwarded": _("Forwarded to {agency}, the agency responsible."),
    "resolved": _("Resolved: {note}"),
    "reopened": _("Reopened by the reporter; {agency} takes it up again."),
    "rated": _("Closed after it was resolved."),
    "closed": _("Closed."),
    "escalated": _("Past its deadline: escalated to a supervisor at {agency}."),
}
