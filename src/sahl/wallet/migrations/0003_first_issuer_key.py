"""The deployment's first signing key, made by `migrate` so that the key set is never empty, and
keys made before `signs_from` existed sign from their creation."""

from django.db import migrations
from django.db.models import F, Q
from django.utils import timezone


def first_key(apps, schema_editor):
    from sahl.wallet.keys import create_row

    IssuerKey = apps.get_model("wallet", "IssuerKey")
    IssuerKey.objects.update(signs_from=F("created_at"))
    now = timezone.now()
    if not IssuerKey.objects.filter(Q(retired_at__isnull=True) | Q(retired_at__gt=now)).exists():
        create_row(IssuerKey, now)


class Migration(migrations.Migration):
    dependencies = [("wallet", "0002_key_publication")]

    # Made keys are kept on the way back: credentials may already be signed with them.
    operations = [migrations.RunPython(first_key, migrations.RunPython.noop)]
