"""The replica middleware: safe requests may lag, a write keeps the person on the primary a while."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from sahl.core import replicas
from sahl.ui.middleware import WROTE_COOKIE, ReplicaReadsMiddleware

seen: list[bool] = []


def view(request):
    seen.append(replicas._lag_is_fine.get())
    return HttpResponse("ok")


@pytest.fixture
def middleware(monkeypatch):
    monkeypatch.setattr("sahl.ui.middleware.has_replica", lambda: True)
    seen.clear()
    return ReplicaReadsMiddleware(view)


def test_a_get_may_read_the_replica_a_post_may_not_and_marks_the_browser(middleware):
    factory = RequestFactory()
    middleware(factory.get("/applications"))
    posted = middleware(factory.post("/services/x/apply"))
    assert posted.cookies[WROTE_COOKIE]["max-age"] == 10
    after = factory.get("/applications")
    after.COOKIES[WROTE_COOKIE] = "1"
    middleware(after)
    assert seen == [True, False, False]


def test_without_a_replica_nothing_changes(monkeypatch):
    monkeypatch.setattr("sahl.ui.middleware.has_replica", lambda: False)
    seen.clear()
    response = ReplicaReadsMiddleware(view)(RequestFactory().post("/x"))
    assert seen == [False] and WROTE_COOKIE not in response.cookies
