#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: stalk_done
short_description: Tell the children of a kantoo stalk that it is done
version_added: 0.1.0
description:
  - Sibling stalks grow at once; a child stalk's M(kantoo.devkit.stalk_plan) waits until its parent, when it is
    part of the same run, is done, and does not grow when its parent failed.
  - Then removes the stalk's step containers that are left (daemonized ones stay), and waits until those whose
    removal is under way in the background are gone; the children do not wait for that.
  - The marker lives in C(.kantoo/run/<pid of ansible-playbook>/) of the tree's project; later runs clear it.
options:
  failed:
    description: The stalk failed, so its children must not grow.
    type: bool
    default: false
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.stalk]
attributes:
  check_mode:
    support: none
    details: The marker is written whatever the mode.
"""

EXAMPLES = r"""
- name: Tell the children this stalk is done
  kantoo.devkit.stalk_done:
"""

RETURN = r"""
kantoo:
  description: The stalk_done event, for the C(kantoo.devkit.steps) callback.
  returned: always
  type: dict
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    failed=dict(type="bool", default=False),
)


def main():
    controller_only(ARGUMENT_SPEC)


if __name__ == "__main__":
    main()
