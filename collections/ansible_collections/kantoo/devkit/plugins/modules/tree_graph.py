#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: tree_graph
short_description: Draw the image graph of a kantoo tree as SVG
version_added: 0.1.0
description:
  - Draws every stalk of the tree as a cluster of its steps, in order, each with its image size and what the last
    run did with it (cached, built and in how long, failed, or missing).
  - "Two kinds of edges join the stalks: an image edge (solid, labelled with the tag) from the image a stalk starts
    from (its C(kantoo_initial_image): its parent's C(final), or the image C(DOCKER_INIT_IMG) names, a step of
    another stalk or an image from outside the tree) to its C(initial); and, where its parent is not that image's
    stalk, a dashed edge labelled C(waits for) from it to its parent's last step: the order of growing."
  - What the last run did comes from C({LOG_DIR}/last-run.json), which the C(kantoo.devkit.steps) callback writes;
    the image sizes from each stalk's Docker engine (C(kantoo_docker_host), the tree's C(DOCKER_HOST) for it).
  - Needs Graphviz's C(dot).
options:
  tree:
    description: Name of the tree, the inventory group C(<tree>_tree) without its suffix.
    type: str
    required: true
  dest:
    description: Path of the SVG file; by default C({LOG_DIR}/<tree>.svg). The dot source is written beside it.
    type: path
extends_documentation_fragment: [kantoo.devkit.common]
attributes:
  check_mode:
    support: none
    details: It writes the graph whatever the mode.
"""

EXAMPLES = r"""
- name: Draw the hello_world tree
  kantoo.devkit.tree_graph:
    tree: hello_world
    dest: /tmp/hello_world.svg
"""

RETURN = r"""
dest:
  description: Path of the SVG file.
  returned: success
  type: str
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    tree=dict(type="str", required=True),
    dest=dict(type="path"),
)


def main():
    controller_only(ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
