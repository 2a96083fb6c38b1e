# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stalk's steps with their inputs, as a Source: the task files of its role, or the exec plugins of its
seed-format stalk file.

A step's inputs are digests, never values: the files it reads, the role defaults and tree variables it names,
the extra vars that override those defaults, and one digest of the stalk's container options, env and mounts.
"""

from __future__ import annotations

import json
import os

from ansible_collections.kantoo.devkit.plugins.plugin_utils._inputs import RoleInputs, hashed, sha256
from ansible_collections.kantoo.devkit.plugins.plugin_utils._plan import Source, Step
from ansible_collections.kantoo.devkit.plugins.plugin_utils._role import role_steps
from ansible_collections.kantoo.devkit.plugins.plugin_utils._seed import seed_stalk
from ansible_collections.kantoo.devkit.plugins.plugin_utils._stalk_config import container_config
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import load_manifest


def stalk_source(stalk, role_dir, task_vars, produced=frozenset()):
    """The steps of the stalk's role, or of its stalk file's exec plugins when role_dir is None; produced: the
    host directories its tree writes (stalk_config.tree_outputs)."""
    container = container_config(stalk, produced)
    if role_dir is None:
        return seed_source(stalk, container)
    return role_source(stalk, role_dir, container, task_vars)


def role_source(stalk, role_dir, container, task_vars):
    """Steps of a role, each with the files, defaults, variables and overrides it names."""
    names = role_steps(role_dir)
    role = RoleInputs(role_dir)
    container_digest = _container_digest(stalk, container)
    project = stalk["kantoo_project_dir"]
    steps = []
    for name in names:
        inputs = role.step(name, names)
        variables = {k: v for k, v in stalk["kantoo_variables"].items() if k in inputs["names"]}
        overrides = {k: task_vars[k] for k in inputs["defaults"] if k in task_vars}
        steps.append(_step(stalk, name, name == names[-1], {
            "step": name, "files": dict(inputs["files"], **container["files"]),
            "defaults": hashed(inputs["defaults"], project), "variables": hashed(variables, project),
            "overrides": hashed(overrides, project), "container": container_digest}))
    return Source("role", steps, container)


def seed_source(stalk, container):
    """Steps of a seed-format stalk file: its exec plugins, with every rendered file mounted."""
    manifest = load_manifest(stalk["kantoo_manifest"])
    render_dir = os.path.join(stalk["kantoo_project_dir"], ".kantoo", "rendered", stalk["kantoo_tree"],
                              stalk["kantoo_stalk"])
    seed = seed_stalk(manifest, stalk["kantoo_variables"], stalk["kantoo_project_dir"], render_dir)
    container["mounts"] += seed["mounts"]
    container_digest = _container_digest(stalk, container)
    files = dict(seed["files"], **container["files"])
    steps = [_step(stalk, plugin["name"], plugin is seed["steps"][-1], {
        "step": plugin["name"], "files": files, "defaults": {},
        "variables": hashed(plugin["env"], stalk["kantoo_project_dir"]), "overrides": {},
        "container": container_digest},
        interpreter=plugin["interpreter"], script=plugin["script"], env=plugin["env"],
        daemonize=plugin["daemonize"], skip=plugin["skip"]) for plugin in seed["steps"]]
    return Source("seed", steps, container)


def _step(stalk, name, last, inputs, **run):
    return Step(name=name, stalk=stalk["kantoo_stalk"], tree=stalk["kantoo_tree"],
                repository=stalk["kantoo_repository"], inputs=inputs, last=last, **run)


def _container_digest(stalk, container):
    # A step's image does not hold what it wrote to a read-write mount: the same step of another checkout (another
    # artifacts directory, empty) must run again, so the host directory it writes to is one of its inputs.
    config = {"options": container["options"],
              "env": hashed(stalk.get("kantoo_env") or {}, stalk["kantoo_project_dir"]),
              "mounts": [(m["target"], m["read_only"]) + (() if m["read_only"] else (m["source"],))
                         for m in container["mounts"]]}
    return sha256(json.dumps(config, sort_keys=True, default=str))
