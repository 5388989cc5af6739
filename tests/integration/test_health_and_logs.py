import json
import logging

import pytest

from sahl.core.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


def test_health_says_the_database_and_the_task_queue_answer(client):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["tasks"]["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


def test_health_is_503_when_the_task_queue_cannot_be_read(client, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    def broken(*args, **kwargs):
        raise RuntimeError("table is gone")

    monkeypatch.setattr(DBTaskResult.objects, "ready", broken)
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["tasks"]["status"] == "unreachable"


def test_every_request_is_logged_as_one_json_line_with_its_request_id(client):
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("sahl.access")
    logger.addHandler(handler)
    try:
        response = client.get("/search", {"q": "288031400029"}, HTTP_X_REQUEST_ID="test-request-0001")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "test-request-0001"
    line = JsonFormatter().format(records[-1])
    entry = json.loads(line)
    assert entry["request_id"] == "test-request-0001"
    assert entry["path"] == "/search" and entry["status"] == 200
    assert "288031400029" not in line  # the query string (personal data) is never logged
    assert "\n" not in line
