from __future__ import annotations

from sahl.core import outside
from sahl.sms_sim.models import SimulatedSms


class SimulatedSmsGateway:
    """Keeps what it 'sends' in a table (the dev outbox shows it); a reference is sent once."""

    def send(self, to: str, text: str, reference: str) -> str:
        outside.leaving("the SMS gateway")  # as the real one, which is called over HTTP
        row, _ = SimulatedSms.objects.get_or_create(reference=reference, defaults={"to": to, "text": text})
        return f"sim-{row.pk}"
