"""Issue 22, parts 5 to 7: the live statistics (kept by the events, rebuilt from the truth, no count
below ten anywhere), the open data (the same figures as CSV and JSON, the catalogue), and the
operators' home with what needs attention on each page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from sahl.catalogue import services as catalogue
from sahl.catalogue.files import DEFINITIONS
from sahl.complaints import filing as complaint_filing
from sahl.identity.models import User
from sahl.outbox.models import Delivery
from sahl.registry import services as register
from sahl.registry.models import Passport
from sahl.stats import figures, rebuilding
from sahl.stats.models import Counter, Kind, Level
from tests.integration.conftest import apply, pay, reference_of, run_tasks
from tests.integration.test_complaints import report
from tests.integration.test_journeys import a_birth

pytestmark = pytest.mark.django_db
FEWER = "fewer than 10"


@pytest.fixture(autouse=True)
def _fresh_figures():
    cache.clear()  # the figures are kept for a minute
    yield
    cache.clear()


def visitor(language: str = "en") -> Client:
    client = Client()
    client.cookies["sahl_language"] = language
    return client


def counted(kind: str, month: str, count: int, **key: object) -> None:
    Counter.objects.create(kind=kind, month=dt.date.fromisoformat(month + "-01"), count=count, **key)


def cells(html: str, row_id: str) -> list[str]:
    row = re.search(rf'<tr id="{re.escape(row_id)}">(.*?)</tr>', html, re.S)
    assert row, row_id
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row.group(1), re.S)
    ]


def open_data() -> tuple[list[dict], list[dict], dict]:
    client = visitor()
    as_json = json.loads(client.get("/open-data/statistics.json").content)
    as_csv = list(csv.DictReader(io.StringIO(client.get("/open-data/statistics.csv").content.decode())))
    api = client.get("/api/v1/statistics")
    assert api.status_code == 200
    return as_json, as_csv, api.json()


def figure(rows: list[dict], table: str, period: str = "", measure: str = "count", **key: str) -> dict:
    found = [
        r for r in rows
        if r["table"] == table and r["period"] == period and r["measure"] == measure
        and all(r[k] == v for k, v in key.items())
    ]  # fmt: skip
    assert len(found) == 1, (table, period, measure, key)
    return found[0]


def test_no_count_below_ten_is_shown_on_the_page_the_api_the_csv_or_the_json(demo):
    Counter.objects.all().delete()
    counted(Kind.COMPLETED, "2026-01", 25, agency="moi", subject="moi.passport-renewal")
    counted(Kind.COMPLETED, "2026-02", 3, agency="moi", subject="moi.passport-renewal")
    counted(Kind.COMPLETED, "2026-03", 12, agency="moi", subject="moi.passport-renewal")
    counted(Kind.ACCOUNTS, "2026-03", 7)
    counted(Kind.PAYMENTS, "2026-03", 11, agency="moi", amount_fils=55_000)
    counted(Kind.PAYMENTS, "2026-04", 2, agency="moi", amount_fils=10_000)
    for language in ("en", "ar"):
        cache.clear()
        html = visitor(language).get("/statistics").content.decode()
        with translation.override(language):  # what the catalogue says (the lead fills Arabic in)
            fewer = translation.gettext(FEWER)
        # 3 is below ten; 12 is hidden too, or the total (40) would give the 3 away.
        assert cells(html, "completed-2026-01")[1] == "25"
        assert cells(html, "completed-2026-02")[1] == fewer
        assert cells(html, "completed-2026-03")[1] == fewer
        assert cells(html, "completed-total")[1] == "40"
        assert cells(html, "accounts-2026-03")[1] == fewer and cells(html, "accounts-total")[1] == fewer
        # The payments of a hidden month hide their amount too; the month shown is not derivable
        # from the total: both are hidden then.
        assert cells(html, "payments-2026-04")[1:] == [fewer, "—"]
        assert cells(html, "payments-total")[1] == "13" or cells(html, "payments-2026-03")[1] == fewer
        assert ">3<" not in html and ">7<" not in html and ">2<" not in html
    as_json, as_csv, api = open_data()
    for rows in (as_json, api["figures"]):
        for row in rows:
            if row["measure"] == "count":
                assert row["value"] is None or row["value"] >= 10, row
                assert row["fewer_than_10"] == (row["value"] is None)
        assert figure(rows, "completed", "2026-02") == {
            "table": "completed", "period": "2026-02", "agency": "", "subject": "", "measure": "count",
            "value": None, "fewer_than_10": True,
        }  # fmt: skip
        assert figure(rows, "completed")["value"] == 40
        assert figure(rows, "payments", "2026-04", "amount_kwd")["value"] is None
    # The CSV holds the JSON's rows, one for one.
    assert len(as_csv) == len(as_json)
    for line, row in zip(as_csv, as_json, strict=True):
        assert line["value"] == ("" if row["value"] is None else str(row["value"]))
        assert line["fewer_than_10"] == ("true" if row["fewer_than_10"] else "false")
        assert {k: line[k] for k in ("table", "period", "agency", "subject", "measure")} == {
            k: row[k] for k in ("table", "period", "agency", "subject", "measure")
        }
    assert api["figures"] == as_json and api["licence"] == "CC-BY-4.0"


def test_the_page_shows_what_the_csv_and_the_json_say(demo):
    Counter.objects.all().delete()
    for month, n in (("2026-01", 40), ("2026-02", 12), ("2026-03", 15)):
        counted(Kind.COMPLETED, month, n, agency="moi", subject="moi.passport-renewal")
        counted(Kind.PAYMENTS, month, n, agency="moi", amount_fils=n * 5_000)
        counted(Kind.ACCOUNTS, month, n * 3)
    counted(Kind.COMPLETED, "2026-03", 4, agency="moh", subject="moh.birth-certificate")
    html = visitor().get("/statistics").content.decode()
    as_json, _, _ = open_data()
    for row in as_json:
        if row["table"] in ("accounts", "completed", "payments") and row["measure"] == "count":
            row_id = f"{row['table']}-{row['period'] or 'total'}"
            shown = cells(html, row_id)[1]
            assert shown == (FEWER if row["value"] is None else str(row["value"])), row_id
        if row["table"] == "payments" and row["measure"] == "amount_kwd" and row["value"] is not None:
            assert f"KWD {row['value']}" in cells(html, f"payments-{row['period'] or 'total'}")[2]
        if row["table"] == "by_service":
            shown = cells(html, f"service-{row['subject']}")[2]
            assert shown == (FEWER if row["value"] is None else str(row["value"]))
    assert figure(as_json, "by_service", agency="moh", subject="moh.birth-certificate")["value"] is None
    # Each chart has its table: the same months.
    assert '<svg class="bars" id="chart-completed" role="img"' in html
    assert html.count('id="completed-2026-') == 3


def test_each_agency_s_share_within_its_service_level_and_median_days(demo):
    Counter.objects.all().delete()
    counted(Kind.DECIDED, "2026-01", 6, agency="moi", days=1, level=Level.WITHIN)
    counted(Kind.DECIDED, "2026-02", 3, agency="moi", days=2, level=Level.WITHIN)
    counted(Kind.DECIDED, "2026-02", 3, agency="moi", days=9, level=Level.LATE)
    counted(Kind.DECIDED, "2026-02", 5, agency="moi", days=0, level=Level.NONE)  # decided at once
    counted(Kind.DECIDED, "2026-02", 9, agency="moh", days=3, level=Level.WITHIN)  # too few to say
    counted(Kind.COMPLETED, "2026-02", 30, agency="moh", subject="moh.birth-certificate")
    found = {a.code: a for a in figures.make().by_agency}
    assert found["moi"].within_level == 75  # 9 of the 12 with a service level
    assert found["moi"].median_days == 1.0  # 0 x5, 1 x6, 2 x3, 9 x3: the 9th of 17
    assert found["moh"].within_level is None and found["moh"].median_days is None
    html = visitor().get("/statistics").content.decode()
    assert cells(html, "agency-moi")[2:] == ["75%", "1"]
    assert cells(html, "agency-moh")[1:] == ["30", "—", "—"]


def test_what_happens_is_counted_at_once_and_equals_a_rebuild(login, demo):
    rebuilding.rebuild()

    def now(kind: str, **key: object) -> int:
        return sum(Counter.objects.filter(kind=kind, **key).values_list("count", flat=True))

    # The birth's journey files applications of its own (other agencies, no fee): the passport's are
    # told apart by its service and agency.
    keys = {
        Kind.COMPLETED: {"subject": "moi.passport-renewal"},
        Kind.DECIDED: {"agency": "moi"},
        Kind.PAYMENTS: {"agency": "moi"},
    }
    before = {kind: now(kind, **keys.get(kind, {})) for kind in Kind.values}
    amount = sum(Counter.objects.filter(kind=Kind.PAYMENTS).values_list("amount_fils", flat=True))
    father, caseworker = login(demo["father"], "en"), login(demo["caseworker"], "en")
    passport = Passport.objects.get(holder__civil_id=demo["father"]).number
    reference = reference_of(
        apply(father, "moi.passport-renewal", {"passport_number": passport, "delivery": "kiosk"})
    )
    pay(father, reference)
    caseworker.post(f"/backoffice/cases/{reference}/take")
    assert caseworker.post(f"/backoffice/cases/{reference}/approve").status_code == 302
    register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    complaint_filing.file(User.objects.get(civil_id=demo["father"]), report("pothole"))
    User.objects.create_user("299010100016", "a-long-password-1")

    after = {kind: now(kind, **keys.get(kind, {})) for kind in Kind.values}
    assert after[Kind.COMPLETED] == before[Kind.COMPLETED] + 1
    assert after[Kind.DECIDED] == before[Kind.DECIDED] + 1
    assert after[Kind.PAYMENTS] == before[Kind.PAYMENTS] + 1
    assert (
        sum(Counter.objects.filter(kind=Kind.PAYMENTS).values_list("amount_fils", flat=True))
        == amount + 5_000
    )
    assert after[Kind.JOURNEYS_STARTED] == before[Kind.JOURNEYS_STARTED] + 1
    assert after[Kind.COMPLAINTS_FILED] == before[Kind.COMPLAINTS_FILED] + 1
    assert after[Kind.ACCOUNTS] == before[Kind.ACCOUNTS] + 1

    kept = rebuilding.rows()
    out = io.StringIO()
    call_command("rebuild_statistics", stdout=out)
    assert rebuilding.rows() == kept
    assert out.getvalue() == f"statistics: {len(kept)} counters written\n"


def test_a_completed_journey_is_counted_with_its_days(demo):
    from sahl.journeys import services as journeys
    from sahl.journeys.models import Journey

    rebuilding.rebuild()
    recorded = register.record_birth(a_birth(demo), timezone.localdate())
    run_tasks()
    journey = Journey.objects.get(record=recorded.record)
    for step in journey.steps.all():
        step.state = "done"
        step.save()
    with transaction.atomic():
        journeys._finish_if_done(journey, journeys.current_version(journey.code)[1])
    row = Counter.objects.get(kind=Kind.JOURNEYS_COMPLETED)
    assert (row.subject, row.count, row.days) == ("newborn", 1, 1)  # born yesterday, done today
    kept = rebuilding.rows()
    rebuilding.rebuild()
    assert rebuilding.rows() == kept


def test_the_catalogue_as_open_data_follows_the_catalogue(demo, tmp_path):
    client = visitor()
    services = list(csv.DictReader(io.StringIO(client.get("/open-data/services.csv").content.decode())))
    passport = next(s for s in services if s["code"] == "moi.passport-renewal")
    assert passport["fee_kwd"] == "5.000" and passport["agency"] == "moi"
    documents = client.get("/open-data/required_documents.csv").content.decode()
    assert documents.startswith("service,document,name_ar,name_en,formats")
    whole = json.loads(client.get("/open-data/catalogue.json").content)
    assert {s["code"] for s in whole["services"]} == {s["code"] for s in services}
    assert whole["licence"]["name"] == "CC-BY-4.0"

    root = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, root)
    path = root / "moi" / "passport-renewal.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["fee"] = {"amount": "7.500", "currency": "KWD"}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    catalogue.load_catalogue(root)
    services = list(csv.DictReader(io.StringIO(client.get("/open-data/services.csv").content.decode())))
    passport_now = next(s for s in services if s["code"] == "moi.passport-renewal")
    assert passport_now["fee_kwd"] == "7.500"
    assert int(passport_now["version"]) == int(passport["version"]) + 1


def test_the_data_package_describes_every_file_and_the_page_lists_them(demo):
    package = visitor().get("/open-data/datapackage.json").json()
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    paths = [r["path"].rsplit("/", 1)[1] for r in package["resources"]]
    assert paths == [
        "statistics.csv",
        "statistics.json",
        "agencies.csv",
        "services.csv",
        "required_documents.csv",
    ]
    for resource in package["resources"]:
        assert visitor().get("/open-data/" + resource["path"].rsplit("/", 1)[1]).status_code == 200
    header = visitor().get("/open-data/statistics.csv").content.decode().splitlines()[0]
    assert header.split(",") == [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    for language, licence in (("en", "licence"), ("ar", "CC BY 4.0")):
        html = visitor(language).get("/open-data").content.decode()
        assert f'<html lang="{language}"' in html and licence in html
        for name in [*paths, "catalogue.json", "datapackage.json"]:
            assert name in html


def test_the_figures_are_read_in_the_same_queries_however_many_counters(demo):
    rebuilding.rebuild()
    figures.make()  # the journeys' names are kept once read
    with CaptureQueriesContext(connection) as few:
        figures.make()
    for month in range(1, 13):
        counted(Kind.COMPLETED, f"2025-{month:02d}", 50 + month, agency="moi", subject="moi.passport-renewal")
        counted(Kind.DECIDED, f"2025-{month:02d}", 9, agency="moi", days=month, level=Level.LATE)
        counted(Kind.PAYMENTS, f"2025-{month:02d}", 20, agency="moh", amount_fils=1_000)
    with CaptureQueriesContext(connection) as more:
        figures.make()
    assert len(few) == len(more)
    client = visitor()
    for path in (
        "/statistics",
        "/open-data/statistics.json",
        "/open-data/statistics.csv",
        "/api/v1/statistics",
    ):
        client.get(path)  # the figures are made once a minute
        with CaptureQueriesContext(connection) as page:
            assert client.get(path).status_code == 200
        assert len(page) == 0, (path, [q["sql"] for q in page])


# --- The operators' home ------------------------------------------------------------------------


def test_the_operators_home_counts_what_needs_attention_in_fixed_queries(login, demo):
    operator = login(demo["operator"], "en")

    def troubled(channel: str, state: str, n: int = 1) -> None:
        for _ in range(n):
            Delivery.objects.create(channel=channel, destination="moi", topic="test", state=state)

    troubled("agency", "failed")
    troubled("refund", "uncertain")
    troubled("email", "retrying")
    troubled("email", "sent")  # nothing to do
    with CaptureQueriesContext(connection) as first:
        html = operator.get("/operators/").content.decode()
    assert "3 deliveries retrying, failed or uncertain" in html
    assert "1 delivery to an agency's system not taken" in html
    assert "1 refund the gateway has not taken" in html
    assert "0 subscribers failing or given up" in html
    assert "0 service definitions waiting to be published" in html
    for path in (
        "/operators/outbox",
        "/operators/events",
        "/operators/audit",
        "/operators/reconciliation",
        "/operators/publishing",
        "/statistics",
        "/open-data",
    ):
        assert f'href="{path}' in html
    assert "PUBLISHING QUEUE" not in html  # the marked place is a template comment
    troubled("agency", "retrying", 5)
    with CaptureQueriesContext(connection) as more:
        html = operator.get("/operators/").content.decode()
    assert "6 deliveries to agencies' systems not taken" in html
    assert len(first) == len(more)


def test_the_operators_home_is_for_operators_only(login, demo):
    assert Client().get("/operators/")["Location"].startswith("/accounts/login/")
    for who in ("father", "caseworker"):
        response = login(demo[who], "en").get("/operators/")
        assert response.status_code == 404
        assert "Outbox" not in response.content.decode()


def test_an_agency_hidden_to_protect_another_is_not_given_back_by_its_services(demo):
    Counter.objects.all().delete()
    for agency, service, n in (
        ("moi", "moi.passport-renewal", 15),
        ("moi", "moi.vehicle-registration-renewal", 10),
        ("moh", "moh.birth-certificate", 12),
        ("paci", "paci.address-certificate", 3),
    ):
        counted(Kind.COMPLETED, "2026-01", n, agency=agency, subject=service)
    found = {a.code: a for a in figures.make().by_agency}
    # 3 is hidden; the total (40) is published, so the next smallest agency (12) is hidden too; its
    # one service would add up to it, so that is hidden as well.
    assert (found["moi"].completed, found["moh"].completed, found["paci"].completed) == (25, None, None)
    assert [(s.code, s.completed) for s in found["moi"].services] == [
        ("moi.passport-renewal", 15),
        ("moi.vehicle-registration-renewal", 10),
    ]
    assert [s.completed for s in found["moh"].services] == [None]
    assert figures.make().series[Kind.COMPLETED].total == 40


def test_a_key_is_spread_over_slots_and_read_as_one_sum(demo):
    from sahl.stats import counting

    rebuilding.rebuild()
    key = counting.completed_key(timezone.now(), "pifss", "pifss.social-security-certificate")
    before = {(r["kind"], r["subject"]): r["count"] for r in rebuilding.rows()}.get(
        (key.kind, key.subject), 0
    )
    for spread in range(101, 113):  # twelve certificates completed one after the other
        counting.add(key, spread=spread)
    assert Counter.objects.filter(kind=key.kind, subject=key.subject, month=key.month).count() >= 8
    summed = {(r["kind"], r["subject"]): r["count"] for r in rebuilding.rows()}
    assert summed[(key.kind, key.subject)] == before + 12  # no count below ten is shown: twelve
    assert figures.make().series[Kind.COMPLETED].total == sum(
        Counter.objects.filter(kind=Kind.COMPLETED).values_list("count", flat=True)
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: SQLite locks the whole file")
def test_changes_committing_at_the_same_moment_do_not_wait_on_one_counter(demo):
    """Every automatic certificate of a month adds to the same key: one row would make their
    transactions wait on its lock, one after the other (issue 18's certificate scenario lost a
    third of its throughput so)."""
    import threading

    from django.db import OperationalError
    from django.db import connections as all_connections

    from sahl.stats import counting

    key = counting.completed_key(timezone.now(), "pifss", "pifss.social-security-certificate")
    holding, release = threading.Event(), threading.Event()

    def first_transaction() -> None:
        try:
            with transaction.atomic():
                counting.add(key, spread=200)  # an application's step, not committed yet
                holding.set()
                release.wait(10)
        finally:
            all_connections.close_all()

    other = threading.Thread(target=first_transaction)
    other.start()
    try:
        assert holding.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            try:
                counting.add(key, spread=201)  # the next application, at the same moment
            except OperationalError as waited:
                pytest.fail(f"the second change waited on the first one's counter: {waited}")
    finally:
        release.set()
        other.join()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="WITH HOLD is PostgreSQL's")
def test_the_rebuild_reads_the_history_in_one_transaction(monkeypatch):
    """Outside a transaction Django declares its streaming cursor WITH HOLD, and PostgreSQL copies the
    whole result to temporary files first: the country's 108 million history rows filled the disk.
    Every read of the rebuild is made inside one."""
    inside: list[bool] = []
    original = rebuilding._read

    def reading(query):
        inside.append(transaction.get_connection().in_atomic_block)
        return original(query)

    monkeypatch.setattr(rebuilding, "_read", reading)
    rebuilding.rebuild()
    assert inside and all(inside)
