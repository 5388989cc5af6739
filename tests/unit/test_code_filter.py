"""`|code`: a code as one left-to-right unit, escaped like any value (it is often what a person typed)."""

from django.utils.safestring import mark_safe

from sahl.ui.templatetags.sahl import code


def test_a_code_is_isolated_and_escaped_and_what_is_safe_stays_as_it_is():
    assert code("2026-0000001") == '<bdi dir="ltr" class="code">2026-0000001</bdi>'
    assert code('<script>"x" & y</script>') == (
        '<bdi dir="ltr" class="code">&lt;script&gt;&quot;x&quot; &amp; y&lt;/script&gt;</bdi>'
    )
    assert code(mark_safe("<i>K1</i>")) == '<bdi dir="ltr" class="code"><i>K1</i></bdi>'
    assert code(12) == '<bdi dir="ltr" class="code">12</bdi>'
    assert hasattr(code("x"), "__html__")  # safe: not escaped again where it is put in
