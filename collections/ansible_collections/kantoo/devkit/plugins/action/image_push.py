# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Push images to a registry, in the controller's process (documented in modules/image_push.py)."""

from __future__ import annotations

from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import ControllerAction, stalk_engine
from ansible_collections.kantoo.devkit.plugins.modules.image_push import ARGUMENT_SPEC, REQUIRED_BY
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect
from ansible_collections.kantoo.devkit.plugins.module_utils._registry import Registry, RegistryError, push, push_plan


class ActionModule(ControllerAction):
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC, required_by=REQUIRED_BY)
        repository = args["repository"]
        try:
            registry = Registry(args["registry"])
            client = connect(args["docker_host"] or stalk_engine(task_vars))
            pairs = push_plan(client, repository, args["tags"], args["image"], args["key_tags"])
            if not pairs:
                return dict(failed=True, msg="there is no image of %s to push on the Docker engine at %s: grow it "
                                             "first" % (repository, client.url))
            pushed, present = push(client, registry, repository, pairs, self._task.check_mode)
        except RegistryError as exc:
            return dict(failed=True, msg="%s: %s" % (repository, exc))
        except EngineError as exc:
            return dict(failed=True, msg=exc.message("docker refused a request for %s" % repository))
        result.update(changed=bool(pushed), pushed=pushed, present=present)
        return result
