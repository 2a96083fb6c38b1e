# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: module_cache
type: notification
short_description: Keeps the modules Ansible builds (AnsiballZ payloads) from one run to the next
version_added: 0.3.0
description:
  - Ansible builds each module it runs (the module and the module_utils it imports, zipped) once per run and
    deletes it when the run ends. This callback keeps those payloads in
    C(kantoo-ansiballz/<ansible-core version>-py<Python version>-pyc/) beside Ansible's local temporary directories
    (C(~/.ansible/tmp) unless C(ANSIBLE_LOCAL_TEMP) says otherwise) and hands them to the next run before its
    first task, so that a run spends no time building a module that an earlier run built. About 0.15 s per
    module type and run.
  - A payload is kept and handed over only while every file in it is, byte for byte, the file Ansible would take
    it from now (the module, its module_utils, the collection's files). A changed module or module_utils file
    makes Ansible build its payload again, as it would without this callback. A module of a role's or
    playbook's C(library/) is never kept.
  - A kept payload also carries, beside each of its Python files, its bytecode, compiled by the controller's Python
    as a hash-checked C(.pyc). A target whose Python has the same magic number (a Python of the same minor version)
    imports it instead of compiling the source, about 0.06 s less for the first module a process runs here; any
    other target imports the sources, as zipimport does with a C(.pyc) whose magic number or source hash does not
    match. The payloads sent are about 2.8 times larger for it.
  - Ansible looks for a module_utils file in the configured module_utils paths and in the C(module_utils/) of the
    roles it loads before its own. This callback looks in the configured paths, the roles paths, the playbook's
    C(roles/) and directory, and the collections' roles; a role found elsewhere whose C(module_utils/) shadows
    one of Ansible's own files is not seen. Disable the callback for such a project.
  - Enable it with C(callbacks_enabled = kantoo.devkit.module_cache) in C(ansible.cfg).
requirements:
  - enabled in configuration
"""

import os

from ansible import constants as C
from ansible.plugins.callback import CallbackBase
from ansible.utils.collection_loader import AnsibleCollectionConfig

from ansible_collections.kantoo.devkit.plugins.plugin_utils._module_cache import (
    Sources, hand_over, keep, role_module_utils, run_cache_dir, store_dir)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "kantoo.devkit.module_cache"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._roles_paths = list(C.DEFAULT_ROLES_PATH)
        self._handed = []

    def _sources(self):
        collection_paths = AnsibleCollectionConfig.collection_paths
        module_utils = role_module_utils(self._roles_paths, collection_paths)
        module_utils += [p for p in C.DEFAULT_MODULE_UTILS_PATH if os.path.isdir(p)]
        return Sources(module_utils, collection_paths)

    # before the first task: the workers Ansible forks find the payloads where they look first
    def v2_playbook_on_start(self, playbook):
        # Ansible also looks for a role in the playbook's roles/ and beside the playbook
        basedir = playbook._basedir  # pylint: disable=protected-access
        self._roles_paths += [os.path.join(basedir, "roles"), basedir]
        self._handed = hand_over(store_dir(C.DEFAULT_LOCAL_TMP), run_cache_dir(C.DEFAULT_LOCAL_TMP), self._sources())
        self._display.vvv("module_cache: %d module(s) from earlier runs" % len(self._handed))

    def v2_playbook_on_stats(self, stats):
        kept = keep(run_cache_dir(C.DEFAULT_LOCAL_TMP), store_dir(C.DEFAULT_LOCAL_TMP), self._sources(),
                    frozenset(self._handed))
        self._display.vvv("module_cache: %d module(s) kept for later runs" % len(kept))
