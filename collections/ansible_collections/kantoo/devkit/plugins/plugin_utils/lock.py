# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One run at a time per tree, and the order of stalks within a run.

The lock file holds the pid of the ansible-playbook that grows the tree; a lock whose process is gone
(a run that ended or was killed) is taken over, so nothing needs to release it.
"""

from __future__ import annotations

import os
import shutil
import time

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


# Within a run, sibling stalks grow at once; a child waits for its parent's marker.

def run_dir(project, owner):
    return os.path.join(project, ".kantoo", "run", str(owner))


def mark(project, owner, stalk, ok):
    directory = run_dir(project, owner)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, stalk + (".ok" if ok else ".failed")), "w", encoding="utf-8"):
        pass


def wait_for(project, owner, stalk, poll=0.2):
    """Wait until stalk is done in this run: True when it grew, False when it failed."""
    directory = run_dir(project, owner)
    while True:
        if os.path.exists(os.path.join(directory, stalk + ".ok")):
            return True
        if os.path.exists(os.path.join(directory, stalk + ".failed")):
            return False
        time.sleep(poll)


def forget_finished_runs(project):
    """Markers of runs whose process is gone."""
    base = os.path.join(project, ".kantoo", "run")
    for name in os.listdir(base) if os.path.isdir(base) else []:
        if name.isdigit() and not _alive(int(name)):
            shutil.rmtree(os.path.join(base, name), ignore_errors=True)
