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
from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError, load_manifest


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=dict(
            check_only=dict(type="bool", default=False),
            force=dict(type="list", elements="str", default=[])))[1]
        stalk = {k: v for k, v in task_vars.items() if k.startswith("kantoo_")}
        if "kantoo_repository" not in stalk:
            return dict(failed=True, msg="host '%s' is not a stalk: run this on hosts of a kantoo tree inventory"
                        % task_vars.get("inventory_hostname"))
        role_dir, error = self._steps_source(stalk, task_vars)
        if error:
            return dict(failed=True, msg=error)
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
                by_name = role_dir and os.path.dirname(role_dir) in [os.path.abspath(p) for p in C.DEFAULT_ROLES_PATH]
                result.update(plan_stalk(client, stalk, role_dir, task_vars, args["force"]), role_dir=role_dir,
                              role=stalk["kantoo_stalk"] if by_name else role_dir)
        except (TreeError, DockerUnavailable) as exc:
            return dict(failed=True, msg=str(exc))
        result["changed"] = False
        return result

    @staticmethod
    def _steps_source(stalk, task_vars):
        """The stalk's role directory, or None for the exec plugins of its seed-format stalk file.

        kantoo_steps_from: role, seed, or auto: a role of the tree's own project, else the stalk file's
        exec plugins, else a role of the playbook's directory or roles_path.
        """
        name, mode = stalk["kantoo_stalk"], task_vars.get("kantoo_steps_from", "auto")
        own = [os.path.join(stalk["kantoo_project_dir"], "roles")]
        others = list(dict.fromkeys([os.path.join(task_vars["playbook_dir"], "roles")]
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
