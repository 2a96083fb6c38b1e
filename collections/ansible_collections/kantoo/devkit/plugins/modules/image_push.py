#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: image_push
short_description: Push images of a repository, and their cache keys, to an image registry
version_added: 0.2.0
description:
  - Pushes images of the Docker engine as C(<registry>/<repository>:<tag>), each under its O(tags) and, when it
    carries a cache key (the label C(kantoo.devkit.key) that step images have), under C(key-<key>) too, so that a
    stalk's cache lookup on another engine finds the step in the registry by its key.
  - An image goes to the registry only when the registry does not hold it under that tag already (the same image, as
    its manifest names the image's config, whose digest is the image's id); then nothing is pushed and the task
    reports no change.
  - Each image's key tag is pushed before its other tags, and C(final) after every other, so that a registry that
    holds a stalk's C(final) holds the rest of what was pushed with it.
  - The engine keeps no name of the registry's; the images keep theirs.
  - C(kantoo.devkit.stalk) pushes each step image after its commit when the tree has a C(REGISTRY), and what the
    registry lacks of the images a run reuses; C(playbooks/push.yml) pushes a grown tree on its own.
options:
  registry:
    description: The registry, C(host:port) optionally followed by C(/prefix), such as C(127.0.0.1:5000).
    type: str
    required: true
  repository:
    description: Repository of the images on the engine, and under O(registry) in the registry.
    type: str
    required: true
  tags:
    description:
      - The tags of O(repository) to push, each with its own image, unless O(image) is given.
      - Omitted, every tag of O(repository) on the engine but C(initial) (the image a stalk starts from, pushed
        under its own name) and the tags of failed steps' images.
    type: list
    elements: str
  image:
    description: Push this image (an id or a name) under every one of O(tags), instead of each tag's own image.
    type: str
  key_tags:
    description: Also push each image that carries a cache key under C(key-<key>).
    type: bool
    default: true
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.common.dry_run, kantoo.devkit.docker,
                                 kantoo.devkit.registry]
notes:
  - By default the engine is the stalk's, the host variable C(kantoo_docker_host) when the task runs for a stalk,
    else C(DOCKER_HOST) or the local socket.
seealso:
  - module: kantoo.devkit.stalk_plan
"""

EXAMPLES = r"""
- name: Push the image of a step, as its tag and final, and under its cache key
  kantoo.devkit.image_push:
    registry: 127.0.0.1:5000
    repository: debian/amd64/bookworm/hello_world
    tags: [hello_python_from_explicit_env, final]

- name: Push every tagged image of a stalk
  kantoo.devkit.image_push:
    registry: "{{ kantoo_registry }}"
    repository: "{{ kantoo_repository }}"

- name: Push the base image under its own name
  kantoo.devkit.image_push:
    registry: registry.example.org:5000/builds
    repository: kantoo/debian
    tags: [bookworm]
  register: pushed
"""

RETURN = r"""
pushed:
  description: The references pushed, C(<registry>/<repository>:<tag>); in check mode, those that would be.
  returned: success
  type: list
  elements: str
  sample:
    - 127.0.0.1:5000/debian/amd64/bookworm/hello_world:key-3f1c0a
    - 127.0.0.1:5000/debian/amd64/bookworm/hello_world:hello_python_from_explicit_env
    - 127.0.0.1:5000/debian/amd64/bookworm/hello_world:final
present:
  description: The references the registry held already, as the same images.
  returned: success
  type: list
  elements: str
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    registry=dict(type="str", required=True),
    repository=dict(type="str", required=True),
    tags=dict(type="list", elements="str"),
    image=dict(type="str"),
    key_tags=dict(type="bool", default=True),
    docker_host=dict(type="str"),
)
REQUIRED_BY = {"image": ["tags"]}


def main():
    controller_only(ARGUMENT_SPEC, required_by=REQUIRED_BY, supports_check_mode=True)


if __name__ == "__main__":
    main()
