# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Commit in the controller's process when the task runs locally: no module start-up per step.

A commit whose labels name a step (as step_container gives them) also returns the step_committed event of the
steps callback (plugin_utils/_events.py): the step, whether it was built or its failure kept, and when the commit
began and ended.

Before the commit, the container's agent (connection kantoo.devkit.docker_agent) is ended and waited for: no
process of the connection is in the container when its file system is taken.
"""

from __future__ import annotations

import time

from ansible.plugins.action import ActionBase

from ansible_collections.kantoo.devkit.plugins.module_utils._commit import run_commit
from ansible_collections.kantoo.devkit.plugins.module_utils._names import FAILED_LABEL, STEP_LABEL
from ansible_collections.kantoo.devkit.plugins.modules.container_commit import ARGUMENT_SPEC
from ansible_collections.kantoo.devkit.plugins.plugin_utils import _events as events
from ansible_collections.kantoo.devkit.plugins.plugin_utils._agent_relay import close_agents
from ansible_collections.kantoo.devkit.plugins.plugin_utils._container import remove_container


class ActionModule(ActionBase):
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        started = time.time()
        if self._task.args.get("container"):
            close_agents(self._task.args["container"])
        result = self._commit(tmp, task_vars)
        labels = self._task.args.get("labels") or {}
        if STEP_LABEL in labels:
            result.update(events.timed(
                events.STEP_COMMITTED, started, step=labels[STEP_LABEL], image=result.get("image_id"),
                tags=result.get("tags"), state=events.FAILED if labels.get(FAILED_LABEL) == "true" else events.BUILT))
        return result

    def _commit(self, tmp, task_vars):
        if self._connection.transport not in ("local", "ansible.builtin.local"):
            return self._execute_module(task_vars=task_vars)
        result = super().run(tmp, task_vars)
        params = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        result.update(run_commit(params, self._task.check_mode, remove=remove_container))
        return result
