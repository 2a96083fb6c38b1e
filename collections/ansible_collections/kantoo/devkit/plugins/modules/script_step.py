#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: script_step
short_description: Run a step of a seed-format stalk file in its container, streaming its output
version_added: 0.1.0
description:
  - Runs C(<interpreter> <script>) in a running container through the Docker API, as the seed devkit did, with
    the stalk's environment and the step's variables as environment, from C(/).
  - Appends the output, stdout and stderr as they come, to O(log_file); with O(watch), shows each line as soon as
    it is written, so an hour-long step shows its progress; else shows the output when the step ends.
  - Values of variables named like secrets (PASSWD, PASSWORD, SECRET, TOKEN) are masked in both.
options:
  container:
    description: Name or id of the running container.
    type: str
    required: true
  interpreter:
    description: Program that runs the script, the last word of its shebang.
    type: str
    required: true
  script:
    description: Path of the script in the container.
    type: str
    required: true
  env:
    description: The step's variables, on top of the stalk's environment C(kantoo_env).
    type: dict
    default: {}
  log_file:
    description: File the output is appended to.
    type: str
    required: true
  watch:
    description: Show the output line by line while the step runs.
    type: bool
    default: false
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.common.daemon]
"""

EXAMPLES = r"""
- name: Run a seed script step
  kantoo.devkit.script_step:
    container: "{{ stalk_container.name }}"
    interpreter: python3
    script: /entropy/plugins/hello_python_from_env
    env:
      HELLO_MSG: hello
    log_file: "{{ stalk_container.log_file }}"
    watch: true
"""

RETURN = r"""
rc:
  description: Exit code of the script.
  returned: success
  type: int
log_file:
  description: The log file.
  returned: success
  type: str
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    container=dict(type="str", required=True),
    interpreter=dict(type="str", required=True),
    script=dict(type="str", required=True),
    env=dict(type="dict", default={}),
    log_file=dict(type="str", required=True),
    watch=dict(type="bool", default=False),
)


def main():
    controller_only(ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
