# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Plan the steps of a stalk, in the controller's process (documented in modules/stalk_plan.py)."""

from __future__ import annotations

import os

from ansible import constants as C
from ansible.plugins.action import ActionBase

from ansible_collections.kantoo.devkit.plugins.module_utils.docker_client import DockerUnavailable, connect
from ansible_collections.kantoo.devkit.plugins.plugin_utils.lock import acquire
from ansible_collections.kantoo.devkit.plugins.plugin_utils.plan import check_stalk, find_role, plan_stalk
from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(argument_spec=dict(
            check_only=dict(type="bool", default=False),
            force=dict(type="list", elements="str", default=[])))
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
                # the worker's parent is the ansible-playbook process: the lock is held for its whole run
                acquire(stalk["kantoo_project_dir"], stalk["kantoo_tree"], os.getppid())
                hostvars = task_vars["hostvars"]
                repositories = {hostvars[h]["kantoo_repository"] for h in task_vars["groups"]["all"]
                                if "kantoo_repository" in hostvars[h]}
                result.update(check_stalk(client, stalk, role_dir, repositories))
            else:
                # Ansible finds roles of roles_path by name, which reads better in its output than a path.
                by_name = os.path.dirname(role_dir) in [os.path.abspath(p) for p in C.DEFAULT_ROLES_PATH]
                result.update(plan_stalk(client, stalk, role_dir, task_vars, args["force"]), role_dir=role_dir,
                              role=stalk["kantoo_stalk"] if by_name else role_dir)
        except (TreeError, DockerUnavailable) as exc:
            return dict(failed=True, msg=str(exc))
        result["changed"] = False
        return result
