# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the modules that use a tree's image registry share: what a registry is to them, and how it is reached."""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
options: {}
notes:
  - A registry is a Docker distribution (v2 API), such as Debian's C(docker-registry), without authentication, given
    as C(host:port) optionally followed by C(/prefix); a tree names it with C(REGISTRY) in its C(globals), the host
    variable C(kantoo_registry). Repository C(r) is C(<REGISTRY>/r) there.
  - The controller reads manifests from it; images travel through the Docker engine, which must reach it by the same
    name. Docker, and the controller, speak plain HTTP to a registry on 127.0.0.0/8 (or C(localhost)); any other
    must serve https, or be listed in the C(insecure-registries) of every engine that pushes or pulls.
"""
