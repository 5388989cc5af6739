"""The audit log's chain: canonical form, SHA-256 (entries before the key) and HMAC-SHA-256 under the
audit key, the walk that finds a changed, inserted or removed entry, and the checkpoints' signed
statement. Pure functions, no database."""

import datetime as dt
import hashlib
import hmac
import json
from zoneinfo import ZoneInfo

import pytest

from sahl.audit import rules

AT = dt.datetime(2026, 11, 28, 9, 30, 15, 123456, tzinfo=dt.UTC)
KEY = b"k" * 32
KEYS = {"a1": KEY}


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


def chain(length: int, unkeyed: int = 0, key: bytes = KEY, start: int = 1, previous: str = rules.GENESIS):
    """`length` entries from `start`; the first `unkeyed` of them chained by SHA-256 as before the key."""
    entries = []
    for n in range(start, start + length):
        entry = fields(n, previous)
        if n < start + unkeyed:
            entry |= {"key_id": "", "hash": rules.entry_hash(entry)}
        else:
            entry |= {"key_id": "a1"}
            entry["hash"] = rules.entry_mac(entry, key)
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
    assert rules.first_break(entries, KEYS, (5, str(entries[-1]["hash"]))) == (None, 5)
    assert rules.first_break([], KEYS) == (None, 0)


def test_a_changed_entry_is_named():
    entries = chain(5)
    entries[2]["purpose"] = "مراجعة الطلبx"
    broken, _ = rules.first_break(entries, KEYS)
    assert broken is not None and broken.entry_id == 103 and "changed" in broken.reason


def test_a_removed_entry_names_the_one_after_the_gap():
    entries = chain(5)
    del entries[1]
    broken, _ = rules.first_break(entries, KEYS)
    assert broken is not None and broken.entry_id == 103 and "removed" in broken.reason


def test_entries_removed_from_the_end_show_against_the_head():
    entries = chain(5)
    head = (5, str(entries[-1]["hash"]))
    broken, _ = rules.first_break(entries[:3], KEYS, head)
    assert broken is not None and broken.entry_id == 103 and "after it were removed" in broken.reason


def test_a_rewritten_chain_with_a_valid_hash_but_a_wrong_link_is_caught():
    entries = chain(3)
    forged = fields(2, "f" * 64, key_id="a1")
    entries[1] = forged | {"hash": rules.entry_mac(forged, KEY), "id": 102}
    broken, _ = rules.first_break(entries, KEYS)
    assert broken is not None and broken.entry_id == 102


def test_the_mac_is_hmac_sha256_under_the_key_and_covers_the_key_id():
    entry = fields(key_id="a1")
    expected = hmac.new(KEY, rules.canonical(entry, rules.MACED_FIELDS), hashlib.sha256).hexdigest()
    assert rules.entry_mac(entry, KEY) == expected != rules.entry_hash(entry)
    assert rules.entry_mac(entry, b"x" * 32) != expected
    assert rules.entry_mac(entry | {"key_id": "b2"}, KEY) != expected


def test_a_chain_recomputed_with_sha256_as_before_the_key_is_caught_where_it_was_changed():
    """Changing an entry and recomputing every hash after it needs only SHA-256 without the key."""
    entries = chain(5)
    entries[2]["purpose"] = "x"
    previous = str(entries[1]["hash"])
    for entry in entries[2:]:
        entry["previous_hash"] = previous
        entry["hash"] = hashlib.sha256(rules.canonical(entry)).hexdigest()
        previous = entry["hash"]
    broken, _ = rules.first_break(entries, KEYS, (5, previous))
    assert (
        broken is not None and broken.entry_id == 103 and "does not match its MAC (changed)" in broken.reason
    )


def test_a_chain_recomputed_with_a_wrong_key_is_caught_where_it_was_changed():
    entries = chain(2) + chain(3, key=b"w" * 32, start=3, previous=str(chain(2)[-1]["hash"]))
    broken, _ = rules.first_break(entries, KEYS)
    assert broken is not None and broken.entry_id == 103 and "changed" in broken.reason


