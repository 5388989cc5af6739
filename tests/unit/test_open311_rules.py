"""Open311's pure rules: w3 dates and the 90-day window, the answer's language, attribute answers,
the XML writer's escaping."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from sahl.core.bilingual import BilingualText
from sahl.open311 import formats, rules
from sahl.open311.rules import Open311Error

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-01T00:00:00Z", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        ("2026-01-01T03:00:00+03:00", dt.datetime(2026, 1, 1, tzinfo=dt.UTC)),
        ("2026-01-01", dt.datetime(2025, 12, 31, 21, 0, tzinfo=dt.UTC)),  # midnight in Kuwait
        ("2026-01-01T10:30", dt.datetime(2026, 1, 1, 7, 30, tzinfo=dt.UTC)),
    ],
)
def test_w3_dates(text, expected):
    assert rules.parse_w3(text, "start_date") == expected


@pytest.mark.parametrize(
    "text", ["yesterday", "2026-13-01", "2026-02-30", "01/02/2026", "2026-01-01T00:00:00+15:00"]
)
def test_what_is_not_a_w3_date_is_refused(text):
    with pytest.raises(Open311Error) as refused:
        rules.parse_w3(text, "start_date")
    assert refused.value.status == 400 and "start_date" in refused.value.description("en")


def test_the_window_is_90_days_at_most_and_the_last_90_by_default():
    assert rules.date_range("", "", NOW) == (NOW - dt.timedelta(days=90), NOW)
    since, until = rules.date_range("2026-01-01T00:00:00Z", "", NOW)
    assert until - since == dt.timedelta(days=90)
    since, until = rules.date_range("", "2026-06-01T00:00:00Z", NOW)
    assert until - since == dt.timedelta(days=90)
    with pytest.raises(Open311Error, match="90 days"):
        rules.date_range("2026-01-01T00:00:00Z", "2026-04-02T00:00:00Z", NOW)
    with pytest.raises(Open311Error, match="before"):
        rules.date_range("2026-02-01T00:00:00Z", "2026-01-01T00:00:00Z", NOW)


def test_timestamps_are_written_in_kuwait_time():
    assert rules.w3(dt.datetime(2026, 12, 1, 8, 1, 54, 999, tzinfo=dt.UTC)) == "2026-12-01T11:01:54+03:00"
    assert rules.end_of_day(dt.date(2026, 12, 8)) == "2026-12-08T23:59:59+03:00"


@pytest.mark.parametrize(
    ("header", "language"),
    [("", "en"), ("ar", "ar"), ("ar-KW,ar;q=0.9,en;q=0.8", "ar"), ("en;q=0.9,ar;q=0.5", "en"), ("fr", "en")],
)
def test_the_answer_is_english_unless_arabic_is_preferred(header, language):
    assert rules.language(header) == language


def test_statuses_map_to_complaint_states():
    assert rules.states_for(["open"]) == rules.OPEN_STATES
    assert set(rules.states_for(["closed", "open"])) == set(rules.OPEN_STATES + rules.CLOSED_STATES)
    assert rules.status_of("waiting") == "open" and rules.status_of("resolved") == "closed"
    with pytest.raises(Open311Error):
        rules.states_for(["pending"])


SIZE = rules.attribute_from(
    {
        "code": "size",
        "datatype": "singlevaluelist",
        "required": True,
        "description": {"ar": "ما حجمها؟", "en": "How big is it?"},
        "values": [{"key": "small", "name": {"ar": "صغيرة", "en": "Small"}}],
    }
)
DETAILS = rules.attribute_from(
    {"code": "details", "datatype": "text", "description": {"ar": "تفاصيل", "en": "Details"}}
)


def test_attribute_answers_are_checked_and_written_for_the_agency():
    given = rules.attribute_answers(
        {"attribute[size]": ["small"], "attribute[details]": [" near the co-op "]}
    )
    answers = rules.check_answers("pothole", [SIZE, DETAILS], given)
    assert [a.text for a in answers] == [
        BilingualText("صغيرة", "Small"),
        BilingualText("near the co-op", "near the co-op"),
    ]
    described = rules.with_answers("A hole", answers)
    assert (
        described == "A hole\n\nما حجمها؟ / How big is it?: صغيرة / Small\nتفاصيل / Details: near the co-op"
    )
    for wrong in ({"size": ["huge"]}, {"colour": ["red"]}, {}, {"size": ["small", "small"]}):
        with pytest.raises(Open311Error):
            rules.check_answers("pothole", [SIZE, DETAILS], wrong)


def test_a_definition_with_values_on_a_text_attribute_is_refused():
    with pytest.raises(ValueError, match="values"):
        rules.attribute_from(
            {
                "code": "x",
                "datatype": "text",
                "description": {"ar": "س", "en": "x"},
                "values": [{"key": "a", "name": {"ar": "أ", "en": "a"}}],
            }
        )


def test_xml_follows_the_spark_convention_and_escapes_text():
    document = [
        {"code": 400, "description": 'a <b>&"\x07', "flag": True, "none": None, "values": [{"key": 1}]}
    ]
    root = ET.fromstring(formats.to_xml("errors", document))  # noqa: S314 - our own output
    assert root.tag == "errors" and root[0].tag == "error"
    assert root.findtext("error/description") == 'a <b>&"' and root.findtext("error/flag") == "true"
    assert root.find("error/none").text is None and root.findtext("error/values/value/key") == "1"
