# The entries chained by SHA-256 before the audit key stay as they were; one keyed entry after them
# pins them (sahl.audit.sealing; docs/adr/0024-audit-mac-and-checkpoints.md). Needs SAHL_AUDIT_KEY
# (or the one kept in var/) as every start does. Going back leaves the sealing entry: the table is
# append-only.

from django.db import migrations

from sahl.audit.sealing import seal


def seal_sha256_entries(apps, schema_editor):
    seal(apps.get_model("audit", "AuditEntry"), apps.get_model("audit", "AuditHead"))


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0004_key_id"),
    ]

    operations = [
        migrations.RunPython(seal_sha256_entries, migrations.RunPython.noop),
    ]
