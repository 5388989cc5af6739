"""The simulator's log: one JSON object per line on standard output. Ids, references and outcomes
only: never a name, a civil ID or an answer of the application."""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
from typing import Any

_lock = threading.Lock()
_context: dict[str, Any] = {}


def set_context(**fields: Any) -> None:
    """Fields every line carries (the agency's code)."""
    _context.update(fields)


def emit(event: str, **fields: Any) -> None:
    line = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"), "event": event}
    line.update(_context)
    line.update(fields)
    text = json.dumps(line, ensure_ascii=False, default=str)
    with _lock:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
