"""What a page says in a language other than its own: Latin words on an Arabic page, Arabic letters
on an English page.

Left out, because they are right as they are:
- what a person never reads (scripts, styles, templates, SVG drawings);
- text marked as another language (`lang="en"` on the language switch's "English");
- text a person typed, which Sahl cannot translate, marked `dir="auto"` (a report's description);
- codes isolated from the text around them: a `<bdi>` or `dir="ltr"` element, or a run between the
  Unicode isolates U+2066-U+2068 and U+2069 (inside an <option>, which holds no markup), whose text
  is one code: letters and digits with at least one digit, joined by - / . _ : and no space, or a
  file format's name (PDF). An isolated "Passport K123" is two words, not a code, and is reported.

Read: visible text, and the attributes a person hears or sees (aria-label, alt, title, placeholder,
a button's value)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]+")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]+")
CODE = re.compile(r"(?=[^\d]*\d)[A-Za-z0-9\u0660-\u0669][A-Za-z0-9\u0660-\u0669\-/._:+]*")
ISOLATED = re.compile("[\u2066\u2067\u2068]([^\u2069]*)\u2069")
UNSEEN = {"script", "style", "template", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")


# File formats are named by their codes in Arabic too (there is no Arabic "PDF"); isolated, they pass.
FORMATS = {"PDF", "JPEG", "PNG", "WEBP", "HEIC", "MP3", "M4A", "WAV", "WEBM", "OGG", "JSON", "CSV"}


def is_code(text: str) -> bool:
    return bool(CODE.fullmatch(text.strip())) or text.strip() in FORMATS


def _foreign(text: str, language: str) -> list[str]:
    text = ISOLATED.sub(lambda m: " " if is_code(m.group(1)) else f" {m.group(1)} ", text)
    return (LATIN if language == "ar" else ARABIC).findall(text)


class _Reader(HTMLParser):
    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        # Open elements: (tag, skipped because of what it is, isolated code whose text waits)
        self.stack: list[tuple[str, bool, list[str] | None]] = []
        self.found: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _, skip, _ in self.stack)

    def _code(self) -> list[str] | None:
        return next((code for _, _, code in reversed(self.stack) if code is not None), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        other_language = bool(a.get("lang")) and not a["lang"].startswith(self.language)
        skip = tag in UNSEEN or other_language or a.get("dir") == "auto"
        if not skip and not self._skipping():
            for name in READ_ATTRIBUTES:
                if a.get(name):
                    self.found += _foreign(a[name], self.language)
            if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
                self.found += _foreign(a["value"], self.language)
        if tag in VOID:
            return
        isolated = tag == "bdi" or a.get("dir") == "ltr"
        self.stack.append((tag, skip, [] if isolated else None))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        while self.stack:
            open_tag, _, code = self.stack.pop()
            if code is not None and not self._skipping():
                text = "".join(code)
                if not is_code(text):
                    outer = self._code()
                    if outer is not None:
                        outer.append(text)
                    else:
                        self.found += _foreign(text, self.language)
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        if self._skipping():
            return
        code = self._code()
        if code is not None:
            code.append(data)
        else:
            self.found += _foreign(data, self.language)


def foreign_words(html: str, language: str) -> list[str]:
    """The words of `html` written in a language other than `language` ("ar" or "en")."""
    reader = _Reader(language)
    reader.feed(html)
    reader.close()
    return reader.found
