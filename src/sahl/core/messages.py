"""What every error code a person can meet says (gettext: the Arabic is in the catalogue)."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sahl.core.bilingual import LANGUAGES, BilingualText
from sahl.core.languages import in_language

MESSAGES: dict[str, Promise] = {
    "civil_id.format": _("A civil ID has exactly 12 digits."),
    "civil_id.birth_date": _("This civil ID is not valid: its first digits are not a birth date."),
    "civil_id.check_digit": _("This civil ID is not valid: please check the digits you typed."),
    "money.format": _("An amount is written in dinars with three decimals, such as 10.000."),
    "money.negative": _("An amount cannot be negative."),
    "money.currency": _("The only currency is the Kuwaiti dinar."),
    "search.too_long": _("The search text is too long; use at most {limit} characters."),
    "search.empty": _("Type a word to search for."),
    "service.not_found": _(
        "We could not find this service. Its address may have changed; search for it in the catalogue."
    ),
    "agency.not_found": _("We could not find this agency."),
    "category.not_found": _("We could not find this category."),
    "page.not_found": _("We could not find this page."),
    "request.bad": _("The request is not valid."),
    "request.forbidden": _("You may not open this page."),
    "server.error": _("Something went wrong on our side and nothing was changed. Please try again shortly."),
    "page.invalid": _("The page number is not valid."),
    "page.cursor_invalid": _("This page's link is not valid; start from the first page."),
}


# Logging in: the second factor by SMS and the pauses after repeated failures (identity). A pause
# holds only the address the wrong passwords came from, so the text offers the other ways in.
MESSAGES.update(
    {
        "login.paused": _(
            "Too many failed login attempts from this device or network, so logging in from here is "
            "paused. Try again after {time}, or log in with a passkey, or from another device or network."
        ),
        "login.codes_paused": _(
            "Too many wrong codes from this device or network. You can type a code again after {time}."
        ),
        "sms.phone": _(
            "This phone number is not valid: enter a Kuwaiti mobile number of 8 digits starting with 5, 6 or 9."
        ),
        "sms.phone_needed": _("Enter your mobile number so that we can send the code to it."),
        "sms.no_factor": _("You have not turned on codes by SMS."),
        "sms.no_code": _("We have not sent you a code yet, or it has run out. Ask for a new one."),
        "sms.code_format": _("The code has 6 digits; type it as it appears in the SMS."),
        "sms.code_wrong": _("That code is not right. Check it and try again ({left} tries left)."),
        "sms.code_expired": _("This code has expired (a code lasts 5 minutes). Ask for a new one."),
        "sms.code_used": _(
            "This code has already been used, and a code is accepted only once. Ask for a new one."
        ),
        "sms.code_exhausted": _("Too many wrong tries, so this code no longer works. Ask for a new one."),
        "sms.code_replaced": _(
            "This is an older code, replaced by a newer one. Type the code from the latest SMS."
        ),
        "sms.wait": _("Wait a minute, then ask for a new code if the last one has not arrived."),
        "sms.too_many": _(
            "We have sent you many codes in the last hour. You can ask for a new one after {time}."
        ),
        "sms.not_sent": _("We could not send the SMS just now. Please try again shortly."),
    }
)

# Joining Sahl and recovering an account with the civil ID card (identity.joining). The first refusal
# is the same whether the civil ID is unknown or the serial wrong: it must not tell which.
MESSAGES.update(
    {
        "join.not_matched": _(
            "These details do not match a civil ID card. Check the civil ID and the serial number printed "
            "on your card, then try again."
        ),
        "join.minor": _(
            "People under 18 do not have a Sahl account of their own: a parent or guardian acts for them "
            "from their own account."
        ),
        "join.no_mobile": _(
            "The Public Authority for Civil Information holds no mobile number for you, so we cannot send "
            "you a code. Add your mobile number at one of its offices or machines, then come back."
        ),
        "join.paused": _("Too many attempts from this device or network. You can try again after {time}."),
        "join.proof_ended": _(
            "This step has ended: more than 15 minutes passed, or it was already used. Start again."
        ),
        "join.passwords_differ": _("The two passwords are not the same. Type the same password twice."),
    }
)


def message(code: str, language: str, **params: object) -> str:
    """The text of `code` in `language` (an unknown code reads as a bad request), filled."""
    text = in_language(MESSAGES.get(code, MESSAGES["request.bad"]), language)
    # A parameter may itself be wording (an eligibility rule's reason): it reads in the same language.
    filled = {
        name: in_language(value, language) if isinstance(value, BilingualText | Promise) else value
        for name, value in params.items()
    }
    return text.format(**filled) if params else text


def both(code: str, **params: object) -> dict[str, str]:
    """The text of `code` in Arabic and English, as API errors answer."""
    return {language: message(code, language, **params) for language in LANGUAGES}


MESSAGES.update(
    {
        "application.form_invalid": _("Please correct the fields shown and try again."),
        "application.too_many": _(
            "You have filed many applications in a short time, so filing is paused for now. You can file "
            "again after {time}. This one was not sent."
        ),
        "filing.too_many_from_source": _(
            "Many applications and reports were sent from your network in a short time, so filing from it "
            "is paused for now. You can file again after {time}. This one was not sent."
        ),
        "application.illegal_transition": _("This cannot be done to the application in its current state."),
        "application.not_found": _("We could not find this application."),
        "application.not_eligible": _("You cannot apply for this service: {reason}"),
        "application.already_taken": _("Another caseworker has just taken this application."),
        "application.not_assigned": _("Take the application before deciding it."),
        "application.reason_required": _("Write the reason for the rejection; the applicant will see it."),
        "application.message_required": _("Write what you need from the applicant."),
        "application.no_open_request": _("There is no open request for information on this application."),
        "application.answer_required": _("Attach the document asked for or write your answer."),
        "application.party_unknown": _("The other party's civil ID is not in the civil register."),
        "application.party_is_applicant": _("You cannot be the other party of your own application."),
        "idempotency.conflict": _("This request key was already used for a different request."),
        "idempotency.missing": _("An Idempotency-Key is required."),
        "file.too_large": _("The file is larger than the limit ({limit} MB)."),
        "file.empty": _("The file is empty."),
        "file.wrong_type": _("This kind of file is not accepted; accepted kinds: {formats}."),
        "file.unknown_document": _("This document is not part of this service."),
        "application.document_required_by": _(
            "Attach this document: it is required because you chose “{choice}” for “{field}”."
        ),
        "application.already_open": _(
            "You already have an open application for the same thing, number {reference}; follow it or withdraw it first."
        ),
        "register.changed": _(
            "The register has changed since the application was filed ({detail}); nothing was changed."
        ),
        "register.parent_unknown": _(
            "The mother or the father is not in the population register, or is recorded with the other sex; nothing was recorded."
        ),
        "register.spouse_unknown": _(
            "The husband or the wife is not in the population register, or is recorded with the other sex; nothing was recorded."
        ),
        "register.birth_date": _("The date of birth must be within the last year, and not in the future."),
        "register.marriage_date": _("The date of the marriage cannot be in the future."),
        "journey.not_in_register": _(
            "You are not in the population register, so no journey can start for you."
        ),
        "journey.cannot_start": _(
            "This journey starts by itself from the registers; it cannot be started by hand."
        ),
        "journey.start_details": _(
            "Give your spouse's civil ID and the date of the marriage (not in the future); nothing was started."
        ),
        "register.no_civil_id_left": _("No civil ID is left for this date of birth; nothing was recorded."),
        "payment.not_due": _("No fee is due on this application now."),
        "payment.already_paid": _("The fee of this application is already paid."),
        "payment.result_refused": _(
            "We did not accept this payment result because it could not be verified; nothing was changed."
        ),
        "payment.result_unknown": _(
            "The bank has not yet told us whether your last payment went through, so we cannot start a new "
            "one: you will not be charged twice. Please check again in a minute."
        ),
        "payment.gateway_unavailable": _(
            "The payment gateway is not answering now; nothing was charged. Please try again shortly."
        ),
        "case.purpose_required": _(
            "Another caseworker has this case: give the purpose of reading it (purpose); the person will see it."
        ),
        "document.not_found": _("We could not find this document."),
        "document.preparing": _(
            "Your document is still being prepared; it is usually ready within a few seconds. "
            "Go back to the application's page: the link appears there as soon as it is ready."
        ),
    }
)

MESSAGES.update(
    {
        "mandate.refused": _("You may not act for this person on this service; the attempt was recorded."),
        "mandate.ended": _(
            "Your power to act for {name} has ended; you are acting as yourself again. The attempt was recorded."
        ),
        "mandate.personal": _(
            "This service is personal: only the person concerned can apply for it, not someone acting for them."
        ),
        "login.second_factor_required": _(
            "To protect your account, add a second factor (a passkey, an authenticator app or a code by SMS) before going on."
        ),
        "reauthentication.required": _(
            "To protect your account, enter your password again before this step."
        ),
        "mandate.not_found": _("We could not find this power of attorney."),
        "mandate.already_ended": _("This power of attorney has already ended or been revoked."),
        "complaint.not_found": _("We could not find this report."),
        "complaint.upload_too_large": _("The file is larger than {limit} MB."),
        "complaint.no_photo_location": _(
            "Your photos carry no location; use your device's location or type it."
        ),
        "complaint.reporter_required": _("Log in to file a report."),
        "complaint.topic_unknown": _("Choose what the report is about from the list."),
        "complaint.description": _("Describe the problem in at least 10 and at most 2,000 characters."),
        "complaint.too_many_photos": _("You can attach at most {limit} photos."),
        "complaint.too_many": _(
            "You have filed many reports in a short time, so filing is paused for now. You can file "
            "again after {time}. This one was not sent."
        ),
        "notice.too_many_lookups": _(
            "You have checked many addressees in a short time, so checking is paused for now. You can "
            "check again after {time}. Nothing was sent."
        ),
        "open311.too_many": _(
            "This application has sent many service requests in a short time. It can send them again "
            "after {time}. This one was not filed."
        ),
        "complaint.question_required": _("Write your question to the reporter."),
        "complaint.answer_required": _("Write your answer."),
        "complaint.reason_required": _("Give the reason."),
        "complaint.agency_unknown": _("Choose the agency from the list."),
        "complaint.agency_same": _("The report is with this agency already; choose another."),
        "complaint.resolution_required": _("Write what was done to solve it; the reporter reads it."),
        "complaint.resolution_photo_required": _("Reports of this kind need a photo of the fix."),
        "complaint.reopened_once": _("This report was reopened before; a report can be reopened only once."),
        "complaint.rating": _("Choose a rating from 1 to 5."),
        "complaint.illegal_move": _("This cannot be done to the report in its current state."),
        "complaint.no_catalogue": _("Load the catalogue first."),
        "mandate.dates": _(
            "The start date must be today or later, and the end date after it and within five years."
        ),
    }
)

# The inbound agency API (integrations.api): what an agency's system is told when refused.
MESSAGES.update(
    {
        "agency.token_missing": _(
            "This API is for agencies' systems: send the access token (Authorization: Bearer) from /api/v1/agency/token."
        ),
        "agency.token_invalid": _(
            "The access token is not valid, has expired or its credential was revoked; ask for a new one."
        ),
        "agency.register_not_owner": _("Only the agency that owns this register may update it."),
        "agency.nothing_to_change": _("The request names no field that can be changed."),
        "agency.file_required": _("Attach the document as a PDF in the field file."),
        "vehicle.not_found": _("We could not find a vehicle with this plate."),
        "company.not_found": _("We could not find a company with this number."),
        "idempotency.too_long": _("The Idempotency-Key is longer than {limit} characters."),
    }
)

# Complaints: where the complaint is (complaints.geo).
MESSAGES.update(
    {
        "complaint.location_outside": _(
            "This place is outside Kuwait (or at sea); choose a place on land in Kuwait."
        ),
        "complaint.location_invalid": _(
            "Enter the location as latitude and longitude in decimal degrees, e.g. 29.3759 and 47.9774, or use your device's location."
        ),
    }
)

# Complaint media (complaints.media): photos and voice notes refused by content, size or length.
MESSAGES.update(
    {
        "complaint.photo_too_large": _(
            "The photo is larger than {limit} MB. Choose a smaller one or take a new photo."
        ),
        "complaint.photo_too_many_pixels": _(
            "The photo's dimensions are too large (more than {limit} megapixels). Make it smaller or take a new photo."
        ),
        "complaint.photo_kind": _(
            "This file is not a photo we accept. Attach a still photo in JPEG, PNG or WebP format."
        ),
        "complaint.photo_heic": _(
            "HEIC photos are not accepted yet. Attach the photo as a JPEG, or on an iPhone choose Settings → Camera → Formats → “Most Compatible”, or take the photo from this page."
        ),
        "complaint.photo_damaged": _(
            "We could not read the photo; it may not have uploaded completely, or the file is damaged. Attach it again."
        ),
        "complaint.voice_too_large": _("The voice note is larger than {limit} MB. Record a shorter one."),
        "complaint.voice_too_long": _(
            "The voice note is longer than {limit} minutes. Record a shorter one and write the rest in the description."
        ),
        "complaint.voice_kind": _(
            "This file is not a recording we accept. Record your message in this page, or attach a WebM, Ogg, M4A, MP3 or WAV file."
        ),
        "complaint.voice_damaged": _(
            "We could not read the voice note or tell how long it is; the recording may be incomplete. Record it again."
        ),
    }
)

# The wallet (Hawiyati).
MESSAGES.update(
    {
        "wallet.document_revoked": _("This document has been revoked, so it cannot be added to a wallet."),
        "wallet.document_expired": _(
            "This document has expired, so it cannot be added to a wallet. Renew it first."
        ),
        "wallet.unknown_action": _("Unknown action: suspend, reinstate or revoke."),
        "wallet.unknown_type": _("There is no document type by that name."),
        "wallet.presentation_missing": _("Paste the shown document's text or scan its code."),
        "wallet.login_too_many": _(
            "Too many wallet logins were started from this device or network. Try again after {time}, "
            "or log in with your password."
        ),
        "wallet.login_request_unknown": _(
            "This login request is unknown or has expired. Open the login page again for a new code."
        ),
        "wallet.no_issuer_key": _(
            "The wallet's signing keys are not available at the moment. Please try again in a minute."
        ),
    }
)

# What any request can meet, whatever it asked for: the API answers these as problem details (their
# status in core.problems.GENERIC_CODES), the pages as the error page.
MESSAGES.update(
    {
        "request.login_required": _("Log in first: this needs the session of a logged-in person."),
        "app.token_invalid": _(
            "The app's access token is not valid, has expired or was taken back; the app must refresh it or ask you to log in again."
        ),
        "app.scope_missing": _("You did not let this app do this (it needs the permission “{scope}”)."),
        "app.not_found": _("This app cannot use your account (any more)."),
        "app.registration_invalid": _("The app cannot be registered so: {reasons}"),
        "request.csrf": _(
            "The request was refused because its security token (CSRF) is missing or out of date. "
            "Reload the page and try again."
        ),
        "request.not_found": _("There is nothing at this address."),
        "request.method_not_allowed": _(
            "This address does not accept this kind of request; the Allow header lists those it accepts."
        ),
        "request.too_large": _("The request is larger than the limit ({limit} MB); nothing was changed."),
        "request.length_required": _(
            "The request's body was sent without its length (Content-Length); send it with one. Nothing was changed."
        ),
        "request.too_many": _(
            "There have been many requests in a short time, so this one was refused. Try again after a little while."
        ),
        "server.unavailable": _(
            "The service is unavailable for a moment and nothing was changed. Please try again in a minute."
        ),
        "oauth.invalid_request": _(
            "The token request is incomplete or sends the client's credentials twice."
        ),
        "oauth.invalid_client": _("The client ID or secret is wrong, or the credential was revoked."),
        "oauth.unsupported_grant_type": _(
            "Only the client credentials grant (client_credentials) is offered."
        ),
        "oauth.temporarily_unavailable": _(
            "Too many failed client logins from this address; try again after the time in Retry-After."
        ),
    }
)

# Why a person may not file a service for the one they act for, and what to do next: the one answer
# of the service page, the apply page and the API (applications.eligibility).
MESSAGES.update(
    {
        "application.unpaid_fines": _(
            "You cannot apply yet: pay the unpaid traffic fines first (number of fines: {count}, total "
            "{total})."
        ),
        "application.too_early": _(
            "You cannot apply yet. {reason} It expires on {expires_on}; you can renew it from "
            "{renewable_from}."
        ),
        "application.for_the_parent": _(
            "You cannot apply for {name}: a parent applies for this service in their own name, for "
            "their child. Act for yourself to apply."
        ),
        "application.no_record": _(
            "We could not find the record in the civil register. Please contact the Public Authority for "
            "Civil Information."
        ),
        "mandate.delegate_scope": _(
            "As representative of {name} you may do this only within your role: {scopes}. An owner or "
            "authorised signatory of the company can do it, or widen your role."
        ),
        "renewal.not_found": _("We could not find this renewal for the company."),
        "renewal.unknown_worker": _(
            "One of the chosen people is not, or no longer, a worker of the company. Choose from the list again."
        ),
        "renewal.none_chosen": _("Choose at least one worker."),
        "renewal.too_many": _("Choose at most {limit} workers at a time."),
        "statement.not_found": _("We could not find this statement for the company."),
        "statement.none_chosen": _("Choose at least one month to pay."),
        "delegate.signatory_only": _(
            "Only an owner or authorised signatory of the company can give or end a representative's role."
        ),
        "delegate.scope": _("Choose what the representative may do."),
        "delegate.civil_id": _(
            "We could not find this civil ID number in the civil register, or it is your own. Check it and try again."
        ),
        "delegate.dates": _("The last day must be from today up to three years from now (YYYY-MM-DD)."),
        "mandate.scope": _(
            "You cannot apply for {name}: your power of attorney from them covers {scopes}, not this "
            "service. {name} can apply themselves, or give you a power of attorney that covers it."
        ),
    }
)


# Publishing a service through review (catalogue.drafts): the agency's administrator and the operator.
MESSAGES.update(
    {
        "publishing.invalid": _("The definition has problems: correct those listed and try again."),
        "publishing.unchanged": _("The definition is the same as the published one: change something first."),
        "publishing.waiting": _(
            "A definition of this service is already waiting to be published: wait for the operator's decision."
        ),
        "publishing.not_waiting": _("This definition is no longer waiting to be published."),
        "publishing.reason_required": _("Say why it is returned (at most 1,000 characters)."),
        "publishing.too_long": _("The definition is too long (at most 100,000 characters)."),
    }
)

# Appointing agency staff (identity.staff): by civil ID, a person of the register with an account.
MESSAGES.update(
    {
        "staff.person_unknown": _("This civil ID is not in the population register; nothing was changed."),
        "staff.no_account": _(
            "This person has no Sahl account yet. They must open one (with their civil ID card) before "
            "they can be appointed; nothing was changed."
        ),
        "staff.other_agency": _(
            "This person already works for another agency in Sahl. That agency must remove them first; "
            "nothing was changed."
        ),
        "staff.already": _("This person already has the role of {role} at this agency."),
        "staff.role_invalid": _("Choose a role from the list."),
        "staff.role_not_allowed": _(
            "You may not give or take back this role: an operator appoints agency administrators, and an "
            "agency administrator appoints caseworkers and supervisors."
        ),
        "staff.last_admin": _(
            "You are the agency's only administrator. Appoint another administrator first, or ask an "
            "operator; nothing was changed."
        ),
        "staff.agency_unknown": _("Choose the agency from the list."),
        "staff.not_found": _("We could not find this member of staff."),
        "case.caseworker_unknown": _(
            "Choose a caseworker of your agency from the list; nothing was changed."
        ),
    }
)
