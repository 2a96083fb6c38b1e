# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a stalk has to do: its steps, their cache keys, and which of them are already images.

A step's image carries the label kantoo.devkit.key, a digest of its parent image id and of the
step's inputs (see inputs.py), and kantoo.devkit.inputs, those inputs as digests, so that a miss
can say what changed.  A step whose key is found is not run again.
"""

from __future__ import annotations

import json
import os

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.kantoo.devkit.plugins.module_utils.engine import find_image, tag_image
from ansible_collections.kantoo.devkit.plugins.module_utils.names import (
    FINAL_TAG, INITIAL_TAG, INPUTS_LABEL, KEY_LABEL)
from ansible_collections.kantoo.devkit.plugins.plugin_utils.container import (
    container_options, directory_mounts, listing, sysroot_mounts)
from ansible_collections.kantoo.devkit.plugins.plugin_utils.inputs import RoleInputs, hashed, sha256
from ansible_collections.kantoo.devkit.plugins.plugin_utils.seed import seed_stalk
from ansible_collections.kantoo.devkit.plugins.plugin_utils.role import role_steps
from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError, load_manifest



def cache_key(parent_id, digest):
    return sha256(parent_id + digest)


def tree_outputs(stalks):
    """The host directories the stalks of a tree write (their rw directory mounts)."""
    outputs = set()
    for stalk in stalks:
        plugins = load_manifest(stalk.get("kantoo_manifest") or "")["plugins"]
        for plugin in plugins.values():
            if isinstance(plugin, dict) and not plugin.get("exec") and plugin.get("mode") == "rw" and "path" in plugin:
                outputs.add(os.path.realpath(os.path.join(stalk["kantoo_project_dir"], str(plugin["path"]))))
    return frozenset(outputs)


def container_config(stalk, produced=frozenset()):
    """Container options, env and mounts of a stalk, from its manifest and its variables."""
    manifest = load_manifest(stalk.get("kantoo_manifest") or "")
    where = stalk.get("kantoo_manifest") or stalk["kantoo_tree_file"]
    project = stalk["kantoo_project_dir"]
    sysroot = stalk["kantoo_variables"].get("SYSROOT_DIR")
    mounts = sysroot_mounts(os.path.join(project, sysroot) if sysroot else None)
    mounts += directory_mounts(manifest["plugins"], project, where, produced)
    # what a step reads from the host is one of its inputs; what it writes (rw) is not
    files = {}
    for mount in mounts:
        if os.path.isfile(mount["source"]):
            with open(mount["source"], "rb") as handle:
                files[mount["target"]] = sha256(handle.read())
        elif mount["read_only"] and os.path.isdir(mount["source"]):
            files[mount["target"] + "/"] = listing(mount["source"])
    return {"options": container_options(stalk.get("kantoo_docker_opts") or {}, where), "mounts": mounts,
            "files": files}


def unset_variables(stalk):
    """The seed's '' means "the tree sets this"; a '' left over is a mistake worth stopping for."""
    names = sorted(k for k, v in stalk["kantoo_variables"].items() if v == "")
    if names:
        raise TreeError("%s: stalk '%s': variable %s is '' in %s and nothing sets it; set it in the tree "
                        "(globals, or the stalk's node)"
                        % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"], ", ".join(names),
                           stalk.get("kantoo_manifest")))


def _container_digest(stalk, container):
    # A step's image does not hold what it wrote to a read-write mount: the same step of another checkout (another
    # artifacts directory, empty) must run again, so the host directory it writes to is one of its inputs.
    config = {"options": container["options"],
              "env": hashed(stalk.get("kantoo_env") or {}, stalk["kantoo_project_dir"]),
              "mounts": [(m["target"], m["read_only"]) + (() if m["read_only"] else (m["source"],))
                         for m in container["mounts"]]}
    return sha256(json.dumps(config, sort_keys=True, default=str))


def role_source(stalk, role_dir, container, task_vars):
    """Steps of a role, each with its inputs as digests."""
    steps = role_steps(role_dir)
    role = RoleInputs(role_dir)
    container_digest = _container_digest(stalk, container)
    project = stalk["kantoo_project_dir"]
    components = []
    for step in steps:
        inputs = role.step(step, steps)
        variables = {k: v for k, v in stalk["kantoo_variables"].items() if k in inputs["names"]}
        overrides = {k: task_vars[k] for k in inputs["defaults"] if k in task_vars}
        components.append({"step": step, "files": dict(inputs["files"], **container["files"]),
                           "defaults": hashed(inputs["defaults"], project), "variables": hashed(variables, project),
                           "overrides": hashed(overrides, project), "container": container_digest})
    return {"mode": "role", "steps": steps, "components": components, "extras": [{}] * len(steps)}


