# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One run at a time per tree: a lock file holding the pid of the ansible-playbook that grows it.

A lock whose process is gone (a run that ended or was killed) is taken over; nothing releases it.
"""

from __future__ import annotations

import os

from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def acquire(project, tree, owner):
    """Take {project}/.kantoo/{tree}.lock for the process owner, or say who holds it."""
    directory = os.path.join(project, ".kantoo")
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, tree + ".lock")
    while True:
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                with open(path, encoding="utf-8") as handle:
                    holder = int(handle.read().strip() or 0)
            except (OSError, ValueError):
                holder = 0
            if holder == owner:
                return path
            if holder and _alive(holder):
                raise TreeError("tree '%s' is being grown by another run (process %d, lock %s); wait for it to "
                                "finish, or stop it with: kill %d" % (tree, holder, path, holder))
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass
            continue
        with os.fdopen(descriptor, "w") as handle:
            handle.write("%d\n" % owner)
        return path
