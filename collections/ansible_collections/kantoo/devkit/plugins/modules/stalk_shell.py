#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: stalk_shell
short_description: The command of an interactive shell in an image of a kantoo stalk
version_added: 0.1.0
description:
  - Returns the C(docker run) command of a shell in C(<repository>:<step>) with the stalk's container options,
    bind mounts and environment, as the steps had them. Secrets are passed by name, from the caller's environment.
  - For a stalk whose tree sets its C(DOCKER_HOST), the command names that engine (C(docker --host <url> run ...)).
options:
  step:
    description: Tag of the image, a step name, C(<step>-failed), C(initial) or C(final).
    type: str
    default: final
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.common.dry_run, kantoo.devkit.stalk]
"""

EXAMPLES = r"""
- name: Print the command of a shell in a step's image
  kantoo.devkit.stalk_shell:
    step: hello_from_sh
  register: shell
"""

RETURN = r"""
image:
  description: The image, C(<repository>:<step>).
  returned: success
  type: str
argv:
  description: The command as a list.
  returned: success
  type: list
  elements: str
command:
  description: The command, quoted for a shell.
  returned: success
  type: str
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    step=dict(type="str", default="final"),
)


def main():
    controller_only(ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
