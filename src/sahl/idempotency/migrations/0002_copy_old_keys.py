"""The keys kept before this app by `applications.IdempotencyKey` (a person's submissions; the
answer kept is the application's reference) and `integrations.AgencyRequest` (an agency's writes,
status and body), copied here; the migrations that delete those tables depend on this one."""

from django.conf import settings
from django.db import migrations

BATCH = 2000


def _flush(model, rows, db):
    model.objects.using(db).bulk_create(rows, batch_size=BATCH)
    rows.clear()


def copy_keys(apps, schema_editor):
    db = schema_editor.connection.alias
    request = apps.get_model("idempotency", "IdempotentRequest")
    people = apps.get_model("applications", "IdempotencyKey")
    agencies = apps.get_model("integrations", "AgencyRequest")
    rows = []
    fields = ("user_id", "key", "request_hash", "application__reference", "created_at")
    for user_id, key, request_hash, reference, created_at in (
        people.objects.using(db).order_by("pk").values_list(*fields).iterator(chunk_size=BATCH)
    ):
        rows.append(
            request(
                caller=f"person:{user_id}",
                key=key,
                request_hash=request_hash,
                status_code=201 if reference else 0,
                response={"reference": reference} if reference else {},
                created_at=created_at,
            )
        )
        if len(rows) >= BATCH:
            _flush(request, rows, db)
    fields = ("agency__code", "key", "request_hash", "status_code", "response", "created_at")
    for code, key, request_hash, status_code, response, created_at in (
        agencies.objects.using(db).order_by("pk").values_list(*fields).iterator(chunk_size=BATCH)
    ):
        rows.append(
            request(
                caller=f"agency:{code}",
                key=key,
                request_hash=request_hash,
                status_code=status_code,
                response=response,
                created_at=created_at,
            )
        )
        if len(rows) >= BATCH:
            _flush(request, rows, db)
    _flush(request, rows, db)


def copy_back(apps, schema_editor):
    """Back to the two old tables (when migrating backwards), for callers that still exist."""
    db = schema_editor.connection.alias
    request = apps.get_model("idempotency", "IdempotentRequest")
    people = apps.get_model("applications", "IdempotencyKey")
    agencies = apps.get_model("integrations", "AgencyRequest")
    application = apps.get_model("applications", "Application")
    agency = apps.get_model("catalogue", "Agency")
    user = apps.get_model(settings.AUTH_USER_MODEL)
    agency_pks = dict(agency.objects.using(db).values_list("code", "pk"))
    for row in request.objects.using(db).order_by("pk").iterator(chunk_size=BATCH):
        kind, _, who = row.caller.partition(":")
        if kind == "person" and who.isdigit() and user.objects.using(db).filter(pk=int(who)).exists():
            reference = row.response.get("reference") if isinstance(row.response, dict) else None
            found = application.objects.using(db).filter(reference=reference).values_list("pk", flat=True).first()
            people.objects.using(db).create(
                user_id=int(who), key=row.key, request_hash=row.request_hash, application_id=found
            )
        elif kind == "agency" and who in agency_pks:
            agencies.objects.using(db).create(
                agency_id=agency_pks[who],
                key=row.key,
                request_hash=row.request_hash,
                status_code=row.status_code,
                response=row.response,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("idempotency", "0001_initial"),
        ("applications", "0009_open_cases_by_due_and_id"),
        ("integrations", "0002_agency_api_token_throttle"),
        ("catalogue", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(copy_keys, copy_back, elidable=False)]
