from __future__ import annotations

from dataclasses import dataclass

from sahl.outbox import services as outbox
from sahl.outbox.models import Delivery
from sahl.sms_sim.models import SimulatedSms


@dataclass(frozen=True)
class DevOutbox:
    sms: list[SimulatedSms]
    emails: list[Delivery]


def dev_outbox() -> DevOutbox:
    """What the simulated SMS gateway got, and the e-mails handed to SMTP."""
    return DevOutbox(
        sms=list(SimulatedSms.objects.order_by("-sent_at", "-pk")[:100]),
        emails=outbox.latest_of_channel("email", 100),
    )
