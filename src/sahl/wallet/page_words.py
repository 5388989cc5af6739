"""The words of the wallet's and the verifier's pages (gettext): the templates show them with
`{{ page.key|tr }}` and hand the scripts theirs as data attributes, in the page's language.
`{age}` and `{time}` are filled in by the scripts."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

WALLET = {
    "title": _("Hawiyati"),
    "intro": _(
        "Your digital documents are kept in this browser, so you can show what is needed by QR code, "
        "even without an internet connection."
    ),
    "key_note": _(
        "Your private key stays in this browser and cannot be copied out of it; a verifier accepts a code "
        "only when that key signed it."
    ),
    "documents": _("My documents"),
    "none": _("You have no documents yet. The documents your completed applications produce appear here."),
    "from_register": _("From the register: it follows the register and is replaced when it is renewed."),
    "number": _("Document number"),
    "issued_on": _("Issued on"),
    "valid_until": _("Valid until"),
    "no_end": _("No end date"),
    "state": _("Status"),
    "revoked_note": _(
        "This document was revoked, because it was replaced or cancelled, so it cannot be shown by QR code."
    ),
    "not_held": _("This document is not in this browser yet. Open this page while online to keep it here."),
    "show_age": _("Show age by QR"),
    "show_id": _("Show identity by QR"),
    "add_other": _("Add to another wallet"),
    "age_choice": _("What do you want to prove?"),
    "qr_age_alt": _("QR code proving that you are {age} or over"),
    "qr_id_alt": _("QR code showing your name and civil ID"),
    "qr_age_shows": _("This code shows only whether you are {age} or over; your date of birth is not in it."),
    "qr_id_shows": _("This code shows your name in Arabic and in English and your civil ID."),
    "qr_renews": _("The code renews every 30 seconds; an old code is refused after a few minutes."),
    "copy": _("Copy the code's text"),
    "copied": _("The code's text was copied."),
    "copy_failed": _("This browser could not copy it."),
    "hide": _("Hide the code"),
    "offer_intro": _(
        "Scan this code with a wallet app that supports OpenID4VCI, or open the link on your device, "
        "then type the transaction code. The offer works once."
    ),
    "offer_alt": _("QR code for adding the document to another wallet"),
    "offer_link": _("Open in a wallet app"),
    "tx_code": _("Transaction code"),
    "offer_expires": _("The offer expires at {time}."),
    "offer_failed": _("The offer could not be made. Check your internet connection and try again."),
    "syncing": _("Keeping your documents in this browser…"),
    "synced": _("Your documents are kept in this browser; you can show them offline."),
    "offline": _("You are offline: your documents' last known status is shown."),
    "sync_failed": _(
        "Some documents could not be kept in this browser; this page tries again the next time you open it."
    ),
    "unsupported": _("This browser cannot keep documents safely; try a newer browser."),
}

VERIFIER = {
    "title": _("Verify a document"),
    "app_name": _("Sahl — Verify documents"),
    "app_short_name": _("Sahl Verify"),
    "intro": _(
        "Scan the QR code the holder shows in Hawiyati, choose a picture of it, or paste its text. "
        "The check runs on your device, and works offline once the page has been opened."
    ),
    "read": _("Read the code"),
    "camera": _("Use the camera"),
    "camera_stop": _("Stop the camera"),
    "camera_label": _("Camera view"),
    "camera_on": _("Point the camera at the code."),
    "camera_off": _(
        "The camera could not be started. Choose a picture of the code or paste its text instead."
    ),
    "photo": _("Choose a photo or screenshot of the code"),
    "no_code": _("No QR code was found in the picture. Try a sharper or closer one."),
    "paste": _("Or paste the code's text"),
    "verify": _("Verify"),
    "checking": _("Checking…"),
    "result": _("Result"),
    "genuine": _("Genuine: issued by Sahl"),
    "state": _("Status"),
    "reason": _("Reason"),
    "document": pgettext_lazy("document checked", "Document"),
    "shown": _("What the holder chose to show"),
    "nothing_shown": _("The holder showed no data."),
    "yes": _("Yes"),
    "no": _("No"),
    "checked_at": _("Checked at {time}"),
    "status_as_of": _("Status as of {time}"),
    "offline": _("You are offline: the check uses the keys and status lists saved on this device."),
    "no_keys": _("No keys are saved on this device yet: open this page once while online."),
    "saved": _("Ready to work offline: keys and status lists saved at {time}."),
    "again": _("Check another code"),
    "noscript": _("Checking needs JavaScript to be turned on in the browser."),
}

# Logging in with the wallet from another device: the login page's panel and the wallet's question.
LOGIN = {
    "title": _("Log in with Hawiyati"),
    "scan": _(
        "On your phone, open Hawiyati and scan this code with the camera, or open the link on the phone. "
        "Check that your phone shows the same code as this page, then approve."
    ),
    "qr_alt": _("QR code for logging in with Hawiyati"),
    "code": _("Code to compare"),
    "expires": _("The code works once, for two minutes."),
    "open_link": _("Open in Hawiyati on this device"),
    "other_app": _("Open in another wallet app"),
    "refresh": _("Refresh"),
    "waiting": _("Waiting for your wallet…"),
    "accepted": _("Your wallet approved: logging you in…"),
    "continue": _("Continue"),
    "expired": _("The code has expired."),
    "new_code": _("Show a new code"),
    "noscript": _("After approving on your phone, press Refresh."),
    # On the phone, in the wallet
    "asks": _("A site asks you to log in with your civil ID"),
    "site": _("Site"),
    "address": _("Address"),
    "compare": _("Is this the code shown on the screen where you are logging in?"),
    "shares": _("Only your civil ID number is shared. Approve only if you started this login yourself."),
    "approve": _("Approve and log in"),
    "decline": _("Decline"),
    "declined": _("You declined. Nothing was shared."),
    "sending": _("Sending…"),
    "done": _("Done: the other screen is logging you in."),
    "no_civil_id": _(
        "Your civil ID is not in this browser yet. Open Hawiyati while online, then scan the code again."
    ),
    "bad_request": _("This login request cannot be read. Scan the code on the login page again."),
}

# Why a login with the wallet was refused: shown on the phone and on the waiting browser alike.
LOGIN_REFUSALS = {
    "request_unknown": _("This login request is unknown. Open the login page again for a new code."),
    "request_expired": _("This login code has expired. Open the login page again for a new code."),
    "request_answered": _("This login request was already answered."),
    "replayed": _("This answer was already used once, so it cannot log in again."),
    "foreign_request": _("This answer was made for another login request."),
    "wrong_nonce": _("This answer does not belong to this login request."),
    "wrong_audience": _("This answer was made for another site."),
    "stale_proof": _("The wallet's answer is too old. Scan the code again."),
    "key_binding_missing": _("The wallet did not prove that the civil ID is its own."),
    "not_genuine": _("This is not a genuine civil ID issued by Sahl."),
    "not_civil_id": _("Only a civil ID can be used to log in."),
    "credential_expired": _(
        "This civil ID has expired. Open Hawiyati while online to receive the current one."
    ),
    "credential_revoked": _(
        "This civil ID was revoked. Open Hawiyati while online to receive the current one."
    ),
    "credential_suspended": _("This civil ID is suspended, so it cannot be used to log in."),
    "credential_unknown": _("The status of this civil ID cannot be checked, so it cannot be used to log in."),
    "no_account": _("There is no Sahl account for this civil ID yet."),
}
