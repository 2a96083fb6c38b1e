# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One-layer copies of images: deep chains flattened (Docker refuses images deeper than about 125 layers,
and every step adds one), and outside images imported without their declared volumes."""

from __future__ import annotations

import json

from ansible_collections.kantoo.devkit.plugins.module_utils._names import FLATTENED_LABEL


def layer_count(client, image_id):
    return len(client.inspect_image(image_id)["RootFS"].get("Layers") or [])


def config_changes(config):
    """Dockerfile instructions that give an imported image the config of the image it was exported from,
    but for VOLUME: a declared volume would hide what later steps write there from their commits."""
    changes = ["ENV %s=%s" % (k, json.dumps(v)) for k, v in (e.split("=", 1) for e in config.get("Env") or [])]
    for key, instruction in (("Entrypoint", "ENTRYPOINT"), ("Cmd", "CMD")):
        if config.get(key):
            changes.append("%s %s" % (instruction, json.dumps(config[key])))
    if config.get("WorkingDir"):
        changes.append("WORKDIR " + config["WorkingDir"])
    if config.get("User"):
        changes.append("USER " + config["User"])
    labels = dict(config.get("Labels") or {})
    return changes, labels


def flattened(client, image_id):
    """A one-layer copy of image_id with the same config; made once, then found by its label."""
    found = client.images(all=True, filters={"label": "%s=%s" % (FLATTENED_LABEL, image_id)}, quiet=True)
    if found:
        return found[0]
    return export_import(client, image_id, {FLATTENED_LABEL: image_id})


def export_import(client, image_id, labels=None, repository=None, tag=None):
    """A one-layer copy of image_id with its config, less its declared volumes (as the seed imported)."""
    changes, image_labels = config_changes(client.inspect_image(image_id)["Config"] or {})
    image_labels.update(labels or {})
    changes += ["LABEL %s=%s" % (k, json.dumps(v)) for k, v in sorted(image_labels.items())]
    container = client.create_container({"Image": image_id, "Entrypoint": ["/bin/true"]})
    try:
        # the export streams straight into the import: nothing of the size of a root file system is held here
        return client.import_image(client.export(container), repository=repository, tag=tag, changes=changes)
    finally:
        client.remove_container(container, force=True)
