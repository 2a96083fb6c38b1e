# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: stalker
short_description: A kantoo tree of stalks, read from a hjson tree file
version_added: 0.1.0
description:
  - Reads a tree file in the kantoo devkit's hjson format (C(architecture), C(paths), C(globals), C(stalks))
    and makes one host per stalk, in one group per tree named C(<tree>_tree), parent before child.
  - The children of a stalk, and their descendants, are also in the group C(<stalk>_descendants), a child of
    the group that holds the stalk, so that C(ansible-inventory --graph) draws the tree.
  - Host variables are the stalk's merged configuration. Precedence, low to high, is the stalk file
    C(stalks/<stalk>/<stalk>.hjson) of the tree's project directory, C(architecture), C(paths), C(globals),
    the ancestors' nodes, the stalk's own node. Each ALL-CAPS key becomes a host variable of the same name.
  - The project directory is the nearest ancestor of the tree file that holds a C(stalks/) directory.
  - "Also set: C(kantoo_stalk), C(kantoo_parent), C(kantoo_ancestors) (nearest first), C(kantoo_tree), C(kantoo_tree_file), C(kantoo_project_dir),
    C(kantoo_manifest), C(kantoo_repository) (C({OS}/{ARCH}/{SUBARCH}/{stalk})), C(kantoo_initial_image)
    (the parent's C(final), or C(DOCKER_INIT_IMG) when the node sets it), C(kantoo_pretend), C(kantoo_skip_until),
    C(kantoo_docker_opts), C(kantoo_env) and C(kantoo_variables) (all ALL-CAPS variables as one mapping)."
  - "C(kantoo_docker_host): the engine the stalk grows on, its C(DOCKER_HOST) (an ALL-CAPS variable like any other:
    of its node, an ancestor's or C(globals)), or an empty string for the controller's engine (C(DOCKER_HOST) of the
    environment, else the local socket). It is neither in C(kantoo_variables) nor a host variable of its own name:
    where a step runs is none of its inputs."
  - "C(kantoo_registry): the tree's C(REGISTRY) (C(host:port), optionally followed by C(/prefix), set in C(globals)),
    where every step image is pushed and the cache lookup asks for the steps the stalk's engine lacks; an empty
    string when the tree has none. Neither in C(kantoo_variables) nor a host variable of its own name."
  - Stalk names must be unique across all trees of one inventory.
  - "A tree file with an error (bad hjson, a bad key, a stalk name another tree has) fails the inventory when it is
    itself an inventory source (C(-i <tree>.hjson)). Found in a directory among other trees, it only warns, and its
    group C(<tree>_tree) gets one host instead of its stalks, named after the file (C(<tree>.hjson)), whose variable
    C(kantoo_tree_error) is the message: a play on that tree, or on C(all), stops in its check with the message,
    before any container starts, and the runs of the other trees go on."
  - Any file ending in C(.hjson) is taken as a tree; enable the plugin with C(enable_plugins = kantoo.devkit.stalker).
requirements:
  - hjson
"""

EXAMPLES = r"""
# ansible.cfg
# [defaults]
# inventory = inventories/
# [inventory]
# enable_plugins = kantoo.devkit.stalker
# any_unparsed_is_failed = true

# inventories/hello_world.hjson
# {
#   architecture: { OS: debian, ARCH: amd64, SUBARCH: bookworm }
#   paths: { LOG_DIR: logs }
#   stalks: {
#     hello_world: { DOCKER_INIT_IMG: kantoo/debian:bookworm, TREE_CONFIG_VAR: hello from stalker config }
#   }
# }

# ansible-inventory -i inventories/hello_world.hjson --graph
"""

import os

from ansible import constants as C, context
from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin
from ansible.utils.display import Display
from ansible.utils.path import unfrackpath

from ansible_collections.kantoo.devkit.plugins.plugin_utils._run import on_exit_remove_containers
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, project_dir, read_tree

display = Display()


def tree_name(path):
    return os.path.splitext(os.path.basename(path))[0]


def named_source(path):
    """Whether the tree file is itself an inventory source of this process (-i <tree>.hjson, or a configured
    inventory that names the file), not a file found in a directory given as one."""
    sources = context.CLIARGS.get("inventory") or C.DEFAULT_HOST_LIST or []
    if isinstance(sources, str):
        sources = [sources]
    return unfrackpath(path, follow=False) in {unfrackpath(s, follow=False) for s in sources if "," not in s}


class InventoryModule(BaseInventoryPlugin):
    NAME = "kantoo.devkit.stalker"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(".hjson")

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._container = {}
        try:
            tree, stalks = read_tree(path)
            self._check_unique(stalks)
        except TreeError as exc:
            if named_source(path):  # the tree asked for: nothing to grow without it
                raise AnsibleParserError(str(exc))
            # one of a directory's trees: only the runs that grow it stop, in their check, with this message
            display.warning("%s; the runs that grow this tree stop with this message, the other trees' go on" % exc)
            self._add_broken_tree(path, str(exc))
            return
        # this is the ansible-playbook process: on Ctrl-C, the step containers of this run go before it exits
        for project in {stalk["project_dir"] for stalk in stalks}:
            on_exit_remove_containers(project)
        tree_group = self.inventory.add_group(tree + "_tree")
        for stalk in stalks:
            self._add_stalk(self._group_of(tree_group, stalk), stalk)

    def _group_of(self, tree_group, stalk):
        """A stalk sits in its parent's <parent>_descendants group, so that --graph draws the tree."""
        if stalk["parent"] is None:
            return tree_group
        group = self.inventory.add_group(stalk["parent"] + "_descendants")
        self.inventory.add_child(self._container[stalk["parent"]], group)
        return group

    def _check_unique(self, stalks):
        for stalk in stalks:
            existing = self.inventory.get_host(stalk["name"])
            if existing is not None:
                other = existing.vars.get("kantoo_tree_file", "another inventory source")
                raise TreeError("%s: stalk '%s' is also defined in %s; stalk names must be unique across trees"
                                % (stalk["tree_file"], stalk["name"], other))

    def _add_broken_tree(self, path, error):
        """The host that stands for a tree that could not be read: the check of a play on it fails with error."""
        name, number = os.path.basename(path), 1
        while self.inventory.get_host(name) is not None:  # a stalk, or a broken tree of the same name elsewhere
            number += 1
            name = "%s-%d" % (os.path.basename(path), number)
        self.inventory.add_host(name, group=self.inventory.add_group(tree_name(path) + "_tree"))
        host_vars = {
            "kantoo_tree_error": error,
            "kantoo_tree": tree_name(path),
            "kantoo_tree_file": os.path.abspath(path),
            "kantoo_project_dir": project_dir(path),
            "kantoo_parent": None,
            "kantoo_ancestors": [],
            "ansible_connection": "local",
            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        }
        for key, value in host_vars.items():
            self.inventory.set_variable(name, key, value)

    def _add_stalk(self, group, stalk):
        name = stalk["name"]
        self.inventory.add_host(name, group=group)
        self._container[name] = group
        host_vars = dict(stalk["variables"])
        host_vars.update({
            "kantoo_" + key: value for key, value in stalk.items()
            if key not in ("name",)
        })
        host_vars.update({
            "kantoo_stalk": name,
            "ansible_connection": "local",
            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        })
        for key, value in host_vars.items():
            self.inventory.set_variable(name, key, value)
