# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Removing a stalk's images. Only images and containers: host directories are never touched."""

from __future__ import annotations

from ansible_collections.kantoo.devkit.plugins.module_utils.docker_client import APIError, NotFound
from ansible_collections.kantoo.devkit.plugins.plugin_utils.plan import REPOSITORY_LABEL, remove_leftovers


def prune_stalk(client, stalk, repository):
    """Remove the stalk's containers, its tags, and the images it made (newest first); returns the removed tags."""
    remove_leftovers(client, stalk)
    removed = []
    # :initial is the parent's final (or an outside image): only the tag goes
    for image in client.api.images(name=repository):
        for tag in image.get("RepoTags") or []:
            if tag.rsplit(":", 1)[0] == repository and tag.endswith(":initial"):
                client.api.remove_image(tag)
                removed.append(tag)
    made = client.api.images(all=True, filters={"label": "%s=%s" % (REPOSITORY_LABEL, repository)})
    for image in sorted(made, key=lambda i: i["Created"], reverse=True):
        tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
        ours = [t for t in tags if t.rsplit(":", 1)[0] == repository]
        removed.extend(ours)
        try:
            if len(ours) < len(tags):  # another tree reuses this cached step: only our tags go
                for tag in ours:
                    client.api.remove_image(tag)
            else:
                client.api.remove_image(image["Id"], force=True)
        except NotFound:  # gone with a child already
            pass
        except APIError as exc:
            if exc.status_code != 409:  # 409: another tree built on it; it stays for that tree
                raise
    for image in client.api.images(name=repository):  # tags on images made by something else
        for tag in image.get("RepoTags") or []:
            client.api.remove_image(tag)
            removed.append(tag)
    return sorted(set(removed))