def seed_source(stalk, container):
    """Steps of a seed-format stalk file: its exec plugins, with every rendered file mounted."""
    manifest = load_manifest(stalk["kantoo_manifest"])
    render_dir = os.path.join(stalk["kantoo_project_dir"], ".kantoo", "rendered", stalk["kantoo_tree"],
                              stalk["kantoo_stalk"])
    seed = seed_stalk(manifest, stalk["kantoo_variables"], stalk["kantoo_project_dir"], render_dir)
    container["mounts"] += seed["mounts"]
    container_digest = _container_digest(stalk, container)
    files = dict(seed["files"], **container["files"])
    components = [{"step": step["name"], "files": files, "defaults": {},
                   "variables": hashed(step["env"], stalk["kantoo_project_dir"]),
                   "overrides": {}, "container": container_digest} for step in seed["steps"]]
    extras = [{"interpreter": step["interpreter"], "script": step["script"], "env": step["env"],
               "daemonize": step["daemonize"]} for step in seed["steps"]]
    return {"mode": "seed", "steps": [step["name"] for step in seed["steps"]], "components": components,
            "extras": extras, "skip": [step["name"] for step in seed["steps"] if step["skip"]]}


def stalk_source(stalk, role_dir, task_vars, produced=frozenset()):
    container = container_config(stalk, produced)
    if role_dir is None:
        return seed_source(stalk, container), container
    return role_source(stalk, role_dir, container, task_vars), container


def explain_miss(client, reference, components, parent):
    """Why a step is not in the cache, from the inputs label of its previous image."""
    previous = find_image(client, reference)
    if previous is None:
        return "never built"
    labels = client.inspect_image(previous)["Config"]["Labels"] or {}
    if INPUTS_LABEL not in labels:
        return "its image has no record of its inputs"
    before = json.loads(labels[INPUTS_LABEL])
    if before.get("parent") != parent:
        return "its parent image changed (an earlier step, or the parent stalk, was rebuilt)"
    changes = []
    for part in ("files", "defaults", "variables", "overrides"):
        old, new = before.get(part, {}), components[part]
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                changes.append("%s %s %s" % (part.rstrip("s"), name, "changed" if name in old and name in new
                                             else "added" if name in new else "removed"))
    if before.get("container") != components["container"]:
        changes.append("container options, env or mounts changed")
    return ", ".join(changes) or "inputs changed"


def find_cached(client, key):
    """The newest image labelled with key, or None."""
    images = client.images(all=True, filters={"label": "%s=%s" % (KEY_LABEL, key)})
    return max(images, key=lambda i: i["Created"])["Id"] if images else None


def forced_from(force, stalk, steps):
    """stalk_force is 'stalk' (all its steps) or 'stalk:step' (that step and those after it)."""
    for item in force or []:
        name, step = (str(item).split(":", 1) + [""])[:2]
        if name == stalk:
            return steps.index(step) if step in steps else 0
    return len(steps)


def check_stalk(client, stalk, sourced, tree_repositories, force=None):
    """Everything that can be known before any container starts, and whether the stalk is up to date;
    sourced is what stalk_source returned for it."""
    steps = sourced[0]["steps"]
    unset_variables(stalk)
    skip_until = stalk.get("kantoo_skip_until")
    if skip_until and skip_until not in steps:
        raise TreeError("%s: stalk '%s': skip_until names '%s', which is not one of its steps: %s"
                        % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"], skip_until, ", ".join(steps)))
    initial = stalk["kantoo_initial_image"]
    # another stalk of the tree makes it in this run; a root's own :initial is a base image made beforehand
    made_here = tree_repositories - {stalk["kantoo_repository"]}
    if initial.rsplit(":", 1)[0] not in made_here and find_image(client, initial) is None:
        raise TreeError("%s: stalk '%s': its initial image '%s' does not exist; make it first, for example with "
                        "'make setup' (role kantoo.devkit.base_image)" % (stalk["kantoo_tree_file"],
                                                                          stalk["kantoo_stalk"], initial))
    for step, why in reused_by_tag(stalk, sourced[0]).items():
        tagged_image(client, stalk, step, why)
    return {"steps": steps, "up_to_date": up_to_date(client, stalk, sourced, force)}


def reused_by_tag(stalk, source):
    """The steps that are not run but taken by their tag, each with the reason: pretend, skip_until, or a
    plugin's skip (the seed's rule: a skipped step's image is the one the next step starts from)."""
    steps = source["steps"]
    skip_until = stalk.get("kantoo_skip_until") or ""
    if pretending(stalk):
        why = dict.fromkeys(steps, "pretend is set")
    else:
        why = dict.fromkeys(steps[:steps.index(skip_until)] if skip_until in steps else [],
                            "skip_until is '%s'" % skip_until)
    for step in source.get("skip", ()):
        why.setdefault(step, "plugins.%s.skip is true in %s" % (step, stalk.get("kantoo_manifest")))
    skips = stalk.get("kantoo_skip") or ()
    for item in skips.split(",") if isinstance(skips, str) else skips:  # -e kantoo_skip=<step>,<stalk>:<step>
        name, step = item.strip().split(":", 1) if ":" in item else (stalk["kantoo_stalk"], item.strip())
        if name == stalk["kantoo_stalk"] and step in steps:
            why.setdefault(step, "kantoo_skip names it")
    return why


def pretending(stalk):
    """The node's pretend, or -e kantoo_pretend=true (a string) for every stalk of the run."""
    return boolean(stalk.get("kantoo_pretend") or False, strict=False)


def will_create(container):
    """The rw directories of the stalk's mounts that do not exist yet: its first container makes them."""
    return ["directory %s (mounted at %s) does not exist yet; it will be created when the stalk's first container "
            "starts" % (mount["source"], mount["target"])
            for mount in container["mounts"] if not mount["read_only"] and not os.path.exists(mount["source"])]


def tagged_image(client, stalk, step, why):
    """The image a step reused by tag has, or stop saying how to get one."""
    found = find_image(client, "%s:%s" % (stalk["kantoo_repository"], step))
    if found is None:
        raise TreeError("%s: stalk '%s': %s, but step '%s' has no image %s:%s yet; build it first (run once "
                        "without that)" % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"], why, step,
                                           stalk["kantoo_repository"], step))
    return found


