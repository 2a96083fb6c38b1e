# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start or remove the container of one step, in the controller's process (documented in modules/step_container.py)."""

from __future__ import annotations

import json
import os
import time


from ansible_collections.kantoo.devkit.plugins.plugin_utils.action import ControllerAction
from ansible_collections.kantoo.devkit.plugins.modules.step_container import ARGUMENT_SPEC, REQUIRED_IF
from ansible_collections.kantoo.devkit.plugins.module_utils.engine import EngineError, connect, find_image
from ansible_collections.kantoo.devkit.plugins.plugin_utils.container import remove_container, start_container
from ansible_collections.kantoo.devkit.plugins.module_utils.flatten import flattened, layer_count
from ansible_collections.kantoo.devkit.plugins.module_utils.names import (
    INPUTS_LABEL, KEY_LABEL, REPOSITORY_LABEL, RUN_LABEL, STALK_LABEL, STEP_LABEL, TREE_LABEL)
from ansible_collections.kantoo.devkit.plugins.plugin_utils.plan import cache_key
from ansible_collections.kantoo.devkit.plugins.plugin_utils.run import start_watcher, this_run
from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError, log_dir


def log_file(task_vars, step):
    """{LOG_DIR}/{stalk}/{ARCH}-{SUBARCH}-{step}-{timestamp}.txt, LOG_DIR relative to the tree's project."""
    variables = task_vars["kantoo_variables"]
    directory = os.path.join(log_dir(task_vars), task_vars["kantoo_stalk"])
    os.makedirs(directory, exist_ok=True)
    stamp = time.strftime("%y-%m-%d-%H:%M:%S")
    return os.path.join(directory, "%s-%s-%s-%s.txt" % (variables["ARCH"], variables["SUBARCH"], step, stamp))


class ActionModule(ControllerAction):
    _supports_check_mode = False  # skipped in check mode: it acts on the Docker daemon

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC, required_if=REQUIRED_IF)
        try:
            client = connect()
            if args["state"] == "absent":
                return dict(result, name=args["name"], changed=remove_container(client, args["name"]))
            result.update(self._start(client, args, task_vars))
        except TreeError as exc:  # an option value no container can take (plugin_utils/engine_options.py)
            return dict(failed=True, msg=str(exc))
        except EngineError as exc:
            return dict(failed=True, msg=exc.message("docker could not start a container for step '%s'" % args["step"]
                                                     if args["step"] else "docker could not remove '%s'" % args["name"]))
        return result

    @staticmethod
    def _start(client, args, task_vars):
        parent = find_image(client, args["image"])
        if parent is None:
            return dict(failed=True, msg="image '%s' does not exist" % args["image"])
        start_from = parent
        if layer_count(client, parent) >= args["max_layers"]:
            start_from = flattened(client, parent)
        config = args["config"]
        run = this_run()
        # before the container: whatever ends the run from here on, the watcher removes what it left
        start_watcher(task_vars["kantoo_project_dir"], run)
        container = start_container(client, start_from, task_vars["kantoo_stalk"], args["step"],
                                    config.get("options", {}), config.get("mounts", []), args["daemon"],
                                    owner={RUN_LABEL: run, REPOSITORY_LABEL: task_vars["kantoo_repository"]})
        key = cache_key(parent, args["digest"])
        labels = {
            KEY_LABEL: key,
            INPUTS_LABEL: json.dumps(dict(args["inputs"], parent=parent), sort_keys=True),
            REPOSITORY_LABEL: task_vars["kantoo_repository"],
            TREE_LABEL: task_vars["kantoo_tree"],
            STALK_LABEL: task_vars["kantoo_stalk"],
            STEP_LABEL: args["step"],
            # the image must not name the run: Docker would give that label to every container started from it
            RUN_LABEL: "",
        }
        return dict(changed=True, name=container.name, parent_image_id=parent, key=key, labels=labels,
                    flattened=start_from != parent, log_file=log_file(task_vars, args["step"]))
