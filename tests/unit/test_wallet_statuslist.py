"""The Token Status List encoding, against the examples of the IETF draft."""

import zlib

import pytest

from sahl.wallet import statuslist
from sahl.wallet.jose import JoseError, b64url, unb64url
from tests import status_list_reader

# draft-ietf-oauth-status-list, "Status List" examples.
ONE_BIT = {"bits": 1, "lst": "eNrbuRgAAhcBXQ"}  # bytes 0xB9 0xA3
TWO_BITS = {"bits": 2, "lst": "eNo76fITAAPfAgc"}  # bytes 0xC9 0x44 0xF9
TWO_BIT_STATUSES = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]


def test_the_drafts_one_bit_example_decodes_to_its_bytes_and_statuses():
    bits, data = status_list_reader.decode(ONE_BIT)
    assert (bits, data) == (1, bytes([0xB9, 0xA3]))
    invalid = [0, 3, 4, 5, 7, 8, 9, 13, 15]
    assert [status_list_reader.status_at(ONE_BIT, i) for i in range(16)] == [
        int(i in invalid) for i in range(16)
    ]


def test_the_drafts_two_bit_example_decodes_and_encodes_to_the_same_text():
    assert status_list_reader.decode(TWO_BITS) == (2, bytes([0xC9, 0x44, 0xF9]))
    assert [status_list_reader.status_at(TWO_BITS, i) for i in range(12)] == TWO_BIT_STATUSES
    marked = {i: s for i, s in enumerate(TWO_BIT_STATUSES) if s}
    assert statuslist.encode(marked, 12) == TWO_BITS


def test_sahls_values_are_valid_revoked_suspended():
    encoded = statuslist.encode({5: statuslist.REVOKED, 6: statuslist.SUSPENDED}, 1 << 17)
    assert [status_list_reader.status_at(encoded, i) for i in (4, 5, 6, 7)] == [0, 1, 2, 0]
    assert status_list_reader.status_at(encoded, (1 << 17) - 1) == 0


def test_a_full_size_list_of_valid_credentials_compresses_to_a_few_hundred_bytes():
    encoded = statuslist.encode({}, 1 << 17)
    assert len(encoded["lst"]) < 300  # 32 KiB of zeros


def test_an_index_outside_the_list_is_refused():
    with pytest.raises(JoseError, match="status_index_outside"):
        status_list_reader.status_at(TWO_BITS, 12 * 4)


def test_a_status_that_does_not_fit_is_refused_when_packing():
    with pytest.raises(ValueError, match="does not fit"):
        statuslist.pack({0: 4}, 8)
    with pytest.raises(ValueError, match="does not fit"):
        statuslist.pack({8: 1}, 8)


@pytest.mark.parametrize(
    "value",
    [
        {"bits": 3, "lst": ONE_BIT["lst"]},
        {"bits": 2, "lst": "not base64!"},
        {"bits": 2, "lst": b64url(b"not zlib")},
        [],
    ],
)
def test_a_malformed_list_is_refused(value):
    with pytest.raises(JoseError, match=r"^(status_list_malformed|malformed)$"):
        status_list_reader.decode(value)


def test_a_decompression_bomb_stops_at_the_limit():
    bomb = {"bits": 1, "lst": b64url(zlib.compress(b"\0" * (status_list_reader.MAX_BYTES + 1), 9))}
    with pytest.raises(JoseError):
        status_list_reader.decode(bomb)
    assert len(unb64url(bomb["lst"])) < 40_000
