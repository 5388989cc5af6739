# Append-only (docs/adr/0011-append-only-tables.md): the refusing manager is the base manager too;
# on PostgreSQL a trigger refuses UPDATE and DELETE on the table.

from django.db import migrations

from sahl.core.append_only import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_complaint_messages"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="noticelog",
            options={"base_manager_name": "objects", "ordering": ["at", "pk"]},
        ),
        RefuseChanges("notifications_noticelog"),
    ]
