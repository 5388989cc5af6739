"""The person's own data: everything Sahl holds about them as one JSON document
(`sahl-personal-data/1`, the shape is in `privacy.format`), and the consents they gave.

Each area of Sahl contributes its own section from the app that holds the data
(`sahl.core.personal_data`, registered in each app's `AppConfig.ready`); privacy asks for them all
and puts them in the format's order, knowing no app's tables. To add a section (e.g. `journeys`):
1. in the app, write `journeys/personal_data.py`: the section's shape as a TypedDict, a function
   `(person) -> the shape` that reads only, with a fixed number of queries, civil IDs and names only
   for other people, and a `Contribution` with the sentence the "My data" page shows for it;
2. contribute it from the app's `AppConfig.ready`;
3. add its key and shape to `format.Sections` (a section contributed but not documented, or
   documented but not contributed, stops the export with an error, never a silent drop);
4. extend the export tests (content, another person's data absent, query count) and rewrite the
   golden files of tests/integration/test_privacy_golden.py.
Adding a section keeps the format `/1`; renaming or removing a field makes it `/2`.

`download(person, ...)` is the use case of the page and the API: it records the export in the
audit log (a security event the person sees) and returns the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise

from sahl.applications.personal_data import CONSENTS
from sahl.audit import services as audit
from sahl.core.personal_data import Contribution, Person, contributions
from sahl.privacy import format as fmt


def sections() -> list[Contribution[object]]:
    """The contributed sections in the format's order: each one documented, none missing."""
    found = contributions()
    if set(found) != set(fmt.SECTIONS):
        missing, undocumented = set(fmt.SECTIONS) - set(found), set(found) - set(fmt.SECTIONS)
        raise ImproperlyConfigured(
            f"personal-data sections not contributed: {sorted(missing)}; not in the format: {sorted(undocumented)}"
        )
    return [found[key] for key in fmt.SECTIONS]


def export(person: Person) -> fmt.Export:
    """Everything Sahl holds about the person, read-only, in the format `sahl-personal-data/1`."""
    gathered = {section.key: section.gather(person) for section in sections()}
    return {
        "format": fmt.FORMAT,
        "exported_at": timezone.now(),
        "civil_id": person.civil_id,
        "sections": cast(fmt.Sections, gathered),
    }


def download(person: Person, *, via: str, address: str = "") -> fmt.Export:
    """The person downloads their data (`via`: page or api): recorded in the audit log, where they
    see it among their security events, then exported (the export lists its own entry)."""
    with transaction.atomic():
        audit.append(
            audit.Kind.DATA_EXPORTED,
            actor_civil_id=person.civil_id,
            actor_name=(person.name_ar, person.name_en),
            subject_civil_id=person.civil_id,
            address=address,
            detail=via,
        )
        return export(person)


def consents(person: Person) -> fmt.Consents:
    """The consents the person gave or declined as a party, and their notification channels."""
    return CONSENTS.gather(person)


@dataclass(frozen=True)
class MyDataPage:
    held: list[Promise | str]  # what each section holds, in the export's order
    consents: fmt.Consents


def my_data_page(person: Person) -> MyDataPage:
    return MyDataPage(held=[section.summary for section in sections()], consents=consents(person))
