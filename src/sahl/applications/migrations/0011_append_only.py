# Append-only (docs/adr/0011-append-only-tables.md): the refusing manager is the base manager too;
# on PostgreSQL a trigger refuses UPDATE and DELETE on the table.

import django.db.models.deletion
from django.db import migrations, models

from sahl.core.append_only import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0010_one_idempotency"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="historyevent",
            options={"base_manager_name": "objects", "ordering": ["at", "pk"]},
        ),
        migrations.AlterField(
            model_name="historyevent",
            name="application",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="history",
                to="applications.application",
            ),
        ),
        RefuseChanges("applications_historyevent"),
    ]
