"""mask hides the secrets it is given, or finds in mappings of variables, in every spelling (plugin_utils/_secrets.py)."""

import json
import shlex

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.kantoo.devkit.plugins.filter.mask import FilterModule

mask = FilterModule().filters()["mask"]
MASK = "********"


def test_a_secret_named_in_a_mapping_is_masked_and_nothing_else():
    assert mask("root:iamsolame on stage4", {"ROOT_PASSWD": "iamsolame", "HOST_NAME": "stage4"}) \
        == "root:%s on stage4" % MASK


def test_secrets_are_found_at_any_depth_of_a_mapping():
    variables = {"env": {"API_TOKEN": "t0ps3cret"}, "users": [{"password": "hunter22"}]}
    assert mask("t0ps3cret and hunter22", variables) == "%s and %s" % (MASK, MASK)


def test_values_given_as_they_are_and_in_lists_are_masked():
    assert mask("a-long-value b-long-value c-long-value", "a-long-value", ["b-long-value", ["c-long-value"]]) \
        == " ".join([MASK] * 3)


def test_a_secret_is_masked_in_json_and_shell_quoting_too():
    secret = "it's \"quoted\""
    text = "json %s shell %s" % (json.dumps({"v": secret}), shlex.quote(secret))
    masked = mask(text, {"ROOT_PASSWD": secret})
    assert "quoted" not in masked, masked
    assert masked.count(MASK) == 2, masked


def test_short_values_and_no_secrets_leave_the_text_alone():
    assert mask("on 42 off", {"PASSWD": "on"}, "42", None) == "on 42 off"
    assert mask("nothing secret here") == "nothing secret here"


def test_it_takes_text_only():
    with pytest.raises(AnsibleFilterError, match="to_json or to_yaml"):
        mask({"ROOT_PASSWD": "iamsolame"}, "iamsolame")
