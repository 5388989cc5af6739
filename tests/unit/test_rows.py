"""ui.rows: a long list's rows by one string format each, escaped as Django escapes."""

from __future__ import annotations

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from sahl.ui.rows import KeptRows, RowHtml, escaped


def test_values_are_escaped_and_safe_markup_is_kept():
    row = RowHtml('<tr><td data-label="{label}">{name}</td><td>{code}</td></tr>')
    html = row.render(
        [{"name": "<script>alert(\"x\")</script> & 'co'", "code": format_html("<bdi>{}</bdi>", "A<1>")}],
        label='Name "quoted"',
    )
    assert isinstance(html, SafeString)
    assert html == (
        '<tr><td data-label="Name &quot;quoted&quot;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; '
        "&amp; &#x27;co&#x27;</td><td><bdi>A&lt;1&gt;</bdi></td></tr>"
    )


def test_escaping_is_django_s_for_every_kind_of_value():
    for value in ["a<b>&\"'", 12, None, format_html("<b>{}</b>", "<i>"), "—"]:
        assert escaped(value) == conditional_escape(value)


def test_each_row_is_rendered_in_order_and_an_empty_list_is_empty():
    row = RowHtml("<li>{n}</li>")
    assert row.render({"n": n} for n in range(3)) == "<li>0</li><li>1</li><li>2</li>"
    assert row.render([]) == ""


def test_a_kept_row_is_made_once_for_its_key_and_a_new_key_makes_it_anew():
    made: list[str] = []

    def values(name: str):
        def make():
            made.append(name)
            return {"name": name}

        return make

    kept = KeptRows(RowHtml('<li title="{name_label}">{name}</li>'), limit=3)
    first = kept.render([(("a",), values("<a>")), (("b",), values("b"))], {"name": "Name"})
    assert first == '<li title="Name">&lt;a&gt;</li><li title="Name">b</li>' and isinstance(first, SafeString)
    again = kept.render(
        [(("b",), values("changed, but under the same key")), (("a",), values("x"))], {"name": "Name"}
    )
    assert again == '<li title="Name">b</li><li title="Name">&lt;a&gt;</li>' and made == ["<a>", "b"]
    # Other labels (another language) are another row; a full store is emptied, never wrong.
    assert kept.render([(("a",), values("a"))], {"name": "الاسم"}) == '<li title="الاسم">a</li>'
    assert kept.render([(("c",), values("c")), (("d",), values("d"))], {"name": "Name"}) == (
        '<li title="Name">c</li><li title="Name">d</li>'
    )
    assert len(kept._kept) <= 3
