"""The figures' names as people read them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sahl.stats.models import Kind

SERIES_TITLES = {
    Kind.ACCOUNTS: _("Accounts opened per month"),
    Kind.COMPLETED: _("Applications completed per month"),
    Kind.PAYMENTS: _("Fees paid per month"),
    Kind.JOURNEYS_STARTED: _("Journeys started per month"),
    Kind.JOURNEYS_COMPLETED: _("Journeys completed per month"),
    Kind.COMPLAINTS_FILED: _("Reports filed per month"),
    Kind.COMPLAINTS_RESOLVED: _("Reports resolved per month"),
}
