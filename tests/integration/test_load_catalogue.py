"""Publishing the catalogue: all or nothing, idempotent, versioned."""

import pytest
import yaml

from sahl.catalogue import services
from sahl.catalogue.definition import DefinitionError
from sahl.catalogue.models import Agency, Service, ServiceVersion

pytestmark = pytest.mark.django_db

RENEWAL = "moi/vehicle-registration-renewal.yaml"


def edit(root, relative, change):
    path = root / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_the_whole_catalogue_is_published(django_db_setup):
    assert Service.objects.filter(is_active=True).count() >= 254
    assert Agency.objects.filter(services__is_active=True).distinct().count() >= 25
    assert all(s.current_version_id for s in Service.objects.all())


def test_loading_twice_publishes_nothing_new():
    versions = ServiceVersion.objects.count()
    report = services.load_catalogue()
    assert report.published == 0
    assert report.unchanged >= 254
    assert ServiceVersion.objects.count() == versions


def test_a_changed_definition_becomes_a_new_version_and_the_old_stays_readable(tree):
    service = Service.objects.get(code="moi.vehicle-registration-renewal")
    old = service.current_version
    edit(tree, RENEWAL, lambda d: d["fee"].update(amount="12.500"))

    report = services.load_catalogue(tree)

    assert report.published == 1
    service.refresh_from_db()
    assert service.current_version.number == old.number + 1
    assert service.fee_fils == 12_500
    old.refresh_from_db()
    assert old.definition["fee"]["amount"] == "10.000"
    assert services.definition_of(old).fee.fils == 10_000
    assert services.definition_of(service.current_version).fee.fils == 12_500


def test_a_bad_file_stops_the_load_and_changes_nothing(tree):
    edit(tree, RENEWAL, lambda d: d["fee"].update(amount="12.500"))  # a good change...
    edit(
        tree, "paci/civil-id-renewal.yaml", lambda d: d.update(fee={"amount": 5, "currency": "KWD"})
    )  # ...a bad one
    before = list(ServiceVersion.objects.values_list("pk", flat=True))

    with pytest.raises(DefinitionError) as error:
        services.load_catalogue(tree)

    assert error.value.source == "paci/civil-id-renewal.yaml"
    assert error.value.field == "fee.amount"
    assert list(ServiceVersion.objects.values_list("pk", flat=True)) == before
    assert Service.objects.get(code="moi.vehicle-registration-renewal").fee_fils == 10_000


def test_a_removed_file_withdraws_its_service(tree):
    (tree / RENEWAL).unlink()
    report = services.load_catalogue(tree)
    assert report.withdrawn == 1
    assert not Service.objects.get(code="moi.vehicle-registration-renewal").is_active
    with pytest.raises(Exception, match=r"service\.not_found"):
        services.get_service("moi.vehicle-registration-renewal")


def test_the_load_command_reports_a_bad_file_with_its_field(tree):
    from django.core.management import CommandError, call_command

    edit(tree, RENEWAL, lambda d: d.update(category="weather"))
    with pytest.raises(
        CommandError,
        match=r"moi\.vehicle-registration-renewal: category: unknown category .weather. \(moi/vehicle-registration-renewal\.yaml\)",
    ):
        call_command("load_catalogue", path=tree)


def test_the_api_answers_the_new_catalogue_at_once_after_a_load(tree, client):
    """The catalogue API keeps its answers serialised; a load leaves every kept answer behind."""
    path = "/api/v1/services/moi.vehicle-registration-renewal"
    listed = "/api/v1/services?agency=moi&limit=200"
    assert client.get(path).json()["fee"]["amount"] == "10.000"
    assert "moi.vehicle-registration-renewal" in [s["code"] for s in client.get(listed).json()["items"]]
    assert client.get(path)["Cache-Control"] == "public, max-age=300"

    edit(tree, RENEWAL, lambda d: d["fee"].update(amount="12.500"))
    (tree / "moi/vehicle-ownership-transfer.yaml").unlink()
    services.load_catalogue(tree)

    assert client.get(path).json()["fee"]["amount"] == "12.500"
    assert client.get("/api/v1/services/moi.vehicle-ownership-transfer").status_code == 404
    codes = [s["code"] for s in client.get(listed).json()["items"]]
    assert "moi.vehicle-ownership-transfer" not in codes and "moi.vehicle-registration-renewal" in codes
