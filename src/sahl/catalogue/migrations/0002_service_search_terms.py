"""Each service's search terms (catalogue.search_index), worked out once for the services already
published; a catalogue load keeps them for the services it publishes."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from sahl.catalogue.search_index import indexed_terms

    Service = apps.get_model("catalogue", "Service")
    for service in Service.objects.select_related("agency", "current_version"):
        raw = service.current_version.definition if service.current_version else {}
        keywords = raw.get("keywords") or {}
        service.search_terms = indexed_terms(
            [service.name_ar, service.name_en],
            [*keywords.get("ar", []), *keywords.get("en", [])],
            [service.agency.code, service.agency.name_ar, service.agency.name_en],
            [service.description_ar, service.description_en],
        )
        service.save(update_fields=["search_terms"])


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="service",
            name="search_terms",
            field=models.JSONField(
                default=list,
                help_text="[weight, word, stem] of names, keywords, agency, description (search_index)",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
