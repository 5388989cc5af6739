"""What a completed application may change in the mandates (next to `registry.effects`): the
answers each effect reads."""

from __future__ import annotations

MANDATE_EFFECTS: dict[str, tuple[str, ...]] = {
    # the Ministry of Justice issued a power of attorney: the attorney may act from the start date
    "mandate.grant_power_of_attorney": ("attorney_civil_id", "scope", "start_date", "end_date"),
}
