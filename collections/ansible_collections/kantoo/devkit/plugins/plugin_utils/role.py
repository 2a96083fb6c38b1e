# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a stalk's steps come from: the role of its name (one task file per step, listed by tasks/main.yml),
or the exec plugins of its seed-format stalk file."""

from __future__ import annotations

import os

import yaml
from ansible import constants as C

from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError, check_step_name, load_manifest

INCLUDE_ACTIONS = ("ansible.builtin.include_tasks", "ansible.builtin.import_tasks", "include_tasks", "import_tasks")


def role_steps(role_dir):
    """The steps of a role: the task files that tasks/main.yml includes, in order."""
    main = os.path.join(role_dir, "tasks", "main.yml")
    try:
        with open(main, encoding="utf-8") as handle:
            tasks = yaml.safe_load(handle) or []
    except (OSError, yaml.YAMLError) as exc:
        raise TreeError("%s: cannot read the list of steps: %s" % (main, exc))
    steps = []
    for number, task in enumerate(tasks, 1):
        target = next((task[k] for k in INCLUDE_ACTIONS if isinstance(task, dict) and k in task), None)
        if isinstance(target, dict):
            target = target.get("file")
        if not isinstance(target, str) or not target.endswith(".yml") or "{{" in target or "/" in target:
            raise TreeError("%s: task %d is not a step; list each step as 'ansible.builtin.import_tasks: <step>.yml'"
                            % (main, number))
        check_step_name(target[:-len(".yml")], "%s: task %d (import_tasks: %s)" % (main, number, target))
        if not os.path.isfile(os.path.join(role_dir, "tasks", target)):
            raise TreeError("%s: task %d names %s, which is not in %s; create it or fix the name"
                            % (main, number, target, os.path.join(role_dir, "tasks")))
        steps.append(target[:-len(".yml")])
    if not steps:
        raise TreeError("%s: lists no steps" % main)
    return steps


def find_role(name, search_paths):
    for base in search_paths:
        path = os.path.join(base, name)
        if os.path.isfile(os.path.join(path, "tasks", "main.yml")):
            return path
    return None


def steps_source(stalk, playbook_dir, mode="auto"):
    """The stalk's role directory, or None for the exec plugins of its seed-format stalk file; and an error.

    mode: role, seed, or auto: a role of the tree's own project, else the stalk file's exec plugins,
    else a role of the playbook's directory or roles_path.
    """
    name = stalk["kantoo_stalk"]
    own = [os.path.join(stalk["kantoo_project_dir"], "roles")]
    others = list(dict.fromkeys([os.path.join(playbook_dir, "roles")]
                                + [os.path.abspath(p) for p in C.DEFAULT_ROLES_PATH]))
    manifest = stalk.get("kantoo_manifest")
    try:
        plugins = load_manifest(manifest)["plugins"] if manifest else {}
    except TreeError as exc:
        return None, str(exc)
    has_exec = any(isinstance(p, dict) and p.get("exec") for p in plugins.values())
    role_dir = find_role(name, own) or (None if has_exec and mode != "role" else find_role(name, others))
    if mode == "seed" or (role_dir is None and has_exec):
        if has_exec:
            return None, None
        return None, "%s: stalk '%s' has no exec plugins in %s" % (stalk["kantoo_tree_file"], name, manifest)
    if role_dir is None:
        return None, ("%s: unknown stalk '%s': no role of that name in %s, and no stalk file with exec plugins "
                      "at %s" % (stalk["kantoo_tree_file"], name, ", ".join(own + others),
                                 manifest or os.path.join(stalk["kantoo_project_dir"], "stalks", name,
                                                          name + ".hjson")))
    return role_dir, None
