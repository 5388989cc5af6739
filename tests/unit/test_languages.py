"""Code text read in a language other than the request's (core.languages)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from sahl.core import languages
from sahl.core.bilingual import BilingualText


def test_a_lazy_text_reads_in_each_language_however_often_it_is_asked():
    text = _("My applications")
    for _round in range(3):
        assert languages.in_both(text) == {"ar": "معاملاتي", "en": "My applications"}
    with override("en"):  # the request's language changes nothing
        assert languages.in_language(text, "ar") == "معاملاتي"


def test_translations_kept_per_text_object_never_answer_for_another():
    first, second = _("My applications"), _("Inbox")
    assert languages.in_language(first, "en") == "My applications"
    del first  # its id may be taken by the next object: the kept pair names the object itself
    assert languages.in_language(_("Services"), "en") == "Services"
    assert languages.in_language(second, "ar") != languages.in_language(_("My applications"), "ar")


def test_the_kept_translations_stay_bounded():
    for n in range(languages._TRANSLATED_MOST + 10):
        languages.in_language(_("Services") if n % 2 else _("Inbox"), "ar")
    assert len(languages._TRANSLATED) <= languages._TRANSLATED_MOST


def test_data_in_both_languages_is_read_from_its_fields():
    assert languages.in_language(BilingualText("أ", "a"), "en-gb") == "a"
