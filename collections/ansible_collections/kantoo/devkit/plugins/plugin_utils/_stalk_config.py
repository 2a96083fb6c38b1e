# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a stalk's manifest says about its containers: their options and mounts, the host directories the tree
writes, the directories its first container makes, and the seed's variables left unset."""

from __future__ import annotations

import os

from ansible_collections.kantoo.devkit.plugins.plugin_utils._container import (
    container_options, directory_mounts, listing, sysroot_mounts)
from ansible_collections.kantoo.devkit.plugins.plugin_utils._inputs import sha256
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, load_manifest


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
    """Container options, mounts, and digests of what the mounts give the steps to read, from the stalk's
    manifest and its variables: {"options": ..., "mounts": [...], "files": {target: digest}}."""
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


def will_create(container):
    """The rw directories of the stalk's mounts that do not exist yet: its first container makes them."""
    return ["directory %s (mounted at %s) does not exist yet; it will be created when the stalk's first container "
            "starts" % (mount["source"], mount["target"])
            for mount in container["mounts"] if not mount["read_only"] and not os.path.exists(mount["source"])]


def unset_variables(stalk):
    """The seed's '' means "the tree sets this"; a '' left over is a mistake worth stopping for."""
    names = sorted(k for k, v in stalk["kantoo_variables"].items() if v == "")
    if names:
        raise TreeError("%s: stalk '%s': variable %s is '' in %s and nothing sets it; set it in the tree "
                        "(globals, or the stalk's node)"
                        % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"], ", ".join(names),
                           stalk.get("kantoo_manifest")))
