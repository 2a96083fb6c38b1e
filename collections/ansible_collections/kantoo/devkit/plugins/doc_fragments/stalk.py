# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modules that act for a stalk host of the stalker inventory, whose variables say which stalk."""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
options: {}
notes:
  - Runs for a stalk host of the C(kantoo.devkit.stalker) inventory and reads the stalk from the host's variables
    that the inventory sets (C(kantoo_stalk), C(kantoo_repository), C(kantoo_project_dir), C(kantoo_tree) and the other
    C(kantoo_*) ones); for any other host it fails.
  - Talks to the stalk's Docker engine, C(kantoo_docker_host) (the tree's C(DOCKER_HOST) for the stalk), or, when
    that is empty, the controller's (C(DOCKER_HOST) of the environment, else the local socket).
seealso:
  - plugin: kantoo.devkit.stalker
    plugin_type: inventory
"""
