#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: image_import
short_description: Import a root file system as a Docker image
version_added: 0.1.0
description:
  - Imports a root file system, a directory or a tarball, as a single-layer image, like C(docker import);
    or copies an existing image into one layer with its config but without its declared volumes, as the seed
    did with its stage3 images, so that what steps write under a volume path is committed.
  - Does nothing when the image exists already, unless O(force) is set.
  - A directory is archived with numeric owners into the module's temporary directory, then streamed to the daemon.
extends_documentation_fragment:
  - kantoo.devkit.common
  - kantoo.devkit.common.dry_run
  - kantoo.devkit.docker
  - kantoo.devkit.docker.changes
attributes:
  action:
    support: none
    details: It runs as a module, on the target host.
options:
  name:
    description: Name of the image, C(repository:tag). Without a tag, C(latest).
    type: str
    required: true
  rootfs:
    description: Directory holding the root file system. Exactly one of O(rootfs), O(tarball) and O(image) is required.
    type: path
  tarball:
    description: Tarball of the root file system, possibly compressed (gzip, bzip2, xz).
    type: path
  image:
    description: An existing image to copy, without its declared volumes.
    type: str
  force:
    description: Import even when the image exists, moving the tag to the new image.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Import a debootstrapped directory
  kantoo.devkit.image_import:
    name: kantoo/debian:bookworm
    rootfs: /var/tmp/rootfs

- name: Copy an image without its volumes
  kantoo.devkit.image_import:
    name: funtoo/x86-64bit/amd64-k10/stage3:initial
    image: example/stage3:latest

- name: Import a stage3 tarball
  kantoo.devkit.image_import:
    name: funtoo/x86-64bit/amd64-k10/stage3:initial
    tarball: /var/tmp/stage3-latest.tar.xz
"""

RETURN = r"""
image_id:
  description: Id of the image; null in check mode when it would be imported.
  returned: always
  type: str
"""

import os

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect, find_image
from ansible_collections.kantoo.devkit.plugins.module_utils._flatten import export_import
from ansible_collections.kantoo.devkit.plugins.module_utils._names import split_image

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    rootfs=dict(type="path"),
    tarball=dict(type="path"),
    image=dict(type="str"),
    changes=dict(type="list", elements="str", default=[]),
    force=dict(type="bool", default=False),
    docker_host=dict(type="str"),
)
SOURCES = ["rootfs", "tarball", "image"]  # exactly one of them


def import_rootfs(module, client):
    params = module.params
    repository, tag = split_image(params["name"])
    if params["image"]:
        source = find_image(client, params["image"])
        if source is None:
            module.fail_json(msg="image '%s' does not exist" % params["image"])
        return export_import(client, source, repository=repository, tag=tag)
    tarball = params["tarball"]
    if tarball is None:
        # a tarball in the module's temporary directory, removed with it
        tarball = os.path.join(module.tmpdir, "rootfs.tar")
        module.run_command(["tar", "-C", params["rootfs"], "--numeric-owner", "-cf", tarball, "."], check_rc=True)
    with open(tarball, "rb") as data:  # compressed or not: the engine reads either
        return client.import_image(data, repository=repository, tag=tag, changes=params["changes"])


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, required_one_of=[SOURCES], mutually_exclusive=[SOURCES],
                           supports_check_mode=True)
    try:
        client = connect(module.params["docker_host"])
        existing = find_image(client, module.params["name"])
        if existing and not module.params["force"]:
            module.exit_json(changed=False, image_id=existing)
        if module.check_mode:
            module.exit_json(changed=True, image_id=None)
        module.exit_json(changed=True, image_id=import_rootfs(module, client))
    except EngineError as exc:
        module.fail_json(msg=exc.message("import of %s failed" % module.params["name"]))
    except OSError as exc:
        module.fail_json(msg="import of %s failed: %s" % (module.params["name"], exc))


if __name__ == "__main__":
    main()
