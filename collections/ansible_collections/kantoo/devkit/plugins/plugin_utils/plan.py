# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a stalk has to do: its steps, their cache keys, and which of them are already images.

A step's image carries the label kantoo.devkit.key, a digest of the parent image id and of every
input of the step: its task file and the role's other files, the stalk's variables, and the
container's options, env and mounts.  A step whose key is found is not run again.
"""

from __future__ import annotations

import hashlib
import json
import os

import yaml

from ansible_collections.kantoo.devkit.plugins.plugin_utils.container import (
    LABEL, container_options, directory_mounts, sysroot_mounts)
from ansible_collections.kantoo.devkit.plugins.module_utils.docker_client import find_image, tag_image
from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError, load_manifest

KEY_LABEL = LABEL + ".key"
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
        if not isinstance(target, str) or not target.endswith(".yml") or "{{" in target:
            raise TreeError("%s: task %d is not a step; list each step as 'ansible.builtin.import_tasks: <step>.yml'"
                            % (main, number))
        steps.append(os.path.basename(target)[:-len(".yml")])
    if not steps:
        raise TreeError("%s: lists no steps" % main)
    return steps


def find_role(name, search_paths):
    for base in search_paths:
        path = os.path.join(base, name)
        if os.path.isfile(os.path.join(path, "tasks", "main.yml")):
            return path
    return None


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def role_files_digest(role_dir, step, steps):
    """Digests of the files a step may use: all of the role but main.yml and the other steps' task files."""
    skip = {os.path.join("tasks", s + ".yml") for s in steps if s != step} | {os.path.join("tasks", "main.yml")}
    digests = {}
    for dirpath, dirnames, filenames in os.walk(role_dir):
        dirnames[:] = sorted(d for d in dirnames if d not in ("molecule", "__pycache__"))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            relative = os.path.relpath(path, role_dir)
            if relative not in skip:
                with open(path, "rb") as handle:
                    digests[relative] = _sha256(handle.read())
    return digests


def role_overrides(role_dir, task_vars):
    """Values given elsewhere (host vars, extra vars) for the role's defaults: they change what a step does."""
    path = os.path.join(role_dir, "defaults", "main.yml")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        defaults = yaml.safe_load(handle) or {}
    return {k: repr(task_vars[k]) for k in sorted(defaults) if k in task_vars}


def cache_key(parent_id, digest):
    return _sha256((parent_id + digest).encode())


def container_config(stalk):
    """Container options, env and mounts of a stalk, from its manifest and its variables."""
    manifest = load_manifest(stalk["kantoo_manifest"]) if stalk.get("kantoo_manifest") else load_manifest("")
    where = stalk.get("kantoo_manifest") or stalk["kantoo_tree_file"]
    options, env = container_options(stalk.get("kantoo_docker_opts") or {}, where)
    env.update(stalk.get("kantoo_env") or {})
    project = stalk["kantoo_project_dir"]
    sysroot = stalk["kantoo_variables"].get("SYSROOT_DIR")
    mounts = sysroot_mounts(os.path.join(project, sysroot) if sysroot else None)
    mounts += directory_mounts(manifest["plugins"], project, where)
    return {"options": options, "env": env, "mounts": mounts}


def find_cached(client, key):
    images = client.api.images(all=True, filters={"label": "%s=%s" % (KEY_LABEL, key)}, quiet=True)
    return images[0] if images else None


def check_stalk(client, stalk, role_dir, tree_repositories):
    """Everything that can be known before any container starts: steps, container config, outside images."""
    steps = role_steps(role_dir)
    container_config(stalk)
    initial = stalk["kantoo_initial_image"]
    if initial.rsplit(":", 1)[0] not in tree_repositories and find_image(client, initial) is None:
        raise TreeError("%s: stalk '%s': its initial image '%s' does not exist; make it first, for example with "
                        "'make setup' (role kantoo.devkit.base_image)" % (stalk["kantoo_tree_file"],
                                                                          stalk["kantoo_stalk"], initial))
    return {"steps": steps}


def plan_stalk(client, stalk, role_dir, task_vars):
    """Resolve the initial image, reuse every step found in the cache, and say what is left to run."""
    name, repository = stalk["kantoo_stalk"], stalk["kantoo_repository"]
    steps = role_steps(role_dir)
    container = container_config(stalk)
    shared = json.dumps({"variables": stalk["kantoo_variables"], "container": container,
                         "overrides": role_overrides(role_dir, task_vars)}, sort_keys=True, default=str)
    digests = [_sha256((step + shared + json.dumps(role_files_digest(role_dir, step, steps), sort_keys=True))
                       .encode()) for step in steps]

    initial = stalk["kantoo_initial_image"]
    image = find_image(client, initial)
    if image is None:
        hint = ("build its parent '%s' first" % stalk["kantoo_parent"] if stalk.get("kantoo_parent")
                else "make it first, for example with 'make setup' (kantoo.devkit.base_image)")
        raise TreeError("%s: stalk '%s': its initial image '%s' does not exist; %s"
                        % (stalk["kantoo_tree_file"], name, initial, hint))
    tag_image(client, image, repository, "initial")

    skip_until = stalk.get("kantoo_skip_until") or ""
    if skip_until and skip_until not in steps:
        raise TreeError("%s: stalk '%s': skip_until names '%s', which is not one of its steps: %s"
                        % (stalk["kantoo_tree_file"], name, skip_until, ", ".join(steps)))
    pretend = stalk.get("kantoo_pretend")
    done, todo = [], []
    for step, digest in zip(steps, digests):
        if todo:
            todo.append({"name": step, "digest": digest})
            continue
        if pretend or (skip_until and steps.index(step) < steps.index(skip_until)):
            found = find_image(client, "%s:%s" % (repository, step))
            if found is None:
                why = "pretend is set" if pretend else "skip_until is '%s'" % skip_until
                raise TreeError("%s: stalk '%s': %s, but step '%s' has no image %s:%s yet; build it first"
                                % (stalk["kantoo_tree_file"], name, why, step, repository, step))
        else:
            found = find_cached(client, cache_key(image, digest))
        if found is None:
            todo.append({"name": step, "digest": digest})
            continue
        tag_image(client, found, repository, step)
        image = found
        done.append(step)
    if not todo:
        tag_image(client, image, repository, "final")
    # The first step to run starts from the last image found, the next ones from the tag the previous one commits.
    for number, item in enumerate(todo):
        item["parent"] = image if number == 0 else "%s:%s" % (repository, todo[number - 1]["name"])
    return {"steps": steps, "cached": done, "todo": todo, "image": image, "container": container,
            "last_step": steps[-1]}
