# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Removing a stalk's images. Only images and containers: host directories are never touched.

An image goes only when the tree made it (it carries the repository label of one of the tree's stalks). A tag of
the stalk's repository on an image the tree did not make is removed only when the image keeps another name: a
root stalk's ':initial' is often the only name of its base image (an imported stage3), which prune must not delete.
"""

from __future__ import annotations

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError
from ansible_collections.kantoo.devkit.plugins.module_utils._names import INITIAL_TAG, REPOSITORY_LABEL, split_image
from ansible_collections.kantoo.devkit.plugins.plugin_utils._run import remove_leftovers

KEPT = "%s: kept, since it is the only name of an image this tree did not build (a base image); remove it with " \
       "'docker rmi %s' if you mean to"


def _names(image):
    return [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]


def _untag(client, image, tag, tree_repositories, removed, kept):
    """Remove one tag of the stalk's repository, unless it is the last name of an image the tree did not make."""
    # a listing filtered by repository shows only that repository's tags: ask for all of the image's names
    if len(_names(client.inspect_image(image["Id"]))) > 1 \
            or (image.get("Labels") or {}).get(REPOSITORY_LABEL) in tree_repositories:
        client.remove_image(tag)
        removed.append(tag)
    else:
        kept[tag] = KEPT % (tag, tag)


def _own_tags(client, repository):
    """(image, tag) for every tag of repository."""
    return [(image, tag) for image in client.images(name=repository) for tag in _names(image)
            if split_image(tag)[0] == repository]


def prune_stalk(client, stalk, repository, tree_repositories=None):
    """Remove the stalk's containers, its tags, and the images it made (newest first).

    Returns the removed tags and, for each tag kept, why."""
    tree_repositories = set(tree_repositories or ()) | {repository}
    remove_leftovers(client, stalk)
    removed, kept = [], {}
    # :initial is the parent's final, or an outside image: at most the tag goes
    for image, tag in _own_tags(client, repository):
        if split_image(tag)[1] == INITIAL_TAG:
            _untag(client, image, tag, tree_repositories, removed, kept)
    made = client.images(all=True, filters={"label": "%s=%s" % (REPOSITORY_LABEL, repository)})
    for image in sorted(made, key=lambda i: i["Created"], reverse=True):
        tags = _names(image)
        ours = [t for t in tags if split_image(t)[0] == repository]
        removed.extend(ours)
        try:
            if len(ours) < len(tags):  # another tree reuses this cached step: only our tags go
                for tag in ours:
                    client.remove_image(tag)
            else:
                client.remove_image(image["Id"], force=True)
        except EngineError as exc:
            if exc.status_code == 404:  # gone with a child already
                continue
            if exc.status_code != 409:
                raise
            # 409: images are built on it (another tree's, or the stalk's children when they are kept):
            # it stays for them, without the stalk's names
            for tag in ours:
                client.remove_image(tag)
    for image, tag in _own_tags(client, repository):  # tags on images made by something else
        if tag not in removed and tag not in kept:
            _untag(client, image, tag, tree_repositories, removed, kept)
    return sorted(set(removed)), [kept[tag] for tag in sorted(kept)]
