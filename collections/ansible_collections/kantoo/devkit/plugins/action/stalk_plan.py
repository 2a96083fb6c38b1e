# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: stalk_plan
short_description: Plan the steps of a kantoo stalk, reusing every step found in the cache
version_added: 0.1.0
description:
  - Runs on the controller for a stalk host of the C(kantoo.devkit.stalker) inventory.
  - Finds the stalk's role, reads its steps from C(tasks/main.yml), resolves the initial image and tags it
    C(initial), then walks the steps and reuses each one whose cache key labels an existing image, tagging it.
  - With O(check_only), only validates what can be known before any container starts.
options:
  check_only:
    description: Validate the stalk (role, steps, container options, mounts, outside images) and change nothing.
    type: bool
    default: false
author:
  - kantoo-devkit contributors
"""

EXAMPLES = r"""
- name: Plan the stalk
  kantoo.devkit.stalk_plan:
  register: kantoo_plan
"""

RETURN = r"""
steps:
  description: The stalk's steps, in order.
  returned: always
  type: list
  elements: str
cached:
  description: The steps reused from the cache.
  returned: unless check_only
  type: list
  elements: str
todo:
  description: The steps to run, each with its name, input digest and parent image.
  returned: unless check_only
  type: list
  elements: dict
role_dir:
  description: Path of the stalk's role, searched in the tree's project, the playbook's directory and C(roles_path).
  returned: unless check_only
  type: str
container:
  description: Options, env and mounts of the step containers.
  returned: unless check_only
  type: dict
"""

import os

from ansible import constants as C
from ansible.plugins.action import ActionBase

from ansible_collections.kantoo.devkit.plugins.module_utils.docker_client import DockerUnavailable, connect
from ansible_collections.kantoo.devkit.plugins.plugin_utils.plan import check_stalk, find_role, plan_stalk
from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(argument_spec=dict(check_only=dict(type="bool", default=False)))
        stalk = {k: v for k, v in task_vars.items() if k.startswith("kantoo_")}
        if "kantoo_repository" not in stalk:
            return dict(failed=True, msg="host '%s' is not a stalk: run this on hosts of a kantoo tree inventory"
                        % task_vars.get("inventory_hostname"))
        search = [os.path.join(task_vars["playbook_dir"], "roles"), os.path.join(stalk["kantoo_project_dir"], "roles")]
        search = list(dict.fromkeys(search + list(C.DEFAULT_ROLES_PATH)))
        role_dir = find_role(stalk["kantoo_stalk"], search)
        if role_dir is None:
            return dict(failed=True, msg="%s: unknown stalk '%s': no role of that name in %s"
                        % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"], ", ".join(search)))
        try:
            client = connect()
            if args["check_only"]:
                hostvars = task_vars["hostvars"]
                repositories = {hostvars[h]["kantoo_repository"] for h in task_vars["groups"]["all"]
                                if "kantoo_repository" in hostvars[h]}
                result.update(check_stalk(client, stalk, role_dir, repositories))
            else:
                result.update(plan_stalk(client, stalk, role_dir, task_vars), role_dir=role_dir)
        except (TreeError, DockerUnavailable) as exc:
            return dict(failed=True, msg=str(exc))
        result["changed"] = False
        return result
