"""A queryset whose `update()` says which rows it changed: Django's bulk update sends no
`post_save`, and a copy kept elsewhere (a logged-in person, their membership, whom they act for:
ADR 0044) must be forgotten however a row changed."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.dispatch import Signal

# Sent after an update of a queryset of this kind: sender is the model, `ids` the rows' keys.
rows_updated = Signal()


class AnnouncedUpdates(models.QuerySet[Any]):
    def update(self, **fields: Any) -> int:
        ids = list(self.values_list("pk", flat=True))
        changed = super().update(**fields)
        if ids:
            rows_updated.send(sender=self.model, ids=ids)
        return changed
