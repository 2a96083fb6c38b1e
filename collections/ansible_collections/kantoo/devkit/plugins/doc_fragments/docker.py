# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Options of the modules that talk to a Docker daemon of the task's choosing."""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  docker_host:
    description: URL of the Docker daemon; by default C(DOCKER_HOST) or the local socket.
    type: str
requirements:
  - docker (Python SDK) >= 5.0
"""

    # modules that make an image and set its config
    CHANGES = r"""
options:
  changes:
    description: Dockerfile instructions to apply to the image config, such as C(CMD ["/bin/bash"]) or C(ENV A=b).
    type: list
    elements: str
    default: []
"""
