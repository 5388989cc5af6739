"""A power of attorney granted, revoked or changed forgets whom its attorney acts for (mandates.kept)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sahl.core.bulk_updates import rows_updated
from sahl.mandates import kept
from sahl.mandates.models import Mandate


@receiver(post_save, sender=Mandate, dispatch_uid="mandates.forget_kept_acting")
@receiver(post_delete, sender=Mandate, dispatch_uid="mandates.forget_deleted_acting")
def mandate_changed(sender: object, instance: Mandate, **kwargs: Any) -> None:
    kept.forget(instance.attorney_civil_id)


@receiver(rows_updated, sender=Mandate, dispatch_uid="mandates.forget_updated_acting")
def mandates_were_updated(sender: object, ids: list[int], **kwargs: Any) -> None:
    """Revoked or shortened by a bulk update (a script, a sweep): the attorneys' next request knows."""
    for attorney in set(Mandate.objects.filter(pk__in=ids).values_list("attorney_civil_id", flat=True)):
        kept.forget(attorney)
