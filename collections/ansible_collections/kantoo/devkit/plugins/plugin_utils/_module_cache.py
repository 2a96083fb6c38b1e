# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible's AnsiballZ payloads, kept from one run to the next (the callback kantoo.devkit.module_cache).

Ansible builds a module's payload (the module and every module_utils file it imports, zipped) once per run, in
its local temporary directory, and deletes it when the run ends: about 0.15 s per module type and run here. The
store keeps those payloads between runs, one directory per ansible-core version, each as one file: a line of JSON
with the sha256 of every file the payload took from the controller, then the payload as Ansible wrote it. A
payload is kept only if each of its files is the file Ansible would take now (the module, each module_utils file,
the collection's), and handed to a later run only while each still is: a changed file makes Ansible build the
payload again, as it would without the store. A payload with a file this cannot place (a module of a role's
library/, say) is never kept. Handing over reads digests and files only, a few milliseconds.

A kept payload also carries the bytecode of each of its Python files, compiled by the controller's Python as
hash-checked .pyc entries beside them: a target whose Python has the same magic number (the step containers' here)
imports them instead of compiling the sources (ansible.module_utils.basic 0.054 s instead of 0.115 s), and
zipimport itself takes the source instead of a .pyc whose magic number or source hash does not match.
"""

from __future__ import annotations

import base64
import dataclasses
import glob
import hashlib
import importlib.util
import io
import json
import marshal
import os
import pickle
import sys
import tempfile
import zipfile

import ansible

# The package inits Ansible writes itself into every payload (namespace stubs, not the controller's files).
SYNTHESIZED = frozenset(("ansible/__init__.py", "ansible/module_utils/__init__.py"))
# Files in Ansible's cache directory that are no payload: its locks, and a payload still being written.
NOT_PAYLOADS = (".lock", "-part")
# PEP 552: a hash-based .pyc whose source hash the importer checks against the source beside it
CHECKED_HASH_PYC = (0b11).to_bytes(4, "little")


def store_dir(local_tmp):
    """Beside Ansible's own per-run directories (local_tmp is one of them), per ansible-core version and Python:
    a payload is handed over to the ansible-core that wrote it, in the format it reads, with the bytecode of that
    Python (-pyc: the stores of earlier versions of this, without it, are not read)."""
    return os.path.join(os.path.dirname(local_tmp), "kantoo-ansiballz",
                        "%s-py%d.%d-pyc" % (ansible.__version__, sys.version_info[0], sys.version_info[1]))


def run_cache_dir(local_tmp):
    """Where this run's Ansible looks for a payload before it builds one (executor/module_common.py)."""
    return os.path.join(local_tmp, "ansiballz_cache")


def role_module_utils(roles_paths, collection_paths):
    """The module_utils/ directories of the roles Ansible could load: a role adds its own to module_utils, before
    Ansible's, when it is loaded."""
    patterns = [os.path.join(path, "*", "module_utils") for path in roles_paths]
    patterns += [os.path.join(path, "ansible_collections", "*", "*", "roles", "*", "module_utils")
                 for path in collection_paths]
    return sorted(d for pattern in patterns for d in glob.glob(pattern) if os.path.isdir(d))


class Sources:
    """Where Ansible takes each file of a payload from, on this controller now.

    module_utils_dirs: the directories that come before Ansible's own module_utils (the configured ones and the
    roles'); collection_paths: in the order the collection loader searches them."""

    def __init__(self, module_utils_dirs, collection_paths):
        self._module_utils_dirs = list(module_utils_dirs)
        self._collection_paths = list(collection_paths)
        self._ansible_root = os.path.dirname(os.path.dirname(ansible.__file__))
        self._digests = {}

    def path(self, name):
        """The controller's file of a payload entry ('ansible/modules/copy.py'), or None if it has none here."""
        parts = name.split("/")
        if parts[:2] == ["ansible", "module_utils"]:
            for directory in self._module_utils_dirs:
                candidate = os.path.join(directory, *parts[2:])
                if os.path.isfile(candidate):
                    return candidate
            return os.path.join(self._ansible_root, name)
        if parts[:2] == ["ansible", "modules"]:
            return os.path.join(self._ansible_root, name)
        if parts[0] == "ansible_collections" and len(parts) > 3:
            for root in self._collection_paths:
                collection = os.path.join(root, *parts[:3])
                if os.path.isdir(collection):  # the loader takes a collection from the first path that has it
                    return os.path.join(collection, *parts[3:])
        return None  # ansible.legacy (a role's or the playbook's library/): no file to compare it with

    def digest(self, name):
        """The sha256 of an entry's file now, or None when it has no file."""
        if name not in self._digests:
            path = self.path(name)
            try:
                with open(path, "rb") as handle:
                    self._digests[name] = hashlib.sha256(handle.read()).hexdigest()
            except (OSError, TypeError):  # missing, or no path at all
                self._digests[name] = None
        return self._digests[name]


def is_synthesized(name):
    """Whether Ansible writes a payload's entry itself: the package inits down to a module and down to
    module_utils. The init of a package inside module_utils is that package's own file."""
    if name in SYNTHESIZED:
        return True
    parts = name.split("/")
    if parts[-1] != "__init__.py":
        return False
    return "module_utils" not in parts or len(parts) - parts.index("module_utils") <= 2


def payload_entries(payload):
    """{name: bytes} of a payload as Ansible caches it (a pickled executor.module_common._CachedModule)."""
    cached = pickle.loads(payload)  # nosec: Ansible's own cache of its own files, in the user's directory
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(cached.zip_data))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def is_current(digests, sources):
    """Whether each file named in digests has that digest now."""
    return all(sources.digest(name) == digest for name, digest in digests.items())


def manifest(payload, sources):
    """{name: sha256} of the payload's files that come from the controller, if each is the file Ansible would take
    now; None otherwise, or for anything that is no payload this ansible-core can read."""
    try:
        entries = payload_entries(payload)
    except Exception:  # pylint: disable=broad-exception-caught  # a truncated or foreign file
        return None
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in entries.items()
               if not is_synthesized(name) and not name.endswith(".pyc")}  # bytecode: checked against its source
    return digests if digests and is_current(digests, sources) else None


