"""The worked signature example of docs/agency-onboarding.md stays true: Sahl's signer produces
exactly those headers for that key, body and time; the simulator's independent verifier and the
page's own Python sketch accept them; and the simulator's pieces (structured fields, behaviour
changes, the decision rule) do what the page says."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sahl.agency_sim import fields, verify
from sahl.agency_sim.decider import outcome_for
from sahl.agency_sim.state import BadBehaviour, Behaviour
from sahl.integrations import signatures

PAGE = (Path(__file__).resolve().parents[2] / "docs" / "agency-onboarding.md").read_text()
RFC8032_TEST_1 = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
ENDPOINT = "https://mew.example.gov.kw/sahl/deliveries"
CREATED = 1796109302


def _block(after: str) -> str:
    """The first fenced block after the line containing `after`."""
    start = PAGE.index(after)
    found = re.search(r"```[a-z]*\n(.*?)```", PAGE[start:], re.DOTALL)
    assert found is not None
    return found.group(1)


@pytest.fixture
def example() -> tuple[signatures.KeyPair, bytes, dict[str, str]]:
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(RFC8032_TEST_1))
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    raw = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = signatures.KeyPair("mew-example", pem, signatures.b64url(raw))
    body = _block("The body, byte for byte").strip("\n").encode()
    event_id = json.loads(body)["event_id"]
    return key, body, signatures.sign("POST", ENDPOINT, body, event_id, key, CREATED)


def test_sahls_signer_gives_the_pages_headers_and_base(example):
    key, _body, headers = example
    assert key.public_raw in PAGE
    page_headers = dict(line.split(": ", 1) for line in _block("The headers:").strip().splitlines())
    assert page_headers == headers
    params = headers["Signature-Input"].removeprefix("sahl=")
    base = signatures.signature_base("POST", ENDPOINT, headers, params).decode()
    assert base == _block("The signature base the agency builds").strip("\n")


def test_the_simulators_verifier_accepts_the_example_and_refuses_changes(example):
    key, body, headers = example
    jwk = {"kty": "OKP", "crv": "Ed25519", "kid": key.kid, "x": key.public_raw}
    public = verify.public_key(jwk)

    def check(request_headers: dict[str, str], request_body: bytes, now: float = CREATED + 10) -> str:
        request = verify.Request("POST", ENDPOINT, list(request_headers.items()), request_body)
        return verify.verify(request, lambda kid: public if kid == key.kid else None, now)

    assert check(headers, body) == "mew-example"
    with pytest.raises(verify.Refused, match="Content-Digest"):
        check(headers, body.replace(b"person", b"people"))
    with pytest.raises(verify.Refused, match="more than 300 s"):
        check(headers, body, now=CREATED + 301)
    moved = verify.Request("POST", ENDPOINT + "?x=1", list(headers.items()), body)
    with pytest.raises(verify.Refused, match="does not verify"):
        verify.verify(moved, lambda kid: public, CREATED)
    with pytest.raises(verify.Refused, match="unknown key id"):
        check(headers | {"Signature-Input": headers["Signature-Input"].replace("mew-example", "other")}, body)


def test_the_pages_python_sketch_verifies_the_example(example):
    key, body, headers = example
    jwk = {"kty": "OKP", "crv": "Ed25519", "kid": key.kid, "x": key.public_raw}
    sketch = _block("In Python with `cryptography`")
    exec(sketch, {"jwk": jwk, "headers": headers, "body": body, "ENDPOINT": ENDPOINT})  # noqa: S102 (our own page)


def test_structured_fields_round_trip_and_reject_nonsense():
    text = '("@method" "content-digest");created=1796109302;keyid="k\\"1";alg="ed25519";x;t=tok'
    parsed = fields.parse_dictionary(f"sahl={text}, other=:AQID:")
    inner = parsed["sahl"]
    assert isinstance(inner, fields.InnerList)
    assert [i.value for i in inner.items] == ["@method", "content-digest"]
    assert inner.params["keyid"] == 'k"1' and inner.params["created"] == 1796109302
    assert inner.params["x"] is True  # a bare key is true, and is written back bare (RFC 8941)
    assert fields.serialise_inner_list(inner) == text
    other = parsed["other"]
    assert isinstance(other, fields.Item) and other.value == b"\x01\x02\x03"
    for bad in ('sahl=("a" "b"', "sahl=:not base64!:", 'sahl="open', "sahl=(a b),"):
        with pytest.raises(fields.FieldError):
            fields.parse_dictionary(bad)


def test_behaviour_changes_for_all_or_for_some_applications():
    behaviour = Behaviour()
    behaviour.change({"mode": "refuse422", "for_references": ["2026-0000001"]})
    behaviour.change({"mode": "unavailable"})
    assert behaviour.for_reference("2026-0000001") == "refuse422"
    assert behaviour.for_reference("2026-0000002") == "unavailable"
    behaviour.change({"mode": "ok", "for_references": ["2026-0000001"]})
    assert behaviour.for_reference("2026-0000001") == "unavailable"
    behaviour.change({"mode": "slow", "for_references": ["x"], "slow_seconds": 2, "decide": False})
    behaviour.change({"clear_references": True, "mode": "ok"})
    assert behaviour.as_dict() == {
        "mode": "ok",
        "for_references": {},
        "slow_seconds": 2.0,
        "decide_after": 2.0,
        "decide": False,
    }
    for bad in ({"mode": "explode"}, {"for_references": ["x"]}, {"slow_seconds": -1}, {"decide": "yes"}, []):
        with pytest.raises(BadBehaviour):
            behaviour.change(bad)


def test_an_answer_containing_the_reject_word_is_rejected_at_any_depth():
    assert outcome_for({"purpose": "final_departure"}, "reject") == "approved"
    assert outcome_for({"notes": [{"text": "Please REJECT"}]}, "reject") == "rejected"
    assert outcome_for({"notes": "reject"}, "") == "approved"