def plan_stalk(client, stalk, sourced, force=None, dry=False):
    """Resolve the initial image, reuse every step found in the cache, and say what is left to run;
    sourced is what stalk_source returned for the stalk.

    dry (check mode): find and explain, but move no tag and remove nothing.
    """
    retag = (lambda *args: False) if dry else tag_image
    name, repository = stalk["kantoo_stalk"], stalk["kantoo_repository"]
    where = "%s: stalk '%s'" % (stalk["kantoo_tree_file"], name)
    source, container = sourced
    steps, components = source["steps"], source["components"]

    initial = stalk["kantoo_initial_image"]
    image = initial_id = find_image(client, initial)
    if image is None and dry and stalk.get("kantoo_parent"):
        # check mode: the parent would build it first, so every step not taken by tag would be built too
        image = "%s (not built yet)" % initial
    elif image is None:
        hint = ("build its parent '%s' first" % stalk["kantoo_parent"] if stalk.get("kantoo_parent")
                else "make it first, for example with 'make setup' (kantoo.devkit.base_image)")
        raise TreeError("%s: its initial image '%s' does not exist; %s" % (where, initial, hint))
    else:
        retag(client, image, repository, INITIAL_TAG)

    by_tag = reused_by_tag(stalk, source)
    first_forced = forced_from(force, name, steps)
    # parent: what the next step to run starts from, the image found last or the tag the step before commits
    done, todo, explain, images, parent = [], [], [], {}, image
    for number, (step, parts, extra) in enumerate(zip(steps, components, source["extras"])):
        digest = sha256(json.dumps(parts, sort_keys=True))
        if step in by_tag:
            found = tagged_image(client, stalk, step, by_tag[step])
            explain.append("%s: reused by tag (%s)" % (step, by_tag[step]))
        elif todo and parent == "%s:%s" % (repository, todo[-1]["name"]):
            found = None
            explain.append("%s: rebuilt, after an earlier step" % step)
        elif number >= first_forced:
            found = None
            explain.append("%s: forced" % step)
        else:
            found = find_cached(client, cache_key(image, digest))
            explain.append("%s: cached" % step if found else "%s: rebuilt, %s" % (
                step, explain_miss(client, "%s:%s" % (repository, step), parts, image)))
        if found is None:
            todo.append(dict(extra, name=step, digest=digest, inputs=parts, parent=parent))
            parent = "%s:%s" % (repository, step)
            continue
        retag(client, found, repository, step)
        image = parent = images[step] = found
        done.append(step)
    if parent == image:  # the last step is not run: final is known now
        retag(client, image, repository, FINAL_TAG)
    return {"mode": source["mode"], "steps": steps, "cached": done, "todo": todo, "image": image,
            "container": container, "last_step": steps[-1], "explain": explain,
            "initial_image": initial_id, "images": images, "creates": will_create(container) if todo else []}


def up_to_date(client, stalk, sourced, force=None):
    """True when growing the stalk would neither run a step nor move a tag: every step is in the cache and its
    tag, initial and final already point at the images the cache names.  A stalk that reuses steps by tag
    (pretend, skip_until) or whose initial image is still to be built is never up to date."""
    if pretending(stalk) or stalk.get("kantoo_skip_until"):
        return False
    if find_image(client, stalk["kantoo_initial_image"]) is None:
        return False
    plan = plan_stalk(client, stalk, sourced, force, dry=True)
    if plan["todo"]:
        return False
    tags = dict(plan["images"], initial=plan["initial_image"], final=plan["image"])
    return all(find_image(client, "%s:%s" % (stalk["kantoo_repository"], tag)) == image
               for tag, image in tags.items())
