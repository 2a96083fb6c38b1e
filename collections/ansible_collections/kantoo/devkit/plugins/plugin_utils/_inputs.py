# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inputs of one step of a role: what its task file names, and what those name in turn.

A step depends on its task file; on every file of the role (templates, files, other task files)
whose name appears in what it depends on; on the role defaults and vars it names; and on the tree
variables it names.  A change elsewhere in the role does not rebuild the step.
"""

from __future__ import annotations

import hashlib
import os
import re

import yaml

from ansible_collections.kantoo.devkit.plugins.plugin_utils._secrets import is_secret_value, keyed_digest, project_key

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SKIPPED_DIRS = ("molecule", "__pycache__", "tests")


def sha256(data):
    if isinstance(data, str):
        data = data.encode()
    return hashlib.sha256(data).hexdigest()


class RoleInputs:
    """The files and variables of a role, read once, to find each step's inputs."""

    def __init__(self, role_dir):
        self.role_dir = role_dir
        self.files = {}
        for dirpath, dirnames, filenames in os.walk(role_dir):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                with open(path, "rb") as handle:
                    self.files[os.path.relpath(path, role_dir)] = handle.read()
        self.variables = {}
        for relative in (os.path.join("defaults", "main.yml"), os.path.join("vars", "main.yml")):
            if relative in self.files:
                self.variables.update(yaml.safe_load(self.files[relative]) or {})

    def step(self, step, steps):
        """Digests of the step's files, and the names it depends on."""
        own = os.path.join("tasks", step + ".yml")
        others = {os.path.join("tasks", s + ".yml") for s in steps} | {os.path.join("tasks", "main.yml")}
        candidates = {rel: data for rel, data in self.files.items()
                      if rel not in others and rel.split(os.sep)[0] in ("tasks", "templates", "files")}
        used = {own: self.files[own]}
        text = self.files[own].decode(errors="replace")
        names, variables = set(), {}
        changed = True
        while changed:
            changed = False
            for rel, data in candidates.items():
                if rel not in used and (rel.split(os.sep, 1)[1] in text or os.path.basename(rel) in text):
                    used[rel] = data
                    text += data.decode(errors="replace")
                    changed = True
            for name in set(IDENTIFIER.findall(text)) - names:
                names.add(name)
                if name in self.variables:
                    variables[name] = self.variables[name]
                    text += "\n" + repr(self.variables[name])
                    changed = True
        return {"files": {rel: sha256(data) for rel, data in used.items()}, "defaults": variables, "names": names}


def hashed(values, project_dir):
    """Values as digests, for the cache key and the inputs label.  A secret (see secrets.py) gets an HMAC keyed
    with the project's key, so that a label cannot be tested offline against a guessed password; the key stays
    the same across runs, so the cache still holds, and the digest still changes when the secret does."""
    digests, key = {}, None
    for name, value in sorted(values.items()):
        if is_secret_value(name, value):
            key = key or project_key(project_dir)
            digests[name] = keyed_digest(key, value)
        else:
            digests[name] = sha256(repr(value))
    return digests
