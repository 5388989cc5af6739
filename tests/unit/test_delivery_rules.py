"""What an agency's answer means, how long to wait before trying again, when to leave it alone,
and the RFC 9421 signature Sahl puts on every delivery."""

import json
import random

import pytest

from sahl.integrations import rules, signatures
from sahl.integrations.rules import Outcome
from sahl.outbox import rules as outbox_rules


def body(data) -> bytes:
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("status", "answer", "outcome"),
    [
        (200, {"status": "accepted", "reference": "MEW-1"}, Outcome.DELIVERED),
        (202, {"status": "pending"}, Outcome.DELIVERED),
        (201, {"status": "rejected", "reason": {"ar": "لا", "en": "No"}}, Outcome.DELIVERED),
        (200, {"status": "accepted"}, Outcome.RETRY),  # no reference
        (200, {"status": "rejected", "reason": "no"}, Outcome.RETRY),  # reason not bilingual
        (200, {"status": "done"}, Outcome.RETRY),
        (200, ["accepted"], Outcome.RETRY),
        (503, {}, Outcome.RETRY),
        (500, {}, Outcome.RETRY),
        (429, {}, Outcome.RETRY),
        (408, {}, Outcome.RETRY),
        (302, {}, Outcome.RETRY),  # a redirect is never followed
        (422, {}, Outcome.DEAD),
        (401, {}, Outcome.DEAD),
        (400, {}, Outcome.DEAD),
    ],
)
def test_an_agencys_answer_decides_the_attempt(status, answer, outcome):
    assert rules.judge(status, body(answer)).outcome is outcome


def test_garbage_oversized_answers_and_no_answer_are_tried_again():
    assert rules.judge(200, b"<html>oops</html>").outcome is Outcome.RETRY
    big = body({"status": "pending", "pad": "x" * rules.MAX_BODY})
    assert rules.judge(200, big).error == "answer too large"
    assert rules.judge(None, b"", "timed out") == rules.Verdict(Outcome.RETRY, error="timed out")


@pytest.mark.parametrize(
    "hostile",
    [b"[" * 60_000, b'{"status": "accepted", "reference": "MEW\\u0000"}', b'{"status": "pending", "x": NaN}'],
)
def test_an_answer_too_deep_or_not_storable_is_garbage_not_a_crash(hostile):
    """An agency's answer is untrusted input like a request: JSON nested past the parser's recursion
    (RecursionError, not a ValueError) or holding a NUL the database refuses is tried again."""
    assert rules.judge(200, hostile) == rules.Verdict(Outcome.RETRY, error="answer is not JSON")


def test_the_verdict_keeps_the_agencys_reference_and_reason():
    accepted = rules.judge(200, body({"status": "accepted", "reference": "MEW-7"}))
    assert (accepted.answer, accepted.reference) == ("accepted", "MEW-7")
    rejected = rules.judge(200, body({"status": "rejected", "reason": {"ar": " لا يوجد ", "en": " None "}}))
    assert (rejected.reason_ar, rejected.reason_en) == ("لا يوجد", "None")


def test_retries_back_off_exponentially_with_jitter_and_a_ceiling():
    rng = random.Random(1)
    for attempt, ceiling in ((1, 30), (2, 60), (3, 120), (8, 3600), (30, 3600)):
        delays = [outbox_rules.retry_delay(attempt, rng) for _ in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len({round(d, 3) for d in delays}) > 40  # jitter: deliveries do not come back together


def test_the_breaker_opens_after_five_failures_and_backs_off_to_ten_minutes():
    assert [outbox_rules.breaker_pause(n) for n in range(1, 5)] == [0, 0, 0, 0]
    assert [outbox_rules.breaker_pause(n) for n in (5, 6, 7, 8, 9, 20)] == [60, 120, 240, 480, 600, 600]


URL = "http://127.0.0.1:8801/deliveries"


def test_a_signed_delivery_verifies_with_the_public_key():
    key = signatures.new_key("mew")
    payload = body({"event_id": "e1", "application": {"reference": "2026-0000001"}})
    headers = signatures.sign("POST", URL, payload, "e1", key, created=1_800_000_000)
    assert headers["Signature-Input"].startswith('sahl=("@method" "@target-uri" "content-type"')
    kid = signatures.verify("POST", URL, headers, payload, {key.kid: key.public_raw}, now=1_800_000_010)
    assert kid == key.kid


@pytest.mark.parametrize("tamper", ["body", "event id", "url", "key", "old", "digest"])
def test_a_tampered_or_stale_delivery_is_refused(tamper):
    key, other = signatures.new_key("mew"), signatures.new_key("moi")
    payload = body({"event_id": "e1"})
    headers = signatures.sign("POST", URL, payload, "e1", key, created=1_800_000_000)
    keys, url, now = {key.kid: key.public_raw}, URL, 1_800_000_000
    if tamper == "body":
        payload = body({"event_id": "e2"})
        headers["Content-Digest"] = signatures.content_digest(payload)
    elif tamper == "event id":
        headers["Sahl-Event-Id"] = "e2"
    elif tamper == "url":
        url = "http://127.0.0.1:8801/other"
    elif tamper == "key":
        keys = {key.kid: other.public_raw}
    elif tamper == "old":
        now += signatures.MAX_SKEW_SECONDS + 1
    elif tamper == "digest":
        payload = body({"event_id": "e2"})
    with pytest.raises(signatures.SignatureRefused):
        signatures.verify("POST", url, headers, payload, keys, now=now)


def test_an_alert_is_retried_for_longer_than_a_weekend():
    """E-mail and SMS alerts outlive a provider's outage from Friday to Sunday (the Kuwaiti weekend),
    even when every pause falls at the short end of its jitter."""
    from sahl.notifications.sending import ALERT_ATTEMPTS

    class ShortestJitter(random.Random):
        def uniform(self, a: float, b: float) -> float:
            return a

    waited = sum(outbox_rules.retry_delay(n, ShortestJitter()) for n in range(1, ALERT_ATTEMPTS))
    assert waited > 2 * 24 * 3600
