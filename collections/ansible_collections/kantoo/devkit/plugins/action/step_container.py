# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: step_container
short_description: Start or remove the container of one step of a kantoo stalk
version_added: 0.1.0
description:
  - Runs on the controller and talks to the Docker daemon in its own process, which costs a few milliseconds
    where a module would cost a Python start-up.
  - With O(state=started), starts a container from O(image) with the stalk's options and bind mounts, kept alive by
    a shell waiting on its tty, and returns its name for the C(community.docker.docker) connection, and the step's
    cache key (the parent image id with the step's input digest).
  - With O(state=absent), removes the container O(name) and its anonymous volumes.
options:
  state:
    description: Whether the container should run or be gone.
    type: str
    choices: [started, absent]
    default: started
  image:
    description: Image to start from. Required with O(state=started).
    type: str
  step:
    description: Name of the step, for the container's name and labels. Required with O(state=started).
    type: str
  digest:
    description: Digest of the step's inputs, from C(kantoo.devkit.stalk_plan). Required with O(state=started).
    type: str
  config:
    description: Options and mounts of the stalk's containers, from C(kantoo.devkit.stalk_plan).
    type: dict
    default: {}
  name:
    description: Container to remove. Required with O(state=absent).
    type: str
author:
  - kantoo-devkit contributors
"""

EXAMPLES = r"""
- name: Start the container of a step
  kantoo.devkit.step_container:
    image: "{{ kantoo_step.parent }}"
    step: "{{ kantoo_step.name }}"
    digest: "{{ kantoo_step.digest }}"
    config: "{{ kantoo_plan.container }}"
  register: kantoo_container

- name: Remove it
  kantoo.devkit.step_container:
    name: "{{ kantoo_container.name }}"
    state: absent
"""

RETURN = r"""
name:
  description: Name of the container.
  returned: always
  type: str
key:
  description: Cache key of the step, to label its image with.
  returned: when started
  type: str
parent_image_id:
  description: Id of the image the container runs.
  returned: when started
  type: str
"""

from ansible.plugins.action import ActionBase

from ansible_collections.kantoo.devkit.plugins.module_utils.docker_client import (
    APIError, DockerUnavailable, NotFound, connect, find_image)
from ansible_collections.kantoo.devkit.plugins.plugin_utils.container import start_container
from ansible_collections.kantoo.devkit.plugins.plugin_utils.plan import cache_key

ARGUMENT_SPEC = dict(
    state=dict(type="str", choices=["started", "absent"], default="started"),
    image=dict(type="str"),
    step=dict(type="str"),
    digest=dict(type="str"),
    config=dict(type="dict", default={}),
    name=dict(type="str"),
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        _, args = self.validate_argument_spec(
            argument_spec=ARGUMENT_SPEC,
            required_if=[["state", "started", ["image", "step", "digest"]], ["state", "absent", ["name"]]])
        try:
            client = connect()
            if args["state"] == "absent":
                try:
                    client.api.remove_container(args["name"], v=True, force=True)
                    result.update(changed=True, name=args["name"])
                except NotFound:
                    result.update(changed=False, name=args["name"])
                return result
            parent = find_image(client, args["image"])
            if parent is None:
                return dict(failed=True, msg="image '%s' does not exist" % args["image"])
            config = args["config"]
            container = start_container(client, parent, task_vars["kantoo_stalk"], args["step"],
                                        config.get("options", {}), config.get("mounts", []))
        except DockerUnavailable as exc:
            return dict(failed=True, msg=str(exc))
        except APIError as exc:
            return dict(failed=True, msg="docker could not start a container for step '%s': %s"
                        % (args["step"], exc.explanation))
        result.update(changed=True, name=container.name, parent_image_id=parent,
                      key=cache_key(parent, args["digest"]))
        return result
