"""The effects on the base registers that an approved service may carry out (core.effects), each
with the form answers it reads. The register's adapter does the change, so a real deployment's
registers take them through the same `Registers` Protocol."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from sahl.core.effects import Change, Effect, Order, provide
from sahl.core.errors import NotFound
from sahl.registry import services
from sahl.registry.adapters import RegisterChanged, registers

READS: dict[str, tuple[str, ...]] = {
    "vehicle.renew_registration": ("plate_number",),  # the registration runs one more year
    "vehicle.transfer_ownership": ("plate_number", "buyer_civil_id"),  # the buyer becomes the owner
    "passport.renew": ("passport_number",),  # a new passport, valid five years
    "passport.replace": ("passport_number",),  # for a lost or damaged one: also new, for five years
    "civil_id.renew": (),  # the civil ID card runs five more years (or to the residence's end)
    "driving_licence.issue": (),  # a private driving licence
    "driving_licence.renew": ("licence_number",),  # the licence runs its term again from its end
    # A replacement changes no record: the new card, book or licence is valid as long as the old one.
    "civil_id.replace": (),
    "vehicle.replace_registration": ("plate_number",),
    "driving_licence.replace": ("licence_number",),
    "work_permit.renew": (
        "company_number",
        "worker_civil_id",
    ),  # a company's worker: the permit runs one more year
    "commercial_licence.renew": ("company",),  # the company's licence runs one more year
    "commercial_licence.cancel": ("company",),  # the company's licence ends (announced: its credentials end)
}

# The document that certifies what each effect made or renewed: it is valid as long as the record.
CERTIFIES: dict[str, str] = {
    "vehicle.renew_registration": "vehicle_registration",
    "vehicle.transfer_ownership": "vehicle_registration",  # the buyer's, to the registration's end
    "passport.renew": "passport",
    "passport.replace": "passport",
    "civil_id.renew": "civil_id_card",
    "driving_licence.issue": "driving_licence",
    "driving_licence.renew": "driving_licence",
    "civil_id.replace": "civil_id_card",
    "vehicle.replace_registration": "vehicle_registration",
    "driving_licence.replace": "driving_licence",
    "work_permit.renew": "work_permit",
    "commercial_licence.renew": "commercial_licence",
    "commercial_licence.cancel": "",  # it ends a record: no document is valid as long as it
}

# Which agency owns each base register: only the owner may change a record of it directly (the
# agency API's register updates); everyone else changes them through an application's effects.
REGISTER_OWNERS: dict[str, str] = {
    "population": "paci",
    "vehicles": "moi",
    "driving_licences": "moi",
    "passports": "moi",
    "companies": "moci",
    "births": "moh",  # a hospital's notification reaches the population register through MOH
    "marriages": "moj",  # a registered marriage contract
    "labour": "pam",  # work permits
    "social_insurance": "pifss",  # contribution statements
}


def _carry_out(name: str, order: Order) -> Change:
    return registers().apply(name, order.civil_id, dict(order.answers), order.day)


def _cancel_licence(order: Order) -> Change:
    """Announced with the change (registry.services), so it is not a plain `apply`."""
    try:
        return services.cancel_licence(str(order.answers["company"]), order.day).change
    except NotFound:
        raise RegisterChanged("commercial_licence.cancel") from None


# Effects carried out by a use case of the registry rather than by the registers' `apply` alone.
CARRIED_OUT: dict[str, Callable[[Order], Change]] = {"commercial_licence.cancel": _cancel_licence}


def provide_register_effects() -> None:
    provide(
        *(
            Effect(name, reads, CARRIED_OUT.get(name, partial(_carry_out, name)), certifies=CERTIFIES[name])
            for name, reads in READS.items()
        )
    )
