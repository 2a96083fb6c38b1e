# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The command of a shell in a step's image, in the controller's process (documented in modules/stalk_shell.py)."""

from __future__ import annotations

import shlex


from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import ControllerAction, stalk_engine
from ansible_collections.kantoo.devkit.plugins.modules.stalk_shell import ARGUMENT_SPEC
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect, find_image
from ansible_collections.kantoo.devkit.plugins.module_utils._names import image as image_name
from ansible_collections.kantoo.devkit.plugins.plugin_utils._container import shell_command
from ansible_collections.kantoo.devkit.plugins.plugin_utils._secrets import is_secret
from ansible_collections.kantoo.devkit.plugins.plugin_utils._stalk_config import container_config
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC)
        image = image_name(task_vars["kantoo_repository"], args["step"])
        try:
            client = connect(stalk_engine(task_vars))
            if find_image(client, image) is None:
                return dict(failed=True, msg="there is no image %s on the engine at %s; build the stalk first, or "
                            "name an existing step" % (image, client.url))
            stalk = {k: v for k, v in task_vars.items() if k.startswith("kantoo_")}
            config = container_config(stalk)
        except (EngineError, TreeError) as exc:
            return dict(failed=True, msg=str(exc))
        # a stalk on an engine of its own: the command names it, whatever DOCKER_HOST the shell that runs it has
        command = shell_command(image, config["options"], config["mounts"], task_vars.get("kantoo_env") or {},
                                is_secret, stalk_engine(task_vars) and client.url)
        result.update(changed=False, image=image, argv=command, command=" ".join(shlex.quote(c) for c in command))
        return result
