# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets: which values are secret, masking them in text, and the project key that labels are keyed with.

A value is secret when the variable holding it is named like a secret (PASSWD, PASSWORD, SECRET or TOKEN
in the name, at any depth of a mapping) or when it is an Ansible Vault value, or was templated from one.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
import shlex

try:  # ansible-core >= 2.19: vault values, and values templated from them, say so
    from ansible.parsing.vault import VaultHelper
except ImportError:
    VaultHelper = None

SECRET = re.compile(r"PASSWD|PASSWORD|SECRET|TOKEN", re.IGNORECASE)
MASK = "********"
# A value shorter than this is not masked: masking "on" or "42" would garble every line that holds those
# letters, and a secret that short is no secret to anyone who tries.
MIN_LENGTH = 4
KEY_FILE = os.path.join(".kantoo", "secret.key")


def is_secret(name):
    return bool(SECRET.search(str(name)))


def is_vaulted(value):
    if VaultHelper is not None:
        try:
            return VaultHelper.get_ciphertext(value, with_tags=False) is not None
        except Exception:  # a value that cannot say what it is, is not a vault value
            return False
    return bool(getattr(value, "__ENCRYPTED__", False))  # AnsibleVaultEncryptedUnicode before 2.19


def _leaves(value, depth=0):
    """The scalars of a value; a vault value is one scalar, opened by str()."""
    if depth > 20:
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item, depth + 1)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _leaves(item, depth + 1)
    elif not isinstance(value, (bool, type(None))):
        yield value


def _found(mapping, depth=0):
    """Secret values in one mapping of variables: under secret names, and vault values under any name.
    Only plain dicts are walked: hostvars and other lazy mappings would pull in every other host."""
    for name, value in mapping.items():
        if is_secret(name):
            yield from _leaves(value)
        elif is_vaulted(value):
            yield value
        elif isinstance(value, (dict, list, tuple)) and depth < 20:
            items = value.items() if isinstance(value, dict) else enumerate(value)
            yield from _found(dict((str(k), v) for k, v in items), depth + 1)


def secret_values(*mappings):
    """The secret values of the given mappings of variables, as text, longest first."""
    values = set()
    for mapping in mappings:
        if isinstance(mapping, dict):
            for value in _found(mapping):
                try:
                    text = str(value)  # opens a vault value
                except Exception:  # a vault value this run has no password for: it cannot print it either
                    continue
                if len(text) >= MIN_LENGTH:
                    values.add(text)
    return sorted(values, key=len, reverse=True)


# How output may spell a value: inside JSON (both ways Ansible writes it), inside a Python repr (error messages,
# the command lines -vvv shows), shell-quoted, or inside a shell-quoted string.
ESCAPES = (
    lambda v: json.dumps(v)[1:-1],
    lambda v: json.dumps(v, ensure_ascii=False)[1:-1],
    lambda v: repr(v)[1:-1],
    lambda v: v.replace("\\", "\\\\").replace("'", "\\'"),
    shlex.quote,
    lambda v: v.replace("'", "'\"'\"'"),
)


def _spellings(value, depth=3):
    """The value and its spellings, escaped up to depth times over (a quoted env value in a quoted command
    in a repr'd list: the command line that -vvv shows)."""
    forms = {value}
    for _round in range(depth):
        forms |= {escape(form) for form in forms for escape in ESCAPES}
    return [form for form in forms if len(form) >= MIN_LENGTH]


@functools.lru_cache(maxsize=16)
def _pattern(secrets):
    forms = sorted({form for value in secrets for form in _spellings(value)}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, forms))) if forms else None


def redact(text, secrets):
    """text with every secret value, in every spelling, replaced by MASK."""
    pattern = _pattern(tuple(secrets))
    return pattern.sub(MASK, text) if pattern is not None and text else text


class Redactor:
    """The secrets a run has learnt so far, growing as it learns more."""

    def __init__(self):
        self.secrets = ()

    def learn(self, values):
        known = set(self.secrets)
        if not known.issuperset(values):
            self.secrets = tuple(sorted(known.union(values), key=len, reverse=True))

    def __call__(self, text):
        return redact(text, self.secrets) if isinstance(text, str) else text


def mask_display(redactor):
    """Every line Ansible's Display prints or logs (any callback's, warnings, errors, log_path), redacted.

    Workers hand their lines to the main process over a queue, and the main process prints them
    through Display.display too, so patching the class in the main process covers them."""
    from ansible.utils.display import Display

    for name in ("display", "_log"):
        original = getattr(Display, name)
        if getattr(original, "kantoo_redactor", None) is not None:
            original.kantoo_redactor[0] = redactor  # a second callback instance in the same process
            continue
        setattr(Display, name, _masking(original, [redactor]))


def _masking(original, holder):
    """original with its message redacted by holder[0], which a later callback instance may replace."""
    def masked(self, msg, *args, **kwargs):
        return original(self, holder[0](msg), *args, **kwargs)

    functools.update_wrapper(masked, original)
    masked.kantoo_redactor = holder
    return masked


def project_key(project_dir):
    """The project's own key for labels, <project>/.kantoo/secret.key, made on first use.  It never enters
    an image: .kantoo/ is not mounted, and only keyed digests made with it reach a label."""
    path = os.path.join(project_dir, KEY_FILE)
    try:
        with open(path, "rb") as handle:
            key = handle.read()
    except FileNotFoundError:
        key = _make_key(path)
    if len(key) < 32:
        raise ValueError("%s is not a kantoo key (it is %d bytes long, a key is 32 or more); remove it and run again "
                         "to make a new one (every step holding a secret is then built again)" % (path, len(key)))
    return key


def _make_key(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # written whole under a name of its own, then linked into place: parallel workers all end up with one key
    partial = "%s.%d" % (path, os.getpid())
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(os.urandom(32))
    try:
        os.link(partial, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(partial)
    with open(path, "rb") as handle:
        return handle.read()


def plain(value):
    """A value with vault values opened, so that its digest follows the secret, not its ciphertext."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value) if is_vaulted(value) else value


def keyed_digest(key, value):
    """HMAC-SHA256 of a secret value: it changes with the value, and without the key tells nothing about it."""
    return "hmac-sha256:" + hmac.new(key, repr(plain(value)).encode(), hashlib.sha256).hexdigest()


def is_secret_value(name, value):
    return is_secret(name) or any(is_vaulted(v) for v in _leaves(value))
