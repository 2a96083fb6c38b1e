# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Commit a container as a tagged image: shared by the container_commit module and its action plugin
(the arguments: modules/container_commit.py's ARGUMENT_SPEC)."""

from __future__ import annotations

import copy
import json
import os

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect, tag_image
from ansible_collections.kantoo.devkit.plugins.module_utils._names import ARTIFACTS_LABEL, image


def holding_something(directories):
    """Those of directories that exist and are not empty, sorted."""
    held = []
    for directory in directories:
        try:
            with os.scandir(directory) as entries:
                if next(entries, None) is not None:
                    held.append(directory)
        except OSError:  # gone, or not a directory
            pass
    return sorted(held)


def image_config(client, container):
    """The config of the image the container (its inspect answer) was started from, so that the container's own
    entrypoint, tty and run-time env do not leak into the committed image."""
    parent = client.inspect_image(container["Image"])
    conf = copy.deepcopy(parent.get("Config") or {})
    # Docker fills an empty Entrypoint from the container; [] keeps "no entrypoint".
    if not conf.get("Entrypoint"):
        conf["Entrypoint"] = []
    return conf


def commit_container(client, params, check_mode=False):
    """Commit params['container']; returns the result dict of the module."""
    container = client.inspect_container(params["container"])
    tags = [params["tag"]] + list(params["extra_tags"] or [])
    result = dict(changed=True, repository=params["repository"], tags=tags, image_id=None,
                  parent_image_id=container["Image"])
    if check_mode:
        return result
    conf = image_config(client, container) if params["keep_image_config"] else {}
    if params["labels"] or params.get("artifacts") is not None:
        labels = dict(conf.get("Labels") or {})
        labels.update({k: str(v) for k, v in params["labels"].items()})
        if params.get("artifacts") is not None:
            labels[ARTIFACTS_LABEL] = json.dumps(holding_something(params["artifacts"]))
        conf["Labels"] = labels
    response = client.commit(
        container["Id"], repository=params["repository"], tag=tags[0], message=params.get("comment"),
        author=params.get("author"), changes=params["changes"] or None, conf=conf or None)
    image_id = response["Id"]
    for tag in tags[1:]:
        tag_image(client, image_id, params["repository"], tag)
    result["image_id"] = image_id
    return result


def remove_now(client, name):
    client.remove_container(name, v=True, force=True)


def run_commit(params, check_mode=False, remove=remove_now):
    """The whole job of the module: its result, with failed and msg when the commit cannot be made.
    remove(client, name) removes the container when params['remove'] asks for it."""
    try:
        client = connect(params["docker_host"])
        result = commit_container(client, params, check_mode)
    except EngineError as exc:
        if exc.status_code == 404:
            return dict(failed=True, msg="container '%s' does not exist" % params["container"])
        return dict(failed=True, msg=exc.message("docker refused the commit of '%s'" % params["container"]))
    if params["remove"] and not check_mode:
        try:
            remove(client, params["container"])
        except EngineError as exc:
            return dict(result, failed=True, msg=exc.message("committed '%s' as %s, but could not remove it"
                                                             % (params["container"],
                                                                image(params["repository"], params["tag"]))))
    return result
