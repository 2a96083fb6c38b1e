# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The names the collection gives to images, tags and labels, defined once.

An image of a stalk is ``{OS}/{ARCH}/{SUBARCH}/{stalk}:<tag>``; its tags are ``initial`` (what the stalk starts
from), one per step (the step's name), ``final`` (the last step) and ``<step>-failed`` (the file system of a step
that failed).  Labels on images and containers all start with ``kantoo.devkit.``.
"""

from __future__ import annotations

LABEL_PREFIX = "kantoo.devkit"

# on every step image
KEY_LABEL = LABEL_PREFIX + ".key"                # the cache key: parent image id and the step's inputs
INPUTS_LABEL = LABEL_PREFIX + ".inputs"          # the inputs as digests, to say why a step is not cached
REPOSITORY_LABEL = LABEL_PREFIX + ".repository"  # the stalk's repository: what prune may remove
TREE_LABEL = LABEL_PREFIX + ".tree"
STALK_LABEL = LABEL_PREFIX + ".stalk"
STEP_LABEL = LABEL_PREFIX + ".step"
FAILED_LABEL = LABEL_PREFIX + ".failed"          # "true" on the image of a failed step
# the host directories of its read-write mounts that held something once the step ran (JSON list)
ARTIFACTS_LABEL = LABEL_PREFIX + ".artifacts"
# on step containers
RUN_LABEL = LABEL_PREFIX + ".run"                # the run that started it: what a sweep may remove
DAEMON_LABEL = LABEL_PREFIX + ".daemon"          # "true": the seed's daemonize, left running
# on one-layer copies of deep images
FLATTENED_LABEL = LABEL_PREFIX + ".flattened-from"
# on images made to stand in for inputs that cannot be had here (a Portage stage3)
STANDIN_LABEL = LABEL_PREFIX + ".standin"

INITIAL_TAG = "initial"
FINAL_TAG = "final"
FAILED_SUFFIX = "-failed"


def repository_prefix(variables):
    """{OS}/{ARCH}/{SUBARCH} of a stalk's variables."""
    return "/".join(str(variables[k]) for k in ("OS", "ARCH", "SUBARCH"))


def repository(variables, stalk):
    """The image repository of a stalk: {OS}/{ARCH}/{SUBARCH}/{stalk}."""
    return "%s/%s" % (repository_prefix(variables), stalk)


def image(repository_name, tag):
    """repository:tag."""
    return "%s:%s" % (repository_name, tag)


def split_image(name):
    """repository and tag of an image name, the inverse of image(); 'latest' when it has no tag, and a ':' in a
    registry's host:port is not a tag."""
    if ":" not in name.rsplit("/", 1)[-1]:
        return name, "latest"
    repository_name, tag = name.rsplit(":", 1)
    return repository_name, tag


def failed_tag(step):
    """The tag of the file system a failed step left."""
    return step + FAILED_SUFFIX


def step_of_tag(tag):
    """The step a tag belongs to, and whether it is the tag of a failure: ('build', True) for 'build-failed'."""
    if tag.endswith(FAILED_SUFFIX):
        return tag[:-len(FAILED_SUFFIX)], True
    return tag, False
