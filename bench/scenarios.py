"""What each scenario sends. bench/scenarios/rotate.lua turns these into requests for wrk.

`records` names the list of tab-separated records bench/run.py writes for the scenario (see
`Records` there); `{1}`, `{2}`... in the path, cookie and body are that record's fields, `{key}` a
fresh idempotency key.
"""

from __future__ import annotations

from dataclasses import dataclass

RENEWAL = "moi.vehicle-registration-renewal"
# Automatic, no fee, no eligibility rule, no record to choose: anyone may file it again and again.
CERTIFICATE = "pifss.social-security-certificate"


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    path: str
    records: str
    method: str = "GET"
    cookie: str = "{1}"
    body: str = ""
    expect: str = "200"
    once: bool = False  # each record can be sent only once (a person renews a car once)
    server: str = "sahl"  # or "floor"
    floor: str = "read"  # which floor it is compared with: "read" or "insert"
    documents: str = ""  # the service whose documents the task worker makes during the scenario
    # The page a browser shows before the POST (the form), opened once for each person just before
    # the scenario and not measured: between a person's form and their submission, Sahl keeps
    # their register profile (registry.kept, a minute), as it does for anyone who fills a form.
    form: str = ""


SAHL = [
    # Public pages, as a visitor who is not logged in sees them (no cookie).
    Scenario("home", "Home page (anonymous)", "/", "anonymous", cookie=""),
    Scenario("search", "Search in Arabic (anonymous)", "/search?q={1}", "searches", cookie=""),
    Scenario("api_services", "API: catalogue /api/v1/services", "/api/v1/services", "anonymous", cookie=""),
    # A logged-in person: eligibility is worked out from the registers for each request.
    Scenario("personal", "Personal home (logged in: needs action, coming up)", "/", "people"),
    Scenario("service", "Service page with eligibility", f"/services/{RENEWAL}", "people"),
    Scenario("mine", "My applications", "/applications", "people"),
    Scenario("detail", "Application detail (HTML)", "/applications/{2}", "details"),
    Scenario("api_detail", "API: /api/v1/applications/<ref>", "/api/v1/applications/{2}", "details"),
    Scenario("queue", "Caseworker queue by due date", "/backoffice/", "caseworkers"),
    # Submissions. The idempotency key is made by the client: the apply form carries a random
    # uuid4 hex that Sahl never checks against anything but itself, so the form GET is not needed
    # (a browser would GET the form first: see the "service" scenario for a page of that cost).
    Scenario(
        "renewal",
        "Renewal submitted (POST; ends awaiting payment)",
        f"/services/{RENEWAL}/apply",
        "renewals",
        method="POST",
        body="csrfmiddlewaretoken={3}&plate_number={2}&idempotency_key={key}",
        expect="302",
        once=True,
        floor="insert",
        form=f"/services/{RENEWAL}/apply",
    ),
    Scenario(
        "certificate",
        "Automatic certificate (POST; its PDF by the task worker)",
        f"/services/{CERTIFICATE}/apply",
        "certificates",
        method="POST",
        body="csrfmiddlewaretoken={2}&certificate_type=registration&addressed_to=&idempotency_key={key}",
        expect="302",
        floor="insert",
        documents=CERTIFICATE,
        form=f"/services/{CERTIFICATE}/apply",
    ),
]

FLOOR = [
    Scenario(
        "floor_read", "Floor: detail's main query", "/read/{1}/{2}", "floor_reads", cookie="", server="floor"
    ),
    Scenario(
        "floor_insert",
        "Floor: insert one application",
        "/insert/{1}/{2}",
        "floor_inserts",
        method="POST",
        cookie="",
        expect="201",
        server="floor",
        floor="insert",
    ),
]

# Arabic queries people type (words of service names and keywords), URL-encoded by bench/run.py.
SEARCHES = [
    "تجديد",
    "رخصة قيادة",
    "جواز سفر",
    "شهادة",
    "مركبة",
    "إقامة",
    "بطاقة مدنية",
    "قرض",
    "زكاة",
    "دفتر",
]
