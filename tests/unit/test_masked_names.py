"""A name partly hidden (core.masked_names): the first letter of each name and a mask per hidden
letter, in Arabic and English, readable as a name (articles, particles and compound names)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sahl.core.bilingual import BilingualText
from sahl.core.masked_names import masked, masked_name


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        # Arabic: each name keeps its first letter; the family's article stays with the letter after it
        ("محمد سالم المطيري", "م*** س*** الم****"),
        ("فاطمة العتيبي", "ف**** الع****"),
        ("أحمد الرشيدي", "أ*** الر****"),
        # a compound given name in two words is one name: its first word stays, the second is masked
        ("عبد الله محمد العنزي", "عبد الل* م*** الع***"),
        ("عبد الرحمن خالد", "عبد الر*** خ***"),
        ("أبو بكر الحربي", "أبو ب** الح***"),
        # ...and written as one word, it is one name like any other
        ("عبدالله الكندري", "ع****** الك****"),
        # son of, and the family "آل"
        ("سعود بن فهد آل سعود", "س*** بن ف** آل س***"),
        # diacritics and tatweel are not letters
        ("مُحَمَّد عـلي", "م*** ع**"),
        # English: the article joined by a hyphen, or apart
        ("Mohammad Salem Al-Mutairi", "M******* S**** Al-M******"),
        ("Fatima Al Otaibi", "F***** Al O*****"),
        ("Abdul Rahman bin Khalid", "Abdul R***** bin K*****"),
        ("Abdullah Al-Kandari", "A******* Al-K******"),
        ("Rajesh Kumar", "R***** K****"),
        # punctuation stays, extra spaces go
        ("Sean  O'Brien ", "S*** O'*****"),
    ],
)
def test_each_name_keeps_its_first_letter(name, shown):
    assert masked(name) == shown


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("J. Smith", "J. S****"),
        ("A B", "A B"),
        ("ع", "ع"),
        ("Li", "L*"),
        ("Ali Al", "A** A*"),  # a particle that ends the name is a name: masked
        ("سالم بن", "س*** ب*"),
        ("ال", "ا*"),  # the article alone is not kept either
    ],
)
def test_one_letter_names_and_particles_at_the_end(name, shown):
    assert masked(name) == shown


def test_both_languages_are_masked_by_the_same_rule():
    name = BilingualText("خالد عبد العزيز الشمري", "Khalid Abdul Aziz Al-Shammari")
    assert masked_name(name) == BilingualText("خ*** عبد الع*** الش***", "K***** Abdul A*** Al-S*******")


@given(st.lists(st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويةءأإآ", min_size=1, max_size=12), min_size=1))
def test_no_more_than_the_first_letter_of_a_plain_name_is_shown_and_the_length_is_kept(words):
    name = " ".join(words)
    shown = masked(name)
    assert len(shown) == len(name)
    for word, mask in zip(words, shown.split(" "), strict=True):
        visible = [c for c in mask if c != "*"]
        # the first letter, or the article and the letter after it, or the whole of a kept particle
        assert mask == word or "".join(visible) == word[: len(visible)]
        assert len(visible) <= 3
