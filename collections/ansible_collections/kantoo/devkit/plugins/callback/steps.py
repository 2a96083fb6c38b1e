# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: steps
type: notification
short_description: Show what the steps of a stalk print
version_added: 0.1.0
description:
  - Prints, as plain lines, the standard output of every task that runs inside a step container
    (over C(community.docker.docker)), the way the seed devkit showed a step's output.
  - Enable it with C(callbacks_enabled = kantoo.devkit.steps) in C(ansible.cfg).
requirements:
  - enabled in configuration
"""

from ansible.plugins.callback import CallbackBase

STEP_CONNECTIONS = ("community.docker.docker", "community.docker.docker_api", "docker")


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "kantoo.devkit.steps"
    CALLBACK_NEEDS_ENABLED = True

    def _show(self, result):
        if result._task.get_vars().get("ansible_connection") not in STEP_CONNECTIONS:
            return
        stdout = result._result.get("stdout")
        if stdout:
            self._display.display(stdout)

    def v2_runner_on_ok(self, result):
        self._show(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._show(result)
