"""The cards of the applications already there (ADR 0042): the same batched rebuild as
`manage.py rebuild_read_models application_cards`. On a big database, migrating past this costs
what that command costs (minutes at 20 million applications); it may be run again at any time.

It calls today's `cards.rebuild`, which writes the card's columns as the model has them now: a
later migration that changes those columns makes this one a no-op and rebuilds after its change."""

from django.db import migrations


def build(apps, schema_editor):
    from sahl.applications import cards

    cards.rebuild()


class Migration(migrations.Migration):
    atomic = False  # the rebuild commits batch by batch

    dependencies = [
        ("applications", "0012_application_cards"),
        ("catalogue", "0002_service_search_terms"),
    ]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
