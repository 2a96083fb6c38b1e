# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Commit in the controller's process when the task runs locally: no module start-up per step."""

from __future__ import annotations

from ansible.plugins.action import ActionBase

from ansible_collections.kantoo.devkit.plugins.module_utils.commit import run_commit
from ansible_collections.kantoo.devkit.plugins.modules.container_commit import ARGUMENT_SPEC
from ansible_collections.kantoo.devkit.plugins.plugin_utils.container import remove_container


class ActionModule(ActionBase):
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        if self._connection.transport not in ("local", "ansible.builtin.local"):
            return self._execute_module(task_vars=task_vars)
        result = super().run(tmp, task_vars)
        params = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)[1]
        result.update(run_commit(params, self._task.check_mode, remove=remove_container))
        return result
