# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The check of a stalk before any container of the run starts: what can be known wrong, and whether the stalk is
up to date, so that a run with nothing to do starts no container."""

from __future__ import annotations

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import find_image
from ansible_collections.kantoo.devkit.plugins.module_utils._names import FINAL_TAG, INITIAL_TAG, image, split_image
from ansible_collections.kantoo.devkit.plugins.plugin_utils._plan import plan_stalk
from ansible_collections.kantoo.devkit.plugins.plugin_utils._reuse import pretending, reused_by_tag, tagged_image
from ansible_collections.kantoo.devkit.plugins.plugin_utils._shared import SharedCache
from ansible_collections.kantoo.devkit.plugins.plugin_utils._stalk_config import unset_variables
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


def check_stalk(client, stalk, source, tree_repositories, force=None):
    """Stop on what can be known wrong before any container starts; True when the stalk is up to date.
    source: its Source; tree_repositories: those of every stalk of its tree."""
    unset_variables(stalk)
    shared = SharedCache(client, stalk, dry=True)
    shared.check()  # a registry that does not answer stops the run here, before any container starts
    skip_until = stalk.get("kantoo_skip_until")
    if skip_until and skip_until not in source.names:
        raise TreeError("%s: stalk '%s': skip_until names '%s', which is not one of its steps: %s"
                        % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"], skip_until, ", ".join(source.names)))
    initial = stalk["kantoo_initial_image"]
    # another stalk of the tree makes it in this run; a root's own :initial is a base image made beforehand
    made_here = tree_repositories - {stalk["kantoo_repository"]}
    if split_image(initial)[0] not in made_here and find_image(client, initial) is None \
            and not shared.holds(initial):  # the plan pulls it from the registry
        raise TreeError("%s: stalk '%s': its initial image '%s' does not exist%s; make it first, for example with "
                        "'make setup' (role kantoo.devkit.base_image)" % (
                            stalk["kantoo_tree_file"], stalk["kantoo_stalk"], initial,
                            " on its engine nor in the registry" if shared.registry else ""))
    for step, why in reused_by_tag(stalk, source).items():
        tagged_image(client, stalk, step, why)
    return up_to_date(client, stalk, source, force)


def up_to_date(client, stalk, source, force=None):
    """True when growing the stalk would neither run a step nor move a tag: every step is in the cache and its
    tag, initial and final already point at the images the cache names, and the tree's registry, if any, holds
    that final (else the plan pushes what it lacks).  A stalk that reuses steps by tag
    (pretend, skip_until) or whose initial image is still to be built is never up to date."""
    if pretending(stalk) or stalk.get("kantoo_skip_until"):
        return False
    if find_image(client, stalk["kantoo_initial_image"]) is None:
        return False
    plan = plan_stalk(client, stalk, source, force, dry=True)
    if plan.todo:
        return False
    tags = dict(plan.images, **{INITIAL_TAG: plan.initial_image, FINAL_TAG: plan.image})
    return all(find_image(client, image(stalk["kantoo_repository"], tag)) == image_id
               for tag, image_id in tags.items()) and SharedCache(client, stalk, dry=True).current(plan.image)
