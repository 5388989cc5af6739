"""The messages about a person's role on an agency's staff (identity.staff announces it): one inbox
message to the person, in their language, naming the agency and the role."""

from __future__ import annotations

from django.urls import reverse

from sahl.catalogue.models import Agency
from sahl.core.bilingual import BilingualText
from sahl.events.types import StaffAppointed, StaffEvent
from sahl.identity.models import StaffMembership, User
from sahl.notifications import message_templates as templates
from sahl.notifications.models import Message
from sahl.notifications.sending import compose

ROLES = dict(StaffMembership.Role.choices)  # lazy: read in the recipient's language


def staff_changed(event: StaffEvent) -> list[Message]:
    person = User.objects.filter(pk=event.user_id, is_active=True).first()
    agency = Agency.objects.filter(pk=event.agency_id).first()
    if person is None or agency is None:
        return []
    appointed = isinstance(event, StaffAppointed)
    params: dict[str, templates.Param] = {
        "agency": BilingualText(agency.name_ar, agency.name_en),
        "role": ROLES[event.role],
    }
    link = reverse("backoffice:queue") if appointed else ""
    return [compose(person, "staff_appointed" if appointed else "staff_removed", params, link=link)]
