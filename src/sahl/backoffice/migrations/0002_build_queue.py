"""The queue's rows for the cases already open (ADR 0046): the same batched rebuild as
`manage.py rebuild_read_models backoffice_queue`. It may be run again at any time."""

from django.db import migrations


def build(apps, schema_editor):
    from sahl.backoffice import queue

    queue.rebuild()


class Migration(migrations.Migration):
    atomic = False  # the rebuild commits batch by batch

    dependencies = [("backoffice", "0001_queue_entries")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
