"""Secrets (plugin_utils/_secrets.py): which values are secret, masking them in every spelling, the project key."""

import json
import shlex

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._secrets import (
    KEY_FILE, MASK, Redactor, is_secret, keyed_digest, project_key, redact, secret_values)

SECRET = "s3cr3t 'quoted\" value"


@pytest.mark.parametrize("name, secret", [
    ("ROOT_PASSWORD", True), ("db_passwd", True), ("API_TOKEN", True), ("client_secret", True),
    ("USER", False), ("PASS", False), ("TOKENIZER", True)])
def test_a_secret_is_named_like_one(name, secret):
    assert is_secret(name) is secret


def test_secret_values_are_found_at_any_depth_and_short_ones_left_alone():
    variables = {"ROOT_PASSWORD": "hunter22", "users": [{"name": "a", "token": "abcdefghi"}],
                 "SECRETS": {"one": "longer value", "flag": True, "none": None}, "PLAIN": "visible", "PIN_TOKEN": "42"}
    assert secret_values(variables, "not a mapping", {"API_TOKEN": "hunter22"}) == [
        "longer value", "abcdefghi", "hunter22"], "longest first, each once"


@pytest.mark.parametrize("spell", [
    str, json.dumps, lambda v: json.dumps({"k": v}), repr, shlex.quote,
    lambda v: repr(["sh", "-c", "X=%s cmd" % shlex.quote(v)])])
def test_a_secret_is_masked_in_every_spelling(spell):
    text = "before %s after" % spell(SECRET)
    masked = redact(text, (SECRET,))
    assert masked.startswith("before ") and masked.endswith(" after") and MASK in masked
    assert "s3cr3t" not in masked


def test_no_secrets_no_change_and_a_redactor_learns():
    assert redact("text", ()) == "text" and redact("", ("abcd",)) == ""
    redactor = Redactor()
    assert redactor("hunter22 and abcdefgh") == "hunter22 and abcdefgh"
    redactor.learn(["hunter22"])
    redactor.learn(["abcdefgh", "hunter22"])
    assert redactor("hunter22 and abcdefgh") == "%s and %s" % (MASK, MASK)
    assert redactor(None) is None


def test_the_project_key_is_made_once_private_and_checked(tmp_path):
    key = project_key(str(tmp_path))
    assert len(key) == 32 and project_key(str(tmp_path)) == key
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o777 == 0o600
    digest = keyed_digest(key, "hunter22")
    assert digest.startswith("hmac-sha256:") and digest == keyed_digest(key, "hunter22")
    assert digest != keyed_digest(key, "hunter23") and digest != keyed_digest(b"x" * 32, "hunter22")
    (tmp_path / KEY_FILE).write_bytes(b"short")
    with pytest.raises(ValueError, match="is not a kantoo key"):
        project_key(str(tmp_path))
