"""{% kept_once %}: the frame's parts rendered once per process for each value of their keys."""

import pytest
from django.template import Context, Engine, TemplateSyntaxError
from django.template.defaulttags import IfNode

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


def test_a_block_cannot_be_kept_and_what_is_kept_is_not_searched():
    """`{% extends %}` searches its base template for blocks on every render; what is kept holds
    none (refused), so that search skips it."""
    with pytest.raises(TemplateSyntaxError, match="cannot be kept"):
        ENGINE.from_string("{% load sahl %}{% kept_once %}{% block a %}{% endblock %}{% endkept_once %}")
    page = ENGINE.from_string("{% load sahl %}{% kept_once %}{% if x %}{{ x }}{% endif %}{% endkept_once %}")
    assert page.nodelist.get_nodes_by_type(IfNode) == []
