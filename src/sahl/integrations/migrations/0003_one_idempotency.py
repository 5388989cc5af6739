# Agencies' Idempotency-Keys now live in sahl.idempotency (ADR 0012); their rows were copied there
# by idempotency.0002_copy_old_keys, which this migration waits for.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('integrations', '0002_agency_api_token_throttle'),
        ('idempotency', '0002_copy_old_keys'),
    ]

    operations = [
        migrations.DeleteModel(
            name='AgencyRequest',
        ),
    ]
