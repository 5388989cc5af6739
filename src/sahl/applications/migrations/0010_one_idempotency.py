# People's Idempotency-Keys now live in sahl.idempotency (ADR 0012); their rows were copied there
# by idempotency.0002_copy_old_keys, which this migration waits for.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0009_open_cases_by_due_and_id'),
        ('idempotency', '0002_copy_old_keys'),
    ]

    operations = [
        migrations.DeleteModel(
            name='IdempotencyKey',
        ),
    ]
