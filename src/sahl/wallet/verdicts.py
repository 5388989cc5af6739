"""What the verifier says (gettext): each state and each reason for refusing. The page's script
is handed them in both languages, the JSON API answers in the request's."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sahl.core.languages import in_both
from sahl.wallet import rules

STATES = {
    "valid": pgettext_lazy("credential state", "Valid"),
    "expired": pgettext_lazy("credential state", "Expired"),
    "not_yet_valid": pgettext_lazy("credential state", "Not yet valid"),
    "suspended": pgettext_lazy("credential state", "Suspended"),
    "revoked": pgettext_lazy("credential state", "Revoked"),
    "unknown": pgettext_lazy("credential state", "Status unknown"),
    "refused": pgettext_lazy("credential state", "Not genuine"),
}

REFUSALS = {
    "malformed": _("This is not a Hawiyati document."),
    "alg_not_allowed": _("The signature method is not accepted."),
    "wrong_type": _("The document's type is wrong."),
    "unknown_issuer": _("This document was not issued by Sahl."),
    "unknown_key": _("The signing key is unknown."),
    "bad_signature": _("The signature is wrong: the document was altered."),
    "disclosure_malformed": _("Part of the shown data is damaged."),
    "disclosure_not_referenced": _("Shown data the issuer did not sign: it was altered."),
    "disclosure_repeated": _("Shown data appears twice."),
    "key_binding_missing": _("The holder did not prove the document is theirs."),
    "key_binding_invalid": _("The holder's proof is wrong."),
    "sd_hash_mismatch": _("The holder's proof is for a different document."),
    "nonce_outside_window": _("The code has expired: ask the holder to show it again."),
}


def labels() -> dict[str, Any]:
    """Everything the verifier page's script shows, by key, in both languages."""
    return {
        "states": {k: in_both(v) for k, v in STATES.items()},
        "refusals": {k: in_both(v) for k, v in REFUSALS.items()},
        "claims": {k: in_both(v) for k, v in rules.CLAIM_LABELS.items()},
        "ages": {k: in_both(v) for k, v in rules.AGE_LABELS.items()},
    }
