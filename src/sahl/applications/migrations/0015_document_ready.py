"""Issued documents' files follow the decision (rendered by a task): the file may be empty for a
while, and the row says when it was ready. Documents issued before had their file at once."""

from django.db import migrations, models
from django.utils import timezone


def ready_already(apps, schema_editor):
    IssuedDocument = apps.get_model("applications", "IssuedDocument")
    IssuedDocument.objects.exclude(pdf="").update(ready_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("applications", "0014_application_pages")]

    operations = [
        migrations.AlterField(
            model_name="issueddocument",
            name="pdf",
            field=models.FileField(blank=True, upload_to="documents/"),
        ),
        migrations.AddField(
            model_name="issueddocument",
            name="ready_at",
            field=models.DateTimeField(
                blank=True, help_text="when its file was ready to download", null=True
            ),
        ),
        migrations.RunPython(ready_already, migrations.RunPython.noop, elidable=True),
    ]
