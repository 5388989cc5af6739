"""The wallet page's words, in both languages (filled in with the page)."""

from __future__ import annotations

from sahl.core.bilingual import BilingualText

PAGE: dict[str, BilingualText] = {}