def bytecode(source, name):
    """The .pyc of a payload's Python file, hash-checked; None for a file this Python cannot compile."""
    try:
        code = compile(source, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return None
    return importlib.util.MAGIC_NUMBER + CHECKED_HASH_PYC + importlib.util.source_hash(source) + marshal.dumps(code)


def with_bytecode(payload, compiled):
    """The payload with a .pyc beside each of its Python files (see the module's doc); compiled maps a source's
    sha256 to its .pyc, shared by the payloads of a run, which import the same module_utils. A payload this cannot
    rewrite (another ansible-core's shape) is returned as it is: it is kept without bytecode."""
    try:
        cached = pickle.loads(payload)  # nosec: see payload_entries
        buffer = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(cached.zip_data))) as archive, \
                zipfile.ZipFile(buffer, "w") as out:
            for info in archive.infolist():
                if info.filename.endswith(".pyc"):  # made again below from its source: never two of a name
                    continue
                data = archive.read(info)
                out.writestr(info, data)
                if not info.filename.endswith(".py"):
                    continue
                key = hashlib.sha256(data).hexdigest()
                if key not in compiled:
                    compiled[key] = bytecode(data, info.filename)
                if compiled[key] is not None:
                    pyc = zipfile.ZipInfo(info.filename + "c", info.date_time)
                    pyc.compress_type = info.compress_type
                    out.writestr(pyc, compiled[key])
        return pickle.dumps(dataclasses.replace(cached, zip_data=base64.b64encode(buffer.getvalue())))
    except Exception:  # pylint: disable=broad-exception-caught
        return payload


def _read(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _write(path, data):
    """Written aside, then renamed: a run beside this one never reads half of it."""
    directory = os.path.dirname(path)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    handle, part = tempfile.mkstemp(dir=directory, prefix=".")
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(part, path)


def _payloads(directory):
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [name for name in names if not name.endswith(NOT_PAYLOADS) and not name.startswith(".")]


def kept_payload(record):
    """The (digests, payload) of a store's file: a line of JSON, then the payload as Ansible wrote it."""
    header, payload = record.split(b"\n", 1)  # ValueError without a line
    return json.loads(header), payload


def keep(run_cache, store, sources, handed=()):
    """Keep in the store the payloads of this run that are current, with the digests of their files; returns
    their names. Those handed to this run are not read again (Ansible writes a payload only where there is none:
    0.3 ms instead of 5 ms for 15 of them), nor stored again if the store holds them byte for byte."""
    kept, compiled = [], {}
    for name in _payloads(run_cache):
        if name in handed:
            continue
        payload, record = _read(os.path.join(run_cache, name)), _read(os.path.join(store, name))
        if payload is None or (record is not None and record.partition(b"\n")[2] == payload):
            continue
        digests = manifest(payload, sources)
        if digests is not None:
            _write(os.path.join(store, name),
                   json.dumps(digests, sort_keys=True).encode() + b"\n" + with_bytecode(payload, compiled))
            kept.append(name)
    return kept


def hand_over(store, run_cache, sources):
    """Put in this run's cache the store's payloads whose files are all as they were; returns their names.
    Only digests are compared: nothing of Ansible's is imported to do it."""
    handed = []
    for name in _payloads(store):
        try:
            digests, payload = kept_payload(_read(os.path.join(store, name)) or b"")
        except ValueError:  # not a record of this store
            continue
        if isinstance(digests, dict) and digests and is_current(digests, sources):
            _write(os.path.join(run_cache, name), payload)
            handed.append(name)
    return handed
