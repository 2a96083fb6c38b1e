# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where a stalk's steps come from: the role of its name (one task file per step, listed by tasks/main.yml),
or the exec plugins of its seed-format stalk file."""

from __future__ import annotations

import os

import yaml
from ansible import constants as C

from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, check_step_name, load_manifest

INCLUDE_ACTIONS = ("ansible.builtin.include_tasks", "ansible.builtin.import_tasks", "include_tasks", "import_tasks")
# A tree runs each step's task file alone (include_role tasks_from=<step>), never the line of tasks/main.yml that
# lists it: a keyword there (when, tags, vars, become, ...) would hold when the role runs alone and be lost in a
# tree, so a step's line holds its name and its file, nothing else.
STEP_KEYS = ("name",)


def _load_with_marks(path):
    """The YAML document of a file and its node tree, whose marks give each item's line."""
    with open(path, encoding="utf-8") as handle:
        loader = yaml.SafeLoader(handle.read())
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None), node
    finally:
        loader.dispose()


def _lines(mapping_node):
    """key -> line (1-based) of a mapping node's keys."""
    return {pair[0].value: pair[0].start_mark.line + 1 for pair in getattr(mapping_node, "value", ())
            if isinstance(pair[0], yaml.ScalarNode)}


def _step_of(task, item, main):
    """The task file a step line of tasks/main.yml names, or stop saying what is wrong with the line."""
    line = item.start_mark.line + 1
    action = next((k for k in INCLUDE_ACTIONS if isinstance(task, dict) and k in task), None)
    target = task[action] if action else None
    extra = []  # (what the message names, the key of the line it is under)
    if isinstance(target, dict):
        extra = [("%s.%s" % (action, key), action) for key in target if key != "file"]
        target = target.get("file")
    if not isinstance(target, str) or not target.endswith(".yml") or "{{" in target or "/" in target:
        raise TreeError("%s:%d: this task is not a step; list each step as 'ansible.builtin.import_tasks: <step>.yml'"
                        % (main, line))
    extra = [(key, key) for key in task if key not in STEP_KEYS and key != action] + extra
    if extra:
        words, them = " and ".join("'%s'" % pair[0] for pair in extra), "it" if len(extra) == 1 else "them"
        raise TreeError("%s:%d: %s on the line of step '%s' is not supported: a tree runs tasks/%s on its own and "
                        "would ignore %s. Move %s into tasks/%s, onto its tasks or a block around them, where the "
                        "role honours %s both alone and in a tree"
                        % (main, _lines(item).get(extra[0][1], line), words, target[:-len(".yml")],
                           target, them, them, target, them))
    return target, line


def role_steps(role_dir):
    """The steps of a role: the task files that tasks/main.yml imports, in order, one a line that holds nothing
    else (see STEP_KEYS)."""
    main = os.path.join(role_dir, "tasks", "main.yml")
    try:
        tasks, node = _load_with_marks(main)
    except (OSError, yaml.YAMLError) as exc:
        raise TreeError("%s: cannot read the list of steps: %s" % (main, exc))
    if tasks is None:
        raise TreeError("%s: lists no steps" % main)
    if not isinstance(tasks, list):
        raise TreeError("%s:%d: a list of steps must be a YAML list, one 'ansible.builtin.import_tasks: <step>.yml' "
                        "an item" % (main, node.start_mark.line + 1))
    steps, seen = [], {}
    for number, (task, item) in enumerate(zip(tasks, node.value), 1):
        target, line = _step_of(task, item, main)
        step = target[:-len(".yml")]
        check_step_name(step, "%s:%d: task %d (import_tasks: %s)" % (main, line, number, target))
        if not os.path.isfile(os.path.join(role_dir, "tasks", target)):
            raise TreeError("%s:%d: task %d names %s, which is not in %s; create it or fix the name"
                            % (main, line, number, target, os.path.join(role_dir, "tasks")))
        if step in seen:
            raise TreeError("%s:%d: step '%s' is listed again (first at line %d); each step is one image tag, so "
                            "list it once" % (main, line, step, seen[step]))
        seen[step] = line
        steps.append(step)
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
