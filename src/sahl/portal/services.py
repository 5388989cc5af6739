"""Platform-wide read models for the portal: health of the parts and public statistics."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection
from django_tasks_db.models import DBTaskResult

from sahl.applications.models import Application
from sahl.applications.states import State
from sahl.catalogue.models import Agency, Service
from sahl.core.cached import cached

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Health:
    database: bool
    tasks: bool
    queued_tasks: int | None

    @property
    def ok(self) -> bool:
        return self.database and self.tasks


def check_health() -> Health:
    """Whether the database answers and the task queue's table can be read."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = True
    except Exception:
        log.exception("health: database unreachable")
        database = False
    try:
        queued: int | None = DBTaskResult.objects.ready().count()
        tasks = True
    except Exception:
        log.exception("health: task queue unreachable")
        queued, tasks = None, False
    return Health(database, tasks, queued)


@dataclass(frozen=True)
class Statistics:
    agencies: int
    services: int
    users: int
    completed: int


def statistics() -> Statistics:
    """The home page's figures. Counting 20 million applications takes seconds, so a process
    counts at most every ten minutes; the figures are "about" anyway."""
    return cached("portal:statistics", _count, 600)


def _count() -> Statistics:
    return Statistics(
        agencies=Agency.objects.filter(services__is_active=True).distinct().count(),
        services=Service.objects.filter(is_active=True).count(),
        users=get_user_model().objects.filter(is_active=True).count(),
        completed=Application.objects.filter(state=State.COMPLETED).count(),
    )
