"""{% kept_once %}: the frame's parts rendered once per process for each value of their keys."""

from django.template import Context, Engine

ENGINE = Engine(libraries={"sahl": "sahl.ui.templatetags.sahl"})


def test_a_block_is_rendered_once_for_each_value_of_its_keys():
    page = ENGINE.from_string(
        "{% load sahl %}[{% kept_once lang staff %}{{ text }}{% endkept_once %}] {{ text }}"
    )
    assert page.render(Context({"lang": "ar", "staff": False, "text": "أ"})) == "[أ] أ"
    # Same keys: the kept HTML, whatever else changed; the rest of the page is rendered again.
    assert page.render(Context({"lang": "ar", "staff": False, "text": "ب"})) == "[أ] ب"
    assert page.render(Context({"lang": "en", "staff": False, "text": "b"})) == "[b] b"
    assert page.render(Context({"lang": "ar", "staff": True, "text": "ج"})) == "[ج] ج"


def test_what_is_kept_was_escaped_when_it_was_rendered():
    page = ENGINE.from_string("{% load sahl %}{% kept_once %}{{ text }}{% endkept_once %}")
    assert page.render(Context({"text": "<b>"})) == "&lt;b&gt;"
    assert page.render(Context({"text": "other"})) == "&lt;b&gt;"
