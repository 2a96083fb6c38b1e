#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: stalk_convert
short_description: Convert a seed-format stalk file into a role
version_added: 0.1.0
description:
  - Writes C(<roles_dir>/<stalk>/), a role whose C(tasks/main.yml) imports one task file per exec plugin of the
    stalk file, in order. Each step puts its script at C(/entropy/plugins/<plugin>), runs it with its interpreter
    and its variables as environment, and removes it; C({VAR}) in non-sh scripts becomes a role variable.
  - File plugins become templates that the first step puts at their bind paths. Plugin variables become role
    defaults C(<stalk>_<plugin>_<var>); a C('') one takes the tree's variable of that name.
  - Container options, env, stalk variables and directory mounts stay in the stalk file, which the runner
    reads in role mode too.
  - An existing role that differs from the conversion is kept, unless O(force).
options:
  manifest:
    description: Path of the stalk file, C(stalks/<stalk>/<stalk>.hjson).
    type: path
    required: true
  roles_dir:
    description: Directory of the new role; by default C(roles/) of the stalk file's project.
    type: path
  force:
    description: Overwrite a role that differs from the conversion.
    type: bool
    default: false
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.common.dry_run]
"""

EXAMPLES = r"""
- name: Convert the hello world stalk file
  kantoo.devkit.stalk_convert:
    manifest: stalks/hello_world/hello_world.hjson
    roles_dir: /tmp/converted
"""

RETURN = r"""
role_dir:
  description: Directory of the role.
  returned: success
  type: str
files:
  description: Files of the role, relative to it.
  returned: success
  type: list
  elements: str
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    manifest=dict(type="path", required=True),
    roles_dir=dict(type="path"),
    force=dict(type="bool", default=False),
)


def main():
    controller_only(ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
