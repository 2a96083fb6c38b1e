#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# The work is done by the action plugin of the same name, on the controller; this file documents it
# and holds its ARGUMENT_SPEC, which the action plugin validates the task with.

from __future__ import annotations

DOCUMENTATION = r"""
module: stalk_plan
short_description: Plan the steps of a kantoo stalk, reusing every step found in the cache
version_added: 0.1.0
description:
  - Finds the stalk's role (in the tree's project C(roles/), the playbook's C(roles/), then C(roles_path)),
    reads its steps from C(tasks/main.yml), resolves the initial image and tags it C(initial), removes containers
    left by an interrupted run, then walks the steps and reuses each one whose cache key labels an image.
  - A step's cache key is a digest of its parent image id and of its inputs; its task file, the role's files,
    defaults and vars that it names, the tree variables it names, and the stalk's container settings.
  - A step is taken by its tag instead of run, and must have one, when the stalk's node sets C(pretend) (every
    step) or C(skip_until) (the steps before it), when its exec plugin sets C(skip), or when the play's
    C(kantoo_skip) names it (C(<step>) or C(<stalk>:<step>), a list or comma-separated); C(-e kantoo_pretend=true)
    pretends in every stalk. The next step starts from that tag's image.
  - With O(check_only), only validates what can be known before any container starts, and says whether the
    stalk is up to date, moving no tag and removing nothing.
  - When the tree names a registry (host variable C(kantoo_registry)), a step whose cache key the engine lacks is
    looked for in the registry under C(key-<key>), and pulled instead of run; an initial image the engine lacks is
    pulled under its own name, and a parent stalk's C(final) is the registry's when the registry holds a newer one.
    In check mode nothing is pulled. With O(check_only), a registry that does not answer stops the stalk, and a
    stalk whose C(final) the registry lacks is not up to date.
options:
  check_only:
    description:
      - Validate the stalk (role, steps, container options, mounts, unset variables, outside images), and find
        out whether growing it would do anything (RV(up_to_date)).
    type: bool
    default: false
  force:
    description:
      - Steps to rebuild even when cached, each C(stalk) (all its steps) or C(stalk:step) (that step and the ones after).
    type: list
    elements: str
    default: []
  explain:
    description:
      - Say, for each step, whether it is cached and what changed if not (RV(explain)), one line a step below the
        task's result. Ignored with O(check_only).
      - The C(kantoo.devkit.steps) callback prints these lines, and in check mode the directories the stalk's first
        container would create.
    type: bool
    default: false
extends_documentation_fragment: [kantoo.devkit.common, kantoo.devkit.stalk, kantoo.devkit.registry]
attributes:
  check_mode:
    support: full
    details: Finds and explains what is cached and what would be rebuilt, and moves no tag and pulls nothing.
"""

EXAMPLES = r"""
- name: Plan the stalk
  kantoo.devkit.stalk_plan:
    force: "{{ stalk_force | default([]) }}"
    explain: "{{ stalk_explain | default(false) }}"
  register: stalk_plan_result
"""

RETURN = r"""
steps:
  description: The stalk's steps, in order.
  returned: always
  type: list
  elements: str
cached:
  description: The steps reused from the cache.
  returned: unless check_only
  type: list
  elements: str
todo:
  description:
    - The steps to run, each with its name, inputs (as digests), parent image and, when the parent image is known
      before any step runs, its cache key and labels.
    - Each is what M(kantoo.devkit.step_container) takes as O(kantoo.devkit.step_container#module:step).
  returned: unless check_only
  type: list
  elements: dict
explain:
  description: For each step, whether it was cached and, if not, what changed.
  returned: unless check_only
  type: list
  elements: str
role:
  description: How to include the stalk's role, by name when it is in C(roles_path), else by path.
  returned: unless check_only
  type: str
role_dir:
  description: Path of the stalk's role.
  returned: unless check_only
  type: str
container:
  description: Options and mounts of the step containers.
  returned: unless check_only
  type: dict
creates:
  description: The stalk's rw directories that do not exist yet and that its first container makes, as sentences.
  returned: unless check_only
  type: list
  elements: str
push:
  description:
    - What the tree's registry lacks of the images the plan reuses, each the
      O(kantoo.devkit.image_push#module:repository) and O(kantoo.devkit.image_push#module:tags) of a
      M(kantoo.devkit.image_push) task; empty without a registry.
  returned: unless check_only
  type: list
  elements: dict
up_to_date:
  description:
    - Whether growing the stalk would neither run a step nor move a tag, as far as its own images tell; a stalk
      whose ancestors are not up to date needs growing all the same. Never true with pretend or skip_until.
  returned: with check_only
  type: bool
kantoo:
  description: The stalk_planned event, for the C(kantoo.devkit.steps) callback; with check_only, for an up-to-date stalk.
  returned: unless check_only, and with check_only when up to date
  type: dict
"""

from ansible_collections.kantoo.devkit.plugins.module_utils._controller import controller_only

ARGUMENT_SPEC = dict(
    check_only=dict(type="bool", default=False),
    force=dict(type="list", elements="str", default=[]),
    explain=dict(type="bool", default=False),
)


def main():
    controller_only(ARGUMENT_SPEC, supports_check_mode=True)


if __name__ == "__main__":
    main()
