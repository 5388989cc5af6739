"""The QR profile's size: every QR credential type, presented, fits 1,200 bytes and a version 25
code, and the code printed as an image reads back to the same text."""

import os
import shutil
import subprocess

import pytest
import segno

from sahl.wallet import rules
from tests.wallet_fixtures import issue, present

CASES = [
    (document + rules.QR_AGE, [f"age_equal_or_over.{age}"])
    for document in sorted(rules.IDENTITY_DOCUMENTS)
    for age in rules.AGES
] + [(document + rules.QR_ID, []) for document in sorted(rules.IDENTITY_DOCUMENTS)]


def zbarimg() -> str:
    found = shutil.which("zbarimg")
    if found is None:
        if os.environ.get("SAHL_REQUIRE_BROWSER") == "1":
            pytest.fail("zbarimg is required here (apt-get install zbar-tools)")
        pytest.skip("zbarimg not installed (Debian package zbar-tools)")
    return found


@pytest.mark.parametrize(
    ("configuration", "keep"), CASES, ids=[f"{c}-{'-'.join(k) or 'all'}" for c, k in CASES]
)
def test_each_qr_credential_fits_a_version_25_code_and_reads_back(configuration, keep, tmp_path):
    payload = present(issue(configuration), keep)
    assert len(payload.encode()) <= 1200, len(payload)
    code = segno.make(payload, error="l", micro=False, boost_error=False)
    assert code.version <= 25 and code.error == "L"
    image = tmp_path / "qr.png"
    code.save(image, scale=4, border=4)
    read = subprocess.run(
        [zbarimg(), "--quiet", "--raw", str(image)], capture_output=True, text=True, check=True
    )
    assert read.stdout.rstrip("\n") == payload


def test_the_identity_qr_carries_the_name_and_civil_id_and_no_birth_date():
    payload = present(issue("civil_id_card" + rules.QR_ID), [])
    import json

    from sahl.wallet.jose import unb64url

    claims = json.loads(unb64url(payload.split("~")[0].split(".")[1]))
    assert {"name_ar", "name_en", "civil_id"} <= set(claims)
    assert "birthdate" not in claims and "age_equal_or_over" not in claims