def test_an_entry_naming_an_unknown_key_is_reported_never_skipped():
    broken, _ = rules.first_break(chain(3), {"z9": KEY})
    assert broken is not None and broken.entry_id == 101 and "does not hold (a1)" in broken.reason


def test_unkeyed_entries_are_a_prefix_pinned_by_the_keyed_entry_after_them():
    assert rules.first_break(chain(4, unkeyed=3), KEYS) == (None, 4)
    sealed = chain(4, unkeyed=3)
    sealed[1]["purpose"] = "x"  # rewritten, and the SHA-256 chain after it recomputed
    previous = str(sealed[0]["hash"])
    for entry in sealed[1:3]:
        entry["previous_hash"] = previous
        entry["hash"] = previous = rules.entry_hash(entry)
    broken, _ = rules.first_break(sealed, KEYS)
    assert broken is not None and broken.entry_id == 104 and "does not follow" in broken.reason


def test_an_unkeyed_entry_after_keyed_ones_and_an_unsealed_log_are_reported():
    entries = chain(3)
    late = fields(4, str(entries[-1]["hash"]), key_id="")
    broken, _ = rules.first_break([*entries, late | {"hash": rules.entry_hash(late), "id": 104}], KEYS)
    assert broken is not None and broken.entry_id == 104 and "inserted" in broken.reason
    downgraded = chain(3, unkeyed=3)  # the whole table rewritten in the old form
    broken, _ = rules.first_break(downgraded, KEYS, (3, str(downgraded[-1]["hash"])))
    assert broken is not None and broken.entry_id == 103 and "not sealed" in broken.reason


def test_an_entry_that_differs_from_its_signed_checkpoint_is_named_even_with_a_valid_mac():
    """Whoever holds the key can recompute the chain; the checkpoint outside the database still holds."""
    entries = chain(5)
    signed = {4: str(entries[3]["hash"])}
    entries[3]["purpose"] = "x"
    previous = str(entries[2]["hash"])
    for entry in entries[3:]:
        entry["previous_hash"] = previous
        entry["hash"] = previous = rules.entry_mac(entry, KEY)
    broken, _ = rules.first_break(entries, KEYS, (5, previous), signed)
    assert broken is not None and broken.entry_id == 104 and "signed checkpoint" in broken.reason


def test_entries_removed_with_the_head_show_against_a_checkpoint():
    entries = chain(5)
    signed = {5: str(entries[-1]["hash"])}
    assert rules.first_break(entries, KEYS, (5, str(entries[-1]["hash"])), signed) == (None, 5)
    broken, _ = rules.first_break(entries[:3], KEYS, (3, str(entries[2]["hash"])), signed)
    assert broken is not None and broken.entry_id == 103 and "a signed checkpoint covers 5" in broken.reason


def test_a_checkpoint_line_round_trips_and_its_statement_is_domain_separated():
    checkpoint = rules.Checkpoint(7, "ab" * 32, "2026-12-03T10:00:00Z", "a1", "c2ln")
    assert rules.parse_checkpoint(checkpoint.line()) == checkpoint
    assert checkpoint.statement().startswith(b"sahl audit checkpoint v1\n")
    assert b"c2ln" not in checkpoint.statement()  # the signature is not part of what it signs
    for line in (
        "",
        "{",
        "[]",
        '{"sequence": "7"}',
        '{"sequence": true, "head": "", "at": "", "key": "", "signature": ""}',
    ):
        assert rules.parse_checkpoint(line) is None, line


def test_identifiers_are_masked_to_their_last_four_characters():
    assert rules.mask("287010100017") == "********0017"
    assert rules.mask("12") == "****"
    assert rules.mask("") == ""
    assert "287010" not in rules.mask("287010100017")


def test_addresses_are_cut_to_their_network():
    assert rules.truncated_address("192.168.14.77") == "192.168.14.0/24"
    assert rules.truncated_address("2001:db8:abcd:12::1") == "2001:db8:abcd::/48"
    assert rules.truncated_address("not an address") == ""
