"""YAML is read through libyaml (core.yaml_text): the same values as PyYAML's pure-Python reader, in a
tenth of the time, and an alias is still seen before any value is built."""

from __future__ import annotations

import pytest
import yaml

from sahl.catalogue.files import DEFINITIONS
from sahl.core import yaml_text


def test_the_c_parser_reads_yaml_here():
    assert yaml.__with_libyaml__ and yaml_text.SAFE_LOADER is yaml.CSafeLoader


def test_the_catalogues_files_read_the_same_as_with_the_pure_python_reader():
    files = sorted(DEFINITIONS.rglob("*.yaml"))[::10]  # every tenth: the Python reader is slow
    assert len(files) > 20
    for path in files:
        text = path.read_bytes()
        assert yaml_text.load(text) == yaml.load(text, Loader=yaml.SafeLoader), path.name


def test_an_alias_is_a_token_before_it_is_a_value():
    text = "a: &x [1, 2]\nb: *x\n"
    assert any(isinstance(token, yaml.AliasToken) for token in yaml_text.tokens(text))
    assert not any(isinstance(token, yaml.AliasToken) for token in yaml_text.tokens("a: [1, 2]\n"))


def test_a_mistake_in_the_text_names_its_line():
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        yaml_text.load("a: 1\nb: [2,\n")
    assert raised.value.problem_mark is not None and raised.value.problem_mark.line >= 1
