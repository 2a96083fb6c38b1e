# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Remove a stalk's images, in the controller's process (documented in modules/stalk_prune.py)."""

from __future__ import annotations


from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import (
    ControllerAction, stalk_engine, tree_error, tree_stalks)
from ansible_collections.kantoo.devkit.plugins.modules.stalk_prune import ARGUMENT_SPEC
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect
from ansible_collections.kantoo.devkit.plugins.module_utils._registry import Registry, RegistryError, delete_tags
from ansible_collections.kantoo.devkit.plugins.plugin_utils._prune import prune_stalk


class ActionModule(ControllerAction):
    _supports_check_mode = False  # skipped in check mode: it acts on the Docker daemon

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC)
        if tree_error(task_vars):
            return tree_error(task_vars)
        tree = {host.get("kantoo_repository") for host in tree_stalks(task_vars)}
        try:
            removed, kept = prune_stalk(connect(stalk_engine(task_vars)), task_vars["kantoo_stalk"],
                                        task_vars["kantoo_repository"], tree)
        except EngineError as exc:
            return dict(failed=True, msg=exc.message("docker refused to remove an image of %s"
                                                     % task_vars["kantoo_repository"]))
        deleted = []
        if args["registry"]:
            if not task_vars.get("kantoo_registry"):
                return dict(failed=True, msg="%s names no REGISTRY in its globals: there is no registry to delete "
                                             "the tags of %s from" % (task_vars["kantoo_tree_file"],
                                                                      task_vars["kantoo_stalk"]))
            try:
                deleted = delete_tags(Registry(task_vars["kantoo_registry"]), task_vars["kantoo_repository"])
            except RegistryError as exc:
                return dict(failed=True, removed=removed, kept=kept,
                            msg="stalk '%s': %s" % (task_vars["kantoo_stalk"], exc))
        result.update(changed=bool(removed or deleted), removed=removed, kept=kept, deleted=deleted)
        return result
