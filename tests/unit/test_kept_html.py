"""ui.kept_html: HTML kept with the very object it was rendered from, and only while that object is."""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from sahl.ui.kept_html import KeptHtml


class Owner:
    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:  # as model instances compare: by their key
        return isinstance(other, Owner) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)


def rendering(owner: Owner, calls: list[str]):  # type: ignore[no-untyped-def]
    def render() -> SafeString:
        calls.append(owner.name)
        return mark_safe(f"<p>{owner.name} {len(calls)}</p>")  # noqa: S308 - the test's own text

    return render


def test_the_html_is_rendered_once_per_object_and_key():
    kept, calls, service = KeptHtml(limit=10), [], Owner("passport")
    first = kept.get(service, "ar", rendering(service, calls))
    assert kept.get(service, "ar", rendering(service, calls)) == first == "<p>passport 1</p>"
    assert kept.get(service, "en", rendering(service, calls)) == "<p>passport 2</p>"
    assert calls == ["passport", "passport"]


def test_an_equal_object_of_a_later_generation_is_rendered_anew():
    kept, calls = KeptHtml(limit=10), []
    old, new = Owner("passport"), Owner("passport")
    kept.get(old, "ar", rendering(old, calls))
    assert kept.get(new, "ar", rendering(new, calls)) == "<p>passport 2</p>"


def test_the_store_is_emptied_at_its_limit():
    kept, calls = KeptHtml(limit=2), []
    owners = [Owner(str(n)) for n in range(3)]
    for owner in owners:
        kept.get(owner, "ar", rendering(owner, calls))
    kept.get(owners[0], "ar", rendering(owners[0], calls))
    assert calls == ["0", "1", "2", "0"]  # the third emptied the store: the first is rendered again
