"""The message of a reminder before a document expires: journeys decides who is told of what and
announces it (`ReminderDue`); this writes the person's inbox message, in their language, with the
link to the service that renews the document, and queues its e-mail and SMS if they chose them."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from sahl.events.types import ReminderDue
from sahl.identity.models import User
from sahl.notifications import message_templates as templates
from sahl.notifications.models import Message
from sahl.notifications.sending import compose


def reminder_due(event: ReminderDue) -> Message | None:
    """The message of one reminder; None when the account is gone since it was announced."""
    user = User.objects.filter(pk=event.user_id).first()
    if user is None:
        return None
    expires_on = dt.date.fromisoformat(event.expires_on)
    wordings = templates.YOUR_CHILDS_DOCUMENT if event.for_child else templates.YOUR_DOCUMENT
    params: dict[str, templates.Param] = {
        "document": wordings[event.document],
        "expires_on": event.expires_on,
        # Counted when the message is written: a message delayed by a day still says the truth.
        "days": str(max(0, (expires_on - timezone.localdate()).days)),
    }
    return compose(
        user, "document_expiring", params, link=reverse("applications:service", args=[event.renew])
    )
