# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The step cache: an image labelled with a step's cache key is that step, built before.

A key is a digest of the parent image's id and of the step's inputs (see inputs.py).  It is chained on image ids,
never on the previous step's key: a step rebuilt in a run that then failed on the next step must not let the next
run reuse the old next-step image, built on the old parent.  The inputs label keeps the inputs as digests, so that
a miss can say what changed.
"""

from __future__ import annotations

import json

from ansible_collections.kantoo.devkit.plugins.module_utils._commit import holding_something
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, find_image
from ansible_collections.kantoo.devkit.plugins.module_utils._names import ARTIFACTS_LABEL, INPUTS_LABEL, KEY_LABEL
from ansible_collections.kantoo.devkit.plugins.plugin_utils._inputs import sha256

# the parts of a step's inputs that name what changed when it misses; the container's is one digest
NAMED_INPUTS = ("files", "defaults", "variables", "overrides")


def cache_key(parent_id, digest):
    """The key of a step with inputs digest, started from the image parent_id."""
    return sha256(parent_id + digest)


def find_cached(client, key, tagged=None):
    """(id, labels) of an image labelled with key, or None: the one at the reference tagged (the step's own tag)
    when it is, without searching (a rerun's usual case: one inspect instead of a listing of the engine's images),
    else the newest."""
    if tagged:
        try:
            found = client.inspect_image(tagged)
        except EngineError as exc:
            if exc.status_code != 404:
                raise
        else:
            labels = found["Config"].get("Labels") or {}
            if labels.get(KEY_LABEL) == key:
                return found["Id"], labels
    images = client.images(all=True, filters={"label": "%s=%s" % (KEY_LABEL, key)})
    if not images:
        return None
    newest = max(images, key=lambda i: i["Created"])
    return newest["Id"], newest.get("Labels") or {}


def artifacts_gone(labels):
    """The host directories a step left something in (its image's artifacts label) that are empty or gone now:
    what it wrote there is not in its image, so it must run again."""
    held = json.loads(labels.get(ARTIFACTS_LABEL) or "[]")
    return sorted(set(held) - set(holding_something(held)))


def explain_miss(client, reference, inputs, parent_id):
    """Why a step is not in the cache, from the inputs label of the image reference (its previous image);
    parent_id is None when the step's parent is not built yet."""
    previous = find_image(client, reference)
    if previous is None:
        return "never built"
    labels = client.inspect_image(previous)["Config"]["Labels"] or {}
    if INPUTS_LABEL not in labels:
        return "its image has no record of its inputs"
    before = json.loads(labels[INPUTS_LABEL])
    if before.get("parent") != parent_id:
        return "its parent image changed (an earlier step, or the parent stalk, was rebuilt)"
    changes = []
    for part in NAMED_INPUTS:
        old, new = before.get(part, {}), inputs[part]
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                changes.append("%s %s %s" % (part.rstrip("s"), name, "changed" if name in old and name in new
                                             else "added" if name in new else "removed"))
    if before.get("container") != inputs["container"]:
        changes.append("container options, env or mounts changed")
    return ", ".join(changes) or "inputs changed"
