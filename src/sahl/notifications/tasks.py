"""Background work of notifications: one task per delivery, enqueued in the transaction that
created the message (so it commits or rolls back with it)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver(delivery_id: int) -> str:
    """Send one delivery (e-mail or SMS) at most once; see services.run_delivery."""
    from sahl.notifications import services

    return services.run_delivery(delivery_id)
