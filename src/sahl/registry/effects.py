"""What a completed application may change in the registers. A definition names its effects;
each effect says which form answers it reads."""

from __future__ import annotations

EFFECTS: dict[str, tuple[str, ...]] = {
    "vehicle.renew_registration": ("plate_number",),  # the registration runs one more year
    "vehicle.transfer_ownership": ("plate_number", "buyer_civil_id"),  # the buyer becomes the owner
    "passport.renew": ("passport_number",),  # a new passport, valid five years
    "civil_id.renew": (),  # the civil ID card runs five more years (or to the residence's end)
    "driving_licence.issue": (),  # a private driving licence
}

# Which agency owns each base register: only the owner may change a record of it directly (the
# agency API's register updates); everyone else changes them through an application's effects.
REGISTER_OWNERS: dict[str, str] = {
    "population": "paci",
    "vehicles": "moi",
    "driving_licences": "moi",
    "passports": "moi",
    "companies": "moci",
}
