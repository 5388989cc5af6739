"""The deliveries of notifications (e-mail, SMS) and of integrations (agencies' systems), with their
attempts, move into the one outbox; keys stay what the other side de-duplicates on."""

import uuid

from django.db import migrations

NOTIFICATION_STATES = {"failed_retrying": "retrying", "failed_permanently": "failed"}
AGENCY_STATES = {"waiting": "queued", "retrying": "retrying", "delivered": "sent", "dead": "failed"}


def _key(header_id):
    """Message-ID `<hex@domain>` or `sms-hex`: the hex becomes the delivery's key (same header)."""
    token = header_id.strip("<>").split("@")[0].removeprefix("sms-")
    try:
        return uuid.UUID(hex=token)
    except ValueError:
        return uuid.uuid4()


def copy(apps, schema_editor):
    Delivery = apps.get_model("outbox", "Delivery")
    Attempt = apps.get_model("outbox", "Attempt")
    Destination = apps.get_model("outbox", "Destination")
    OldMessageDelivery = apps.get_model("notifications", "Delivery")
    OldAgencyDelivery = apps.get_model("integrations", "Delivery")
    Connection = apps.get_model("integrations", "Connection")
    for old in OldMessageDelivery.objects.select_related("message").iterator(chunk_size=2000):
        Delivery.objects.create(
            key=_key(old.header_id),
            channel=old.channel,
            destination=old.channel,
            address=old.address,
            topic=f"message:{old.message_id}",
            payload={"subject": old.subject, "text": old.text, "language": old.message.language},
            state=NOTIFICATION_STATES.get(old.state, old.state),
            attempts=old.attempts,
            next_attempt_at=old.next_attempt_at,
            claimed_at=old.claimed_at,
            last_error=old.last_error,
            result={"provider_id": old.provider_id} if old.provider_id else {},
            sent_at=old.sent_at,
        )
    for old in OldAgencyDelivery.objects.select_related("connection__agency", "application").iterator(chunk_size=2000):
        new = Delivery.objects.create(
            key=old.event_id,
            channel="agency",
            destination=f"agency:{old.connection.agency.code}",
            topic=f"application:{old.application.reference}",
            payload={"application_id": old.application_id},
            state=AGENCY_STATES[old.state],
            attempts=old.attempts,
            max_attempts=old.connection.max_attempts,
            timeout_seconds=old.connection.timeout_seconds,
            next_attempt_at=old.next_attempt_at,
            claimed_at=old.claimed_at,
            last_error=old.last_error,
            result={"answer": old.answer, "reference": old.agency_reference} if old.answer else {},
            sent_at=old.delivered_at,
        )
        Delivery.objects.filter(pk=new.pk).update(created_at=old.created_at)
        for attempt in old.attempt_log.all():
            outcome = {"delivered": "sent", "dead": "failed"}.get(attempt.outcome, attempt.outcome)
            Attempt.objects.create(
                delivery=new,
                outcome=outcome,
                status_code=attempt.status_code,
                error=attempt.error,
                duration_ms=attempt.duration_ms,
            )
    for connection in Connection.objects.select_related("agency").exclude(open_until=None):
        Destination.objects.update_or_create(
            name=f"agency:{connection.agency.code}",
            defaults={"failures_in_a_row": connection.failures_in_a_row, "open_until": connection.open_until},
        )
    # Due ones get their task from the first `outbox_sweep` (their old tasks name old functions).


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("notifications", "0003_append_only"),
        ("integrations", "0003_one_idempotency"),
    ]

    operations = [migrations.RunPython(copy, migrations.RunPython.noop)]
