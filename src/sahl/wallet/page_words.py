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
