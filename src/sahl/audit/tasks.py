"""The audit log's background work: a signed checkpoint of the head, queued with every
SAHL_AUDIT_CHECKPOINT_EVERY-th entry and run by the worker after that entry committed."""

from __future__ import annotations

from django_tasks import task

from sahl.audit import checkpoints


@task()
def checkpoint() -> str:
    """Sign the committed head into the checkpoint file. Returns the outcome (for logs and tests)."""
    return checkpoints.publish().outcome
