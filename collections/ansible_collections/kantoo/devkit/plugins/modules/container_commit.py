#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: container_commit
short_description: Commit a Docker container as a tagged image
version_added: 0.1.0
description:
  - Commits the file system of a container as a new image, tags it, and returns the image id, like C(docker commit).
  - By default the new image keeps the config (entrypoint, command, env, tty) of the image the container was
    started from, so that how the container was kept running does not leak into the image.
  - When the task runs on the controller (C(connection=local), as the kantoo stalks do), the action plugin of the
    same name commits in the controller's own process, without starting a module; elsewhere the module runs on
    the target host.
  - C(community.docker) has no module for this.
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.docker, kantoo.devkit.docker.changes]
attributes:
  check_mode:
    support: full
    details: Reports the commit that would be made, without making it.
  action:
    support: full
    details: Only when the task runs on the controller; elsewhere the module runs on the target host.
options:
  container:
    description: Name or id of the container to commit. It may be running; it is paused while committing.
    type: str
    required: true
  repository:
    description: Repository of the new image, for example C(debian/amd64/bookworm/hello_world).
    type: str
    required: true
  tag:
    description: Tag of the new image.
    type: str
    default: latest
  extra_tags:
    description: More tags of the same repository to point at the new image, for example C(final).
    type: list
    elements: str
    default: []
  labels:
    description: Labels to add to the image, on top of those it inherits.
    type: dict
    default: {}
  artifacts:
    description:
      - Directories of the host where the commit runs that the container writes (the sources of its read-write
        bind mounts). The image gets the label C(kantoo.devkit.artifacts), the JSON list of those that exist and
        hold something once the container ran. What a container wrote there is not in its image; the label lets
        M(kantoo.devkit.stalk_plan) tell when one of them was emptied or removed since, and build the step again.
      - Not given, the image gets no such label.
    type: list
    elements: path
  author:
    description: Author of the commit.
    type: str
  comment:
    description: Commit message, the image's C(Comment).
    type: str
  keep_image_config:
    description:
      - Start from the config of the container's image (entrypoint, command, env, tty, labels) rather than from
        the container's own config.
    type: bool
    default: true
  remove:
    description:
      - Remove the container and its anonymous volumes once committed, like C(docker build --rm). When the task
        runs on the controller, in the background, so that the next step need not wait for it.
    type: bool
    default: false
notes:
  - A commit always makes a new image, so the task always reports C(changed).
  - Docker itself merges the container's environment into the committed config; give secrets to the
    processes that need them (per C(docker exec), or a task's C(environment)), never to the container.
"""

EXAMPLES = r"""
- name: Commit the build container as the step's image
  kantoo.devkit.container_commit:
    container: build-1
    repository: debian/amd64/bookworm/hello_world
    tag: hello_from_sh
    labels:
      org.example.step: hello_from_sh

- name: Commit the build container and remove it
  kantoo.devkit.container_commit:
    container: build-1
    repository: debian/amd64/bookworm/hello_world
    tag: hello_from_sh
    remove: true

- name: Commit, set a command and tag it final too
  kantoo.devkit.container_commit:
    container: build-1
    repository: example/app
    tag: v1
    extra_tags: [final]
    changes:
      - CMD ["/bin/bash"]
    author: builder
    comment: installed the app
  register: commit

- name: Show the image id
  ansible.builtin.debug:
    var: commit.image_id
"""

RETURN = r"""
image_id:
  description: Id of the new image; null in check mode.
  returned: always
  type: str
  sample: sha256:4ca5a981c92512b0dc3e5c5d1c4f8f1a1b2e3c4d5e6f708192a3b4c5d6e7f809
parent_image_id:
  description: Id of the image the container was started from.
  returned: always
  type: str
repository:
  description: Repository of the new image.
  returned: always
  type: str
  sample: debian/amd64/bookworm/hello_world
tags:
  description: The tags that point at the new image.
  returned: always
  type: list
  elements: str
  sample: [hello_from_sh, final]
kantoo:
  description:
    - The step_committed event, for the C(kantoo.devkit.steps) callback, when O(labels) name a step of a stalk
      (the labels M(kantoo.devkit.step_container) returns).
  returned: when the labels name a step
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kantoo.devkit.plugins.module_utils._commit import run_commit

ARGUMENT_SPEC = dict(
    container=dict(type="str", required=True),
    repository=dict(type="str", required=True),
    tag=dict(type="str", default="latest"),
    extra_tags=dict(type="list", elements="str", default=[]),
    labels=dict(type="dict", default={}),
    artifacts=dict(type="list", elements="path"),
    changes=dict(type="list", elements="str", default=[]),
    author=dict(type="str"),
    comment=dict(type="str"),
    keep_image_config=dict(type="bool", default=True),
    remove=dict(type="bool", default=False),
    docker_host=dict(type="str"),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    result = run_commit(module.params, module.check_mode)
    if result.get("failed"):
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
