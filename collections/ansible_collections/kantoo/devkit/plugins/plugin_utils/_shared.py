# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The cache a tree shares through its registry (REGISTRY, host variable kantoo_registry), as the check and the
plan ask it: a step whose key the stalk's engine lacks is pulled from the registry's ``key-<key>`` tag, an initial
image the engine lacks is pulled under its own name, and what the registry lacks of the images the plan reuses is
pushed by the grow play (kantoo.devkit.image_push).  In check mode nothing is pulled: a hit's id is read from its
manifest.  Without a registry every answer is the engine's alone."""

from __future__ import annotations

from ansible_collections.kantoo.devkit.plugins.module_utils._names import FINAL_TAG, REPOSITORY_LABEL, split_image
from ansible_collections.kantoo.devkit.plugins.module_utils._registry import (
    Registry, RegistryError, key_tag, pull, same_image)
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


class SharedCache:
    """The registry of a stalk's tree, for the stalk's engine client; dry: check mode, nothing pulled."""

    def __init__(self, client, stalk, dry=False):
        self.client, self.stalk, self.dry = client, stalk, dry
        self.registry = self._ask(Registry, stalk["kantoo_registry"]) if stalk.get("kantoo_registry") else None

    def _ask(self, call, *args):
        """call(*args); a registry's failure as the TreeError that stops the stalk, naming it."""
        try:
            return call(*args)
        except RegistryError as exc:
            raise TreeError("%s: stalk '%s': %s" % (self.stalk["kantoo_tree_file"], self.stalk["kantoo_stalk"], exc))

    def check(self):
        """Stop, naming the stalk, the registry's URL and what to do, unless the registry answers."""
        if self.registry:
            self._ask(self.registry.ping)

    def holds(self, reference):
        """Whether the registry holds the image reference (repository:tag)."""
        return bool(self.registry) and self._ask(self.registry.manifest_digest, *split_image(reference)) is not None

    def initial(self, found):
        """The id of the stalk's initial image; found: its id on the engine, None when the engine lacks it.
        A stalk's image (its parent's final), which may have grown on another engine, is the registry's when the
        registry holds a newer one; any other image (a base) is the engine's, and the registry's only when the
        engine lacks it."""
        if not self.registry:
            return found
        repository, tag = split_image(self.stalk["kantoo_initial_image"])
        local = self.client.inspect_image(found) if found else None
        if local and (local["Config"].get("Labels") or {}).get(REPOSITORY_LABEL) != repository:
            return found
        held = self._ask(self.registry.image_id, repository, tag)
        if held is None or held == found:
            return found
        # the engine's is older when the parent grew again elsewhere; the registry's, when it was not pushed to
        if local and _instant(self._ask(self.registry.image_config, repository, tag)["created"]) <= _instant(
                local["Created"]):
            return found
        return held if self.dry else self._ask(pull, self.client, self.registry, repository, tag, repository, tag)

    def step(self, step, key):
        """The id of the step's image whose cache key is key, from the registry (pulled and tagged as the step,
        unless dry); None when the registry lacks it."""
        if not self.registry:
            return None
        tag = key_tag(key)
        if self.dry:  # one GET of the manifest: its config's digest is the id, and a miss is a 404 all the same
            return self._ask(self.registry.image_id, step.repository, tag)
        if self._ask(self.registry.manifest_digest, step.repository, tag) is None:
            return None
        return self._ask(pull, self.client, self.registry, step.repository, tag, step.repository, step.name)

    def current(self, final):
        """Whether the registry's final of the stalk is final (an image id), as the engine's is: pushed last, it
        says the rest is there too."""
        return not self.registry or self._ask(same_image, self.registry, self.stalk["kantoo_repository"],
                                              FINAL_TAG, final)

    def pushes(self, plan):
        """What the grow play pushes before any step runs, each the repository and tags of a task of
        kantoo.devkit.image_push: the initial image under its own name, and the steps reused (final too when no
        step runs), unless the registry holds them already."""
        if not self.registry or self.dry:
            return []
        items = []
        repository, tag = split_image(self.stalk["kantoo_initial_image"])
        if plan.initial_image and not self._ask(same_image, self.registry, repository, tag, plan.initial_image):
            items.append({"repository": repository, "tags": [tag]})
        if plan.cached and (plan.todo or not self.current(plan.image)):
            items.append({"repository": self.stalk["kantoo_repository"],
                          "tags": plan.cached + ([] if plan.todo else [FINAL_TAG])})
        return items


def _instant(created):
    """An image's creation time as Docker writes it (RFC 3339, up to nine digits of a second), comparable."""
    seconds, _dot, fraction = created.rstrip("Z").partition(".")
    return seconds, fraction.ljust(9, "0")
