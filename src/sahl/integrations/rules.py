"""What an agency's answer to a delivery means (when to try again: outbox.rules), and which
applications are its system's to work (its lane)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sahl.core import untrusted

# A service's `processing` (catalogue.definition): `automatic` applications are decided by their
# rules at once and reach nobody; `backoffice` ones are the caseworkers'; `agency_api` ones are the
# agency's system's, delivered to it when one is connected.
AGENCY_API, BACKOFFICE = "agency_api", "backoffice"


def lane(takes_over_backoffice: bool) -> tuple[str, ...]:
    """The processing modes whose applications an agency's system lists, reads, decides and receives:
    its `agency_api` services', and its `backoffice` services' only if the agency took them over."""
    return (AGENCY_API, BACKOFFICE) if takes_over_backoffice else (AGENCY_API,)


MAX_BODY = 64 * 1024  # an answer longer than this is cut off and counts as garbage
RETRYABLE_STATUSES = frozenset({408, 429})


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRY = "retry"
    DEAD = "dead"


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    answer: str = ""  # accepted, pending, rejected
    reference: str = ""
    reason_ar: str = ""
    reason_en: str = ""
    error: str = ""


def judge(status: int | None, body: bytes, error: str = "") -> Verdict:
    """The agency's answer (or the network's failure) as a verdict on the attempt."""
    if status is None:
        return Verdict(Outcome.RETRY, error=error or "no answer")
    if 300 <= status < 400:
        return Verdict(Outcome.RETRY, error=f"redirect {status} not followed")
    if status >= 500 or status in RETRYABLE_STATUSES:
        return Verdict(Outcome.RETRY, error=f"HTTP {status}")
    if 400 <= status < 500:
        return Verdict(Outcome.DEAD, error=f"HTTP {status}: refused by the agency")
    if len(body) > MAX_BODY:
        return Verdict(Outcome.RETRY, error="answer too large")
    try:
        data = untrusted.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Verdict(Outcome.RETRY, error="answer is not JSON")
    if not isinstance(data, dict):
        return Verdict(Outcome.RETRY, error="answer is not a JSON object")
    answer = data.get("status")
    if answer == "accepted":
        reference = data.get("reference")
        if not isinstance(reference, str) or not 0 < len(reference) <= 80:
            return Verdict(Outcome.RETRY, error="accepted without a reference")
        return Verdict(Outcome.DELIVERED, "accepted", reference=reference)
    if answer == "pending":
        return Verdict(Outcome.DELIVERED, "pending")
    if answer == "rejected":
        reason = data.get("reason")
        if (
            not isinstance(reason, dict)
            or not isinstance(reason.get("ar"), str)
            or not isinstance(reason.get("en"), str)
            or not reason["ar"].strip()
            or not reason["en"].strip()
        ):
            return Verdict(Outcome.RETRY, error="rejected without a reason in Arabic and English")
        return Verdict(
            Outcome.DELIVERED,
            "rejected",
            reason_ar=reason["ar"].strip()[:500],
            reason_en=reason["en"].strip()[:500],
        )
    return Verdict(Outcome.RETRY, error="unknown answer status")
