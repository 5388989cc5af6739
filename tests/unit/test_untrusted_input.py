"""core.untrusted: text the database can store, JSON bounded in depth and numbers; core.logs: a
database error is written without its text (issue 16, points 2 and 3)."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahl.core import untrusted
from sahl.core.bounds import DB_INT_MAX
from sahl.core.logs import JsonFormatter

CIVIL_ID = "290010100017"


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000 + "]" * 100_000,
        "[" * 33 + "]" * 33,  # one past MAX_JSON_DEPTH
        '{"a": "\\u0000"}',
        '{"\\u0000": 1}',
        '["\\ud800"]',
        '{"a": "\\udfff"}',
        f"[{DB_INT_MAX + 1}]",
        f"[{-DB_INT_MAX - 2}]",
        "1" * 5000,
        "[1e999]",
        "NaN",
        "[Infinity]",
        b"\xff\xfe",
        "{",
    ],
)
def test_json_that_cannot_be_stored_or_walked_is_refused(raw):
    with pytest.raises(untrusted.UntrustedInput):
        untrusted.loads(raw)


def test_a_refusal_is_a_bad_request_and_a_value_error():
    from sahl.core.errors import BadInput

    with pytest.raises(untrusted.UntrustedInput) as refused:
        untrusted.loads("[")
    assert isinstance(refused.value, ValueError) and isinstance(refused.value, BadInput)
    assert refused.value.code == "request.bad"


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-DB_INT_MAX - 1, DB_INT_MAX)
        | st.text().filter(untrusted.is_clean),
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text().filter(untrusted.is_clean), inner)
        ),
        max_leaves=20,
    )
)
def test_ordinary_json_reads_as_json_loads_reads_it(document):
    raw = json.dumps(document)
    if raw.count("[") + raw.count("{") <= untrusted.MAX_JSON_DEPTH:
        assert untrusted.loads(raw) == json.loads(raw)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (b"q=%D8%B3%D9%87%D9%84", True),  # سهل
        (b"q=a+b&page=2", True),
        (b"q=%00", False),
        (b"q=%ED%A0%80", False),  # a lone surrogate as UTF-8 would write it
        (b"q=%C0%80", False),  # an overlong NUL
        (b"%FF=1", False),
    ],
)
def test_a_query_string_is_read_as_its_bytes(raw, clean):
    assert untrusted.is_clean_urlencoded(raw) is clean


def _record() -> logging.LogRecord:
    """A log record of a real database error whose text quotes the civil ID."""
    try:
        sqlite3.connect(":memory:").execute("SELECT json_extract('{}', ?)", (CIVIL_ID,))
    except sqlite3.OperationalError as error:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
        record.error = error  # as a field too
        return record
    raise AssertionError("the statement did not fail")


def test_a_database_error_is_logged_as_its_class_wherever_it_is():
    record = _record()
    assert CIVIL_ID in str(record.error)  # the database quotes the value
    record.args = (record.error,)
    record.msg = "failed: %s"
    line = JsonFormatter().format(record)
    entry = json.loads(line)
    assert CIVIL_ID not in line
    assert "sqlite3.OperationalError" in entry["exception"] and "Traceback" in entry["exception"]
    assert "SQLITE_ERROR" in entry["message"]
    as_message = _record()
    as_message.msg = as_message.error  # logger.exception(error)
    assert CIVIL_ID not in JsonFormatter().format(as_message)


def test_the_query_log_never_writes_sql_or_parameters():
    record = logging.LogRecord("django.db.backends", logging.DEBUG, __file__, 1, "query", (), None)
    record.sql, record.params, record.duration = f"SELECT '{CIVIL_ID}'", (CIVIL_ID,), 0.1
    line = JsonFormatter().format(record)
    assert CIVIL_ID not in line and json.loads(line)["duration"] == 0.1
