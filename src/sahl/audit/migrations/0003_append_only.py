# Append-only (docs/adr/0011-append-only-tables.md): the refusing manager is the base manager too;
# on PostgreSQL a trigger refuses UPDATE and DELETE on the table.

from django.db import migrations

from sahl.core.append_only import RefuseChanges


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_data_exported"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="auditentry",
            options={"base_manager_name": "objects", "ordering": ["sequence"]},
        ),
        RefuseChanges("audit_auditentry"),
    ]
