# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of the collection's controller-side actions."""

from __future__ import annotations

from ansible.plugins.action import ActionBase


class ControllerAction(ActionBase):
    """An action that does its work in the controller's process and needs no connection to the host."""

    TRANSFERS_FILES = False
    _requires_connection = False

    def arguments(self, argument_spec, **kwargs):
        """The task's arguments, validated as AnsibleModule validates them: argument_spec is the ARGUMENT_SPEC of
        the module of the same name, kwargs its other checks (required_if, mutually_exclusive...)."""
        return self.validate_argument_spec(argument_spec=argument_spec, **kwargs)[1]


def stalk_engine(task_vars):
    """The engine of the stalk a task acts for, as connect() takes it: the tree's DOCKER_HOST for the stalk (host
    variable kantoo_docker_host), or None for the controller's engine."""
    return task_vars.get("kantoo_docker_host") or None


def tree_error(task_vars):
    """The failed result of a task on the host that stands for a tree file that could not be read (host variable
    kantoo_tree_error, set by the inventory plugin kantoo.devkit.stalker), else None."""
    if task_vars.get("kantoo_tree_error"):
        return dict(failed=True, msg=task_vars["kantoo_tree_error"])
    return None


def tree_stalks(task_vars):
    """The host variables of every stalk of the tree of the stalk a task acts for, from its group <tree>_tree: only
    that tree's hosts, since a run must not pay for the other trees of the inventory."""
    hostvars = task_vars["hostvars"]
    return [hostvars[h] for h in task_vars["groups"].get(task_vars["kantoo_tree"] + "_tree", [])
            if hostvars[h].get("kantoo_tree_file") == task_vars["kantoo_tree_file"]]
