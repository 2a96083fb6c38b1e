#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: stalk_prune
short_description: Remove the images of a kantoo stalk
version_added: 0.1.0
description:
  - Removes the stalk's leftover containers, untags C(<repository>:initial) (its parent's image stays), and removes
    every image the stalk made (its steps, their cached versions, failed steps), newest first.
  - Removes only images the tree made, those labelled C(kantoo.devkit.repository) with one of its stalks' repositories.
    A tag that is the only name of any other image, such as a root stalk's C(:initial) on its imported base image, is
    kept, and said so in RV(kept).
  - Host directories, artifacts among them, are never touched.
  - Run it on a stalk's descendants first (C(playbooks/prune.yml) does), since an image with children cannot go.
options:
  registry:
    description:
      - Also delete every tag of the stalk's repository from the tree's registry (C(REGISTRY), host variable
        C(kantoo_registry)), its steps' tags, C(final) and C(key-*), by deleting the manifests they name. An image
        pushed under its own name (the base a root starts from) stays.
      - The registry frees the space of their layers when its C(docker-registry garbage-collect <config>) runs.
    type: bool
    default: false
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.common.daemon, kantoo.devkit.stalk,
                                 kantoo.devkit.registry]
"""

EXAMPLES = r"""
- name: Remove the stalk's images
  kantoo.devkit.stalk_prune:

- name: Remove the stalk's images, and its tags from the tree's registry
  kantoo.devkit.stalk_prune:
    registry: true
"""

RETURN = r"""
removed:
  description: The tags that were removed.
  returned: always
  type: list
  elements: str
kept:
  description: The tags of the stalk's repository that were kept, each with why.
  returned: always
  type: list
  elements: str
deleted:
  description: The tags deleted from the registry, C(<registry>/<repository>:<tag>), with O(registry).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    registry=dict(type="bool", default=False),
)


def main():
    controller_only(ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
