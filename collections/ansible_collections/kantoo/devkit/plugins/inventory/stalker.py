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

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin

from ansible_collections.kantoo.devkit.plugins.plugin_utils._run import on_exit_remove_containers
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, read_tree


class InventoryModule(BaseInventoryPlugin):
    NAME = "kantoo.devkit.stalker"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(".hjson")

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._container = {}
        try:
            tree, stalks = read_tree(path)
        except TreeError as exc:
            raise AnsibleParserError(str(exc))
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

    def _add_stalk(self, group, stalk):
        name = stalk["name"]
        existing = self.inventory.get_host(name)
        if existing is not None:
            other = existing.vars.get("kantoo_tree_file", "another inventory source")
            raise AnsibleParserError("%s: stalk '%s' is also defined in %s; stalk names must be unique across trees"
                                     % (stalk["tree_file"], name, other))
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
