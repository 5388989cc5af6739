"""What the simulated bank answers for a card: fixed test cards, like a real gateway's test mode."""

from __future__ import annotations

TEST_CARDS = {
    "4242424242424242": "CAPTURED",  # success
    "4000000000000002": "DECLINED",  # insufficient funds
    "4000000000000119": "TIMEOUT",  # the bank does not answer in time
}


def outcome(card_number: str, expiry: str, pin: str) -> str:
    digits = card_number.replace(" ", "")
    if digits not in TEST_CARDS or len(pin) != 4 or not pin.isdigit() or len(expiry) != 5:
        return "DECLINED"
    return TEST_CARDS[digits]
