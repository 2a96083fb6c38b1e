#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: step_container
short_description: Start or remove the container of one step of a kantoo stalk
version_added: 0.1.0
description:
  - With O(state=started), starts a container for O(step), from its parent image, with the stalk's options and bind
    mounts, kept alive by a shell waiting on its tty, and returns its name for the connection of the step's tasks
    (O(connection)), the path of the step's log file, and the tags and labels (its cache key among them) that
    M(kantoo.devkit.container_commit) gives the step's image, and those of the image of its failure.
  - A parent image with O(max_layers) layers or more is first flattened into a one-layer copy with the same config.
  - With O(state=absent), removes the container O(name) and its anonymous volumes, in the background when the
    C(docker) command is there; M(kantoo.devkit.stalk_done) removes what is left at the end of the stalk.
options:
  state:
    description: Whether the container should run or be gone.
    type: str
    choices: [started, absent]
    default: started
  step:
    description:
      - The step to start, one item of RV(kantoo.devkit.stalk_plan#module:todo) as it is; its C(parent) is the image to
        start from, its C(daemonize) labels the container so that no later run removes it (the seed's).
      - Required with O(state=started).
    type: dict
  config:
    description: Options and mounts of the stalk's containers, from M(kantoo.devkit.stalk_plan).
    type: dict
    default: {}
  max_layers:
    description: Flatten a parent image that has this many layers or more.
    type: int
    default: 100
  name:
    description: Container to remove. Required with O(state=absent).
    type: str
  connection:
    description:
      - The connection the step's tasks will reach the container over, when they will.
      - With V(kantoo.devkit.docker_agent), that connection's relay begins, in the background, before the engine
        starts the container, and starts the agent as soon as the container runs (it ends, with no C(docker exec),
        when the start fails), so that the step's first task finds the agent ready or nearly.
    type: str
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.common.daemon, kantoo.devkit.stalk]
"""

EXAMPLES = r"""
- name: Start the container of a step
  kantoo.devkit.step_container:
    step: "{{ stalk_step }}"
    config: "{{ stalk_plan_result.container }}"
  register: stalk_container

- name: Remove it
  kantoo.devkit.step_container:
    name: "{{ stalk_container.name }}"
    state: absent
"""

RETURN = r"""
name:
  description: Name of the container.
  returned: always
  type: str
key:
  description: Cache key of the step.
  returned: when started
  type: str
tag:
  description: Tag of the step's image, the step's name.
  returned: when started
  type: str
extra_tags:
  description: More tags of the step's image, C(final) for the stalk's last step.
  returned: when started
  type: list
  elements: str
labels:
  description: Labels for the step's image, its cache key and inputs among them.
  returned: when started
  type: dict
failed_tag:
  description: Tag of the image that keeps the file system of the step when it fails, C(<step>-failed).
  returned: when started
  type: str
failed_labels:
  description: Labels of that image, with no cache key (a failed step is never reused) and marked failed.
  returned: when started
  type: dict
kantoo:
  description: The step_started event, for the C(kantoo.devkit.steps) callback.
  returned: when started
  type: dict
parent_image_id:
  description: Id of the image the step starts from, before any flattening.
  returned: when started
  type: str
flattened:
  description: Whether the container runs a flattened copy of the parent image.
  returned: when started
  type: bool
artifacts:
  description:
    - The host directories the step writes (the sources of the stalk's read-write mounts), for
      M(kantoo.devkit.container_commit) to record which of them the step left something in; null when the engine
      is not reached by a socket of this machine, whose paths those are not.
  returned: when started
  type: list
  elements: str
log_file:
  description: Path of the step's log file, C({LOG_DIR}/{stalk}/{ARCH}-{SUBARCH}-{step}-{timestamp}.txt).
  returned: when started
  type: str
engine:
  description:
    - URL of the Docker engine the container runs on, the stalk's; the step's tasks reach the container through it
      (C(ansible_docker_extra_args=--host <url>)) and M(kantoo.devkit.container_commit) commits there.
  returned: when started
  type: str
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["started", "absent"], default="started"),
    step=dict(type="dict"),
    config=dict(type="dict", default={}),
    max_layers=dict(type="int", default=100),
    name=dict(type="str"),
    connection=dict(type="str"),
)
REQUIRED_IF = [["state", "started", ["step"]], ["state", "absent", ["name"]]]


def main():
    controller_only(ARGUMENT_SPEC, required_if=REQUIRED_IF)


if __name__ == "__main__":
    main()
