"""Governorates and areas of Kuwait with Arabic and English names (Who's On First, CC0)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypedDict


class Area(TypedDict):
    code: str
    name_ar: str
    name_en: str
    governorate: str


_DATA = json.loads((Path(__file__).parent / "data" / "areas.json").read_text(encoding="utf-8"))
GOVERNORATES: dict[str, tuple[str, str]] = {
    g["code"]: (g["name_ar"], g["name_en"]) for g in _DATA["governorates"]
}
AREAS: list[Area] = _DATA["areas"]
