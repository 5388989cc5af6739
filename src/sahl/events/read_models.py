"""Read models: rows prepared for what people and caseworkers read most, so that a page is one
read by index (ADR 0042). Each is kept by listeners of the events, in the transaction of the change
(`@listen(..., at_once=True)`), and can be rebuilt from the truth at any time.

An app that keeps one registers it from its `AppConfig.ready` with `keep(ReadModel(...))`:
- `rebuild` deletes every row and writes them anew from the tables they are derived from, in
  batches (it must work on 20 million applications), and returns how many rows it wrote;
- `rows` reads every row in a stable order, without surrogate keys or write times, so that what
  the events kept can be compared with a rebuild (tests/integration/test_read_models.py);
- `refresh_service`, for a model that copies what the catalogue says of a service (its name, its
  category, its agency's name), writes again the rows of that service's applications, in short
  transactions, when a publication changed it (`catalogue.service_renamed`, a task)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sahl.events.registry import listen
from sahl.events.types import ServiceRenamed


@dataclass(frozen=True)
class ReadModel:
    name: str
    rebuild: Callable[[], int]
    rows: Callable[[], list[dict[str, Any]]]
    refresh_service: Callable[[int], int] | None = None


_KEPT: dict[str, ReadModel] = {}


def keep(model: ReadModel) -> None:
    """Register a read model (once per name; a second registration under the name replaces it)."""
    _KEPT[model.name] = model


def kept() -> list[ReadModel]:
    return [_KEPT[name] for name in sorted(_KEPT)]


def rebuild(names: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the named read models (all without names) from the truth: rows written, by name."""
    wanted = list(names) if names is not None else sorted(_KEPT)
    unknown = [name for name in wanted if name not in _KEPT]
    if unknown:
        raise KeyError(f"no read model named {', '.join(unknown)}")
    return {name: _KEPT[name].rebuild() for name in wanted}


def refresh_service(service_id: int) -> dict[str, int]:
    """Write again every read row that copies what the catalogue says of this service."""
    return {m.name: m.refresh_service(service_id) for m in kept() if m.refresh_service is not None}


@listen(ServiceRenamed)
def _service_renamed(event: ServiceRenamed) -> None:
    refresh_service(event.service_id)
