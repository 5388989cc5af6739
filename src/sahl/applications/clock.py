"""The day the cases live by. One function, called through this module everywhere in applications
(`clock.today()`), so that a test moves the date of every use case by patching it here once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()
