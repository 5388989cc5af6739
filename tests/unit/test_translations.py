"""Every text of the pages has its Arabic, and the compiled catalogue matches the source."""

import gettext
import re
from pathlib import Path

LOCALE = Path(__file__).resolve().parents[2] / "src" / "sahl" / "locale" / "ar" / "LC_MESSAGES"


def unescape(text: str) -> str:
    """A .po string's escapes (\\n, \\", \\\\, \\t) as the characters they stand for."""
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def entries() -> list[tuple[str, str]]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    found = []
    for block in text.split("\n\n"):
        if "msgid_plural" in block:
            continue
        msgctxt = re.search(r'^msgctxt ((?:".*"\n?)+)', block, re.M)
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        msgstr = re.search(r'^msgstr ((?:".*"\n?)+)', block, re.M)
        if msgid and msgstr:
            join = lambda part: unescape("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', part)))  # noqa: E731
            if join(msgid.group(1)):
                # A text with a context is looked up as "context\x04text" (what pgettext does).
                context = join(msgctxt.group(1)) + "\x04" if msgctxt else ""
                found.append((context + join(msgid.group(1)), join(msgstr.group(1))))
    return found


def test_every_text_is_translated_and_nothing_is_fuzzy():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    untranslated = [msgid for msgid, msgstr in entries() if not msgstr]
    assert untranslated == []
    assert len(entries()) > 100


def test_the_compiled_catalogue_is_up_to_date():
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [msgid for msgid, msgstr in entries() if catalogue.gettext(msgid) != msgstr]
    assert stale == [], "run `make messages` (or msgfmt) to recompile django.mo"
