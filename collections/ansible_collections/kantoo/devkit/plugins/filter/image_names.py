# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Image names for templates: repository, image, image_parts, failed_tag, step_of_tag (each documented in
<name>.yml beside this file).  They only wrap module_utils/_names.py, where the names are defined."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.kantoo.devkit.plugins.module_utils import _names as names

ARCHITECTURE = ("OS", "ARCH", "SUBARCH")


def text(value, what, caller):
    """value when it is a non-empty string, else the filter's error."""
    if not isinstance(value, str) or not value:
        raise AnsibleFilterError("kantoo.devkit.%s: %s must be a non-empty string, not %r" % (caller, what, value))
    return value


def repository(variables, stalk):
    """{OS}/{ARCH}/{SUBARCH}/{stalk} of a mapping of variables."""
    if not isinstance(variables, Mapping):
        raise AnsibleFilterError("kantoo.devkit.repository: its input must be a mapping of variables holding %s, "
                                 "not %r" % (", ".join(ARCHITECTURE), variables))
    missing = [key for key in ARCHITECTURE if key not in variables or variables[key] in (None, "")]
    if missing:
        raise AnsibleFilterError("kantoo.devkit.repository: the variables given do not set %s" % ", ".join(missing))
    return names.repository(variables, text(stalk, "the stalk", "repository"))


def image(repository_name, tag=names.FINAL_TAG):
    """repository:tag, the final image unless a tag is given."""
    return names.image(text(repository_name, "the repository", "image"), text(tag, "the tag", "image"))


def image_parts(name):
    """{'repository': ..., 'tag': ...} of an image name."""
    repository_name, tag = names.split_image(text(name, "the image name", "image_parts"))
    return {"repository": repository_name, "tag": tag}


def failed_tag(step):
    """The tag of the file system a failed step left: <step>-failed."""
    return names.failed_tag(text(step, "the step", "failed_tag"))


def step_of_tag(tag):
    """{'step': ..., 'failed': ...} of a tag."""
    step, failed = names.step_of_tag(text(tag, "the tag", "step_of_tag"))
    return {"step": step, "failed": failed}


class FilterModule:
    def filters(self):
        return {
            "repository": repository,
            "image": image,
            "image_parts": image_parts,
            "failed_tag": failed_tag,
            "step_of_tag": step_of_tag,
        }
