from __future__ import annotations

from django_tasks import task


@task()
def deliver(delivery_id: int) -> str:
    """One attempt at delivering an application to its agency's system (retries enqueue themselves)."""
    from sahl.integrations.services import attempt

    return attempt(delivery_id)
