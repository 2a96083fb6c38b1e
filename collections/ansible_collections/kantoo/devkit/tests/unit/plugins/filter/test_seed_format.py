"""seed_format substitutes {VAR} as the seed does (plugin_utils/_seed.py), and says what a text lacks."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.kantoo.devkit.plugins.filter.seed_format import FilterModule

seed_format = FilterModule().filters()["seed_format"]


def test_every_field_is_replaced_and_double_braces_are_literal():
    text = "ROOT={ROOT_DEVICE} BOOT={BOOT_DEVICE} again {ROOT_DEVICE} {{literal}}"
    assert seed_format(text, {"ROOT_DEVICE": "/dev/sda2", "BOOT_DEVICE": "/dev/sda1", "UNUSED": "x"}) \
        == "ROOT=/dev/sda2 BOOT=/dev/sda1 again /dev/sda2 {literal}"


def test_values_that_are_not_text_are_written_as_python_writes_them():
    assert seed_format("{JOBS} {ON}", {"JOBS": 3, "ON": True}) == "3 True"


@pytest.mark.parametrize("text, says", [
    ("echo {MISSING}", r"the text has \{MISSING\}, which variables does not set"),
    ("echo {", "the text's braces do not parse"),
    ("echo }", "the text's braces do not parse"),
])
def test_strict_says_what_the_text_lacks(text, says):
    with pytest.raises(AnsibleFilterError, match=says):
        seed_format(text, {"OTHER": "x"})


@pytest.mark.parametrize("text", ["echo {MISSING}", "a { b", "int main() { return 0; }"])
def test_not_strict_gives_a_text_it_cannot_substitute_as_it_is(text):
    assert seed_format(text, {"OTHER": "x"}, strict=False) == text


def test_not_strict_still_substitutes_what_it_can():
    assert seed_format("{HOST_NAME}", {"HOST_NAME": "stage4"}, strict=False) == "stage4"


@pytest.mark.parametrize("text, variables, says", [
    (None, {}, "its input must be text"),
    ("{A}", ["A"], "variables must be a mapping"),
])
def test_it_refuses_what_is_no_text_or_no_mapping(text, variables, says):
    with pytest.raises(AnsibleFilterError, match=says):
        seed_format(text, variables)
