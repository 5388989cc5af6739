"""The messages of life-event journeys: journeys decides who is told (the members' accounts) and
announces it with the words it owns (the journey's and the step's names); this writes each person's
inbox message, in their language, with the link to the journey's page, and queues its e-mail and SMS
where the person chose them and the event is worth an alert."""

from __future__ import annotations

from django.urls import reverse

from sahl.core.bilingual import BilingualText
from sahl.events.types import JourneyEvent, JourneyStarted, JourneyStepMoved
from sahl.identity.models import User
from sahl.notifications import message_templates as templates
from sahl.notifications.models import Message
from sahl.notifications.sending import compose

# What a step's new state is told as; other states (in progress, pending) are not told.
STEP_MESSAGES = {"done": "journey_step_done", "failed": "journey_step_failed"}
WAITING = ("waiting_for_you", "offered")


def journey_started(event: JourneyStarted) -> list[Message]:
    done = BilingualText(event.done_ar or "—", event.done_en or "—")
    return _tell(event, "journey_started", {"done": done, "waiting": str(event.waiting)})


def journey_step_moved(event: JourneyStepMoved) -> list[Message]:
    if event.state in WAITING:
        what = "journey_step_waiting"
    elif event.state == "done" and not event.by_itself:
        return []  # the person did it: they know
    else:
        what = STEP_MESSAGES.get(event.state, "")
    if not what:
        return []
    return _tell(event, what, {"step": BilingualText(event.step_name_ar, event.step_name_en)})


def _tell(event: JourneyEvent, what: str, params: dict[str, templates.Param]) -> list[Message]:
    """One message per member's account (the event backbone runs this once per event)."""
    values: dict[str, templates.Param] = {
        "reference": event.reference,
        "journey": BilingualText(event.name_ar, event.name_en),
        **params,
    }
    link = reverse("journeys:detail", args=[event.reference])
    people = User.objects.filter(pk__in=list(event.user_ids), is_active=True).order_by("pk")
    return [compose(user, what, values, link=link) for user in people]
