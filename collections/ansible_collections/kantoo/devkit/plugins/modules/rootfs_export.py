#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: rootfs_export
short_description: Export a container's or an image's file system as byte-stable root and boot tarballs
version_added: 0.1.0
description:
  - Takes the file system from the Docker engine's export, as C(docker export) does, which is the container's root
    file system as the storage driver has it. No live root is read, so no content of C(/proc), C(/sys), C(/dev) or of
    a mount ever gets in, and nothing changes while it is read.
  - The export is re-packed on the controller into POSIX (pax) tarballs that the same file system always makes
    byte for byte the same, whichever container it comes from, names sorted, as C(./path), with numeric owners
    only, no access or change times, extended attributes kept.
    Docker's own files (C(/.dockerenv), C(/etc/hostname), C(/etc/hosts), C(/etc/resolv.conf)) are left out;
    O(overlay) gives the system its own. C(/dev), C(/proc) and C(/sys) go in as empty directories. What the export
    makes up and what Docker touches when it creates a container (kept-empty directories, overlay files, C(./),
    C(/etc), C(/etc/mtab)) get the modification time 0.
  - The export is re-packed as it streams in, with no copy of it on disk, when the engine gives it in the
    tarballs' order (its walk of the file system does). When it does not, the export is taken a second time into
    a temporary file and sorted there; the tarballs are the same bytes either way.
  - Each tarball is written to a temporary file and replaces O(dest) or O(boot_dest) only when its bytes differ.
  - The destinations are paths as the task's target container sees them. One under a bind mount is written to
    the mount's source on the engine's host directly when the engine is local; any other is put into the
    container through the engine (C(docker cp)). On a C(local) connection they are paths of the controller.
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.docker]
attributes:
  check_mode:
    support: full
    details: Exports and compares, says which tarball would change, and writes nothing.
options:
  container:
    description:
      - Name or id of the container to export. By default the task's target, which must then be a Docker
        container (connection C(community.docker.docker) or C(community.docker.docker_api)).
    type: str
  image:
    description:
      - Export this image instead, through a container created from it, never started, and removed afterwards.
    type: str
  dest:
    description: Path of the root tarball. Its directory must exist.
    type: str
    required: true
  boot_dest:
    description:
      - Path of the boot tarball, C(./boot) and everything under it. With it, the root tarball has C(/boot) as an
        empty directory, whatever O(exclude) says about C(/boot).
    type: str
  exclude:
    description:
      - Absolute paths the root tarball leaves out, with everything under them; shell wildcards match as in
        C(tar --anchored) patterns (C(*) matches C(/) too).
      - C(DIR/*) leaves out the content of directory C(DIR) and keeps C(DIR), empty, with its owner and mode and
        the modification time 0 (C(/tmp/*), C(/var/cache/apt/*)).
    type: list
    elements: str
    default: []
  include:
    description:
      - Absolute paths added back, with everything under them, though O(exclude) covers them (a Portage profile
        in an excluded repository); their parent directories go in too, without their other content.
    type: list
    elements: str
    default: []
  overlay:
    description: Files put in the root tarball with this content, owned by root, in place of what is there.
    type: list
    elements: dict
    default: []
    suboptions:
      path:
        description: Absolute path of the file.
        type: str
        required: true
      content:
        description: Its content.
        type: str
        required: true
      mode:
        description: Its permissions, in octal.
        type: str
        default: "0644"
notes:
  - The destinations are never part of what is exported, and their directories get the modification time 0,
    since writing them changes it.
  - Mount points appear as empty directories, as in the container; leave them out with O(exclude).
  - In a step of a kantoo stalk, O(docker_host) defaults to the stalk's engine (C(kantoo_docker_host), the tree's
    C(DOCKER_HOST) for the stalk), where its container runs.
seealso:
  - module: kantoo.devkit.container_commit
"""

EXAMPLES = r"""
- name: Export the stage4 of the target container into the directory mounted at /kantoo/stage4s
  kantoo.devkit.rootfs_export:
    dest: /kantoo/stage4s/stage4.tar
    boot_dest: /kantoo/stage4s/boot.tar
    exclude: [/kantoo, /root/.ansible, /tmp/*, /var/cache/apt/*]
    overlay:
      - path: /etc/hostname
        content: "stage4\n"

- name: Export an image on the controller
  kantoo.devkit.rootfs_export:
    image: debian/amd64/bookworm/debian_stage4:final
    dest: /srv/images/stage4.tar
  delegate_to: localhost
"""

RETURN = r"""
tarballs:
  description: The tarballs, root first.
  returned: success
  type: list
  elements: dict
  contains:
    dest:
      description: Path as the target sees it.
      type: str
    changed:
      description: Whether its bytes changed (in check mode, would change).
      type: bool
    sha256:
      description: Digest of its bytes.
      type: str
    size:
      description: Size in bytes.
      type: int
    entries:
      description: Number of entries.
      type: int
    written_to:
      description: Where it is written, C(host:PATH) (on the engine's host or the controller) or C(container:NAME).
      type: str
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    container=dict(type="str"),
    image=dict(type="str"),
    dest=dict(type="str", required=True),
    boot_dest=dict(type="str"),
    exclude=dict(type="list", elements="str", default=[]),
    include=dict(type="list", elements="str", default=[]),
    overlay=dict(type="list", elements="dict", default=[], options=dict(
        path=dict(type="str", required=True),
        content=dict(type="str", required=True),
        mode=dict(type="str", default="0644"),
    )),
    docker_host=dict(type="str"),
)
MUTUALLY_EXCLUSIVE = [["container", "image"]]


def main():
    controller_only(ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE, supports_check_mode=True)


if __name__ == "__main__":
    main()
