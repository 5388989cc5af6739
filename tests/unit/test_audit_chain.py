"""The audit log's hash chain: canonical form, hash, and the walk that finds a changed or removed
entry. Pure functions, no database."""

import datetime as dt
import hashlib
import json
from zoneinfo import ZoneInfo

import pytest

from sahl.audit import rules

AT = dt.datetime(2026, 11, 28, 9, 30, 15, 123456, tzinfo=dt.UTC)


def fields(sequence: int = 1, previous: str = rules.GENESIS, **changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "sequence": sequence,
        "at": AT + dt.timedelta(seconds=sequence),
        "kind": "data_read",
        "actor_civil_id": "287010100017",
        "actor_name_ar": "خالد",
        "actor_name_en": "Khaled",
        "subject_civil_id": "285050500055",
        "agency_id": 3,
        "application_reference": "A-2026-0000001",
        "data": "application",
        "purpose": "مراجعة الطلب",
        "source": "10.1.2.0/24",
        "detail": "",
        "previous_hash": previous,
    }
    return base | changes


def chain(length: int) -> list[dict[str, object]]:
    entries, previous = [], rules.GENESIS
    for n in range(1, length + 1):
        entry = fields(n, previous)
        entry["hash"] = rules.entry_hash(entry)
        entry["id"] = 100 + n
        entries.append(entry)
        previous = str(entry["hash"])
    return entries


def test_the_canonical_form_is_sorted_compact_utf8_json_with_utc_times():
    text = rules.canonical(fields()).decode("utf-8")
    assert text.startswith('{"actor_civil_id":"287010100017","actor_name_ar":"خالد"')
    assert " " not in text.replace("مراجعة الطلب", "")
    decoded = json.loads(text)
    assert list(decoded) == sorted(decoded)
    assert decoded["at"] == "2026-11-28T09:30:16.123456+00:00"


def test_the_canonical_form_does_not_depend_on_the_order_of_fields_or_the_time_zone():
    shuffled = dict(reversed(list(fields().items())))
    kuwait = fields(at=(AT + dt.timedelta(seconds=1)).astimezone(ZoneInfo("Asia/Kuwait")))
    assert rules.canonical(shuffled) == rules.canonical(fields()) == rules.canonical(kuwait)


def test_extra_fields_are_not_hashed_but_missing_ones_are_refused():
    assert rules.canonical(fields() | {"id": 7, "hash": "x"}) == rules.canonical(fields())
    incomplete = fields()
    del incomplete["purpose"]
    with pytest.raises(ValueError, match="purpose"):
        rules.canonical(incomplete)
    with pytest.raises(ValueError, match="aware"):
        rules.canonical(fields(at=dt.datetime(2026, 1, 1)))  # a naive time: the point of the test


def test_the_hash_is_sha256_of_the_canonical_form_and_covers_every_field_and_the_previous_hash():
    assert rules.entry_hash(fields()) == hashlib.sha256(rules.canonical(fields())).hexdigest()
    original = rules.entry_hash(fields())
    for name, value in fields().items():
        changed = str(value) + "x" if isinstance(value, str) else value
        if name == "at":
            changed = AT + dt.timedelta(microseconds=1)
        elif isinstance(value, int):
            changed = value + 1
        assert rules.entry_hash(fields() | {name: changed}) != original, name


def test_an_intact_chain_passes():
    entries = chain(5)
    assert rules.first_break(entries, (5, str(entries[-1]["hash"]))) == (None, 5)
    assert rules.first_break([]) == (None, 0)


def test_a_changed_entry_is_named():
    entries = chain(5)
    entries[2]["purpose"] = "مراجعة الطلبx"
    broken, _ = rules.first_break(entries)
    assert broken is not None and broken.entry_id == 103 and "changed" in broken.reason


def test_a_removed_entry_names_the_one_after_the_gap():
    entries = chain(5)
    del entries[1]
    broken, _ = rules.first_break(entries)
    assert broken is not None and broken.entry_id == 103 and "removed" in broken.reason


def test_entries_removed_from_the_end_show_against_the_head():
    entries = chain(5)
    head = (5, str(entries[-1]["hash"]))
    broken, _ = rules.first_break(entries[:3], head)
    assert broken is not None and broken.entry_id == 103 and "after it were removed" in broken.reason


def test_a_rewritten_chain_with_a_valid_hash_but_a_wrong_link_is_caught():
    entries = chain(3)
    forged = fields(2, "f" * 64)
    entries[1] = forged | {"hash": rules.entry_hash(forged), "id": 102}
    broken, _ = rules.first_break(entries)
    assert broken is not None and broken.entry_id == 102


def test_identifiers_are_masked_to_their_last_four_characters():
    assert rules.mask("287010100017") == "********0017"
    assert rules.mask("12") == "****"
    assert rules.mask("") == ""
    assert "287010" not in rules.mask("287010100017")


def test_addresses_are_cut_to_their_network():
    assert rules.truncated_address("192.168.14.77") == "192.168.14.0/24"
    assert rules.truncated_address("2001:db8:abcd:12::1") == "2001:db8:abcd::/48"
    assert rules.truncated_address("not an address") == ""
