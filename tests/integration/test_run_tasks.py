"""The tests' run_tasks runs what is queued at once: the worker's random start-up delay (up to a
second, against a thundering herd of workers) is off, as `--no-startup-delay` turns it off."""

from __future__ import annotations

from unittest import mock

import pytest

from tests.integration.conftest import run_tasks

pytestmark = pytest.mark.django_db


def test_run_tasks_never_waits():
    with mock.patch("django_tasks_db.management.commands.db_worker.time.sleep") as sleep:
        run_tasks()
    sleep.assert_not_called()
