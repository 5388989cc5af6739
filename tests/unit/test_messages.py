"""The text of an error code, filled with its parameters, reads in one language."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText
from sahl.core.messages import both, message


def test_a_bilingual_parameter_reads_in_the_messages_language() -> None:
    reason = BilingualText(ar="العمر أقل من ١٨ سنة", en="You are under 18.")
    texts = both("application.not_eligible", reason=reason)
    assert texts["en"] == "You cannot apply for this service: You are under 18."
    assert texts["ar"].endswith("العمر أقل من ١٨ سنة")
    assert "BilingualText" not in texts["ar"] + texts["en"]
    assert message("application.not_eligible", "en", reason="plain").endswith("plain")
