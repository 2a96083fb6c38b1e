# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The words filter: the seed's package settings as one list (documented below, for ansible-doc -t filter words)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ansible.errors import AnsibleFilterError

DOCUMENTATION = """
name: words
author: kantoo-devkit contributors
short_description: a setting of space-separated words, or lists of them, as one flat list of words
description:
  - The seed sets package lists (C(IN_PORT_PKGS), C(RM_PORT_PKGS), C(IN_ENTR_PKGS), C(DEBIAN_PACKAGES)) as
    one string, space-separated or one atom a line; a tree may give a list instead, or a list of such strings.
    This is every word of them, in order, as one list.
  - Strings are split at any whitespace; lists, at any depth, are flattened; V(null) and empty strings give no
    words; a number is one word.
options:
  _input:
    description: A string, a list of strings and lists, or V(null).
    type: raw
    required: true
"""

EXAMPLES = """
# => ['app-admin/metalog', 'app-editors/vim', 'net-misc/chrony']
packages: "{{ 'app-admin/metalog\\napp-editors/vim  net-misc/chrony' | words }}"

# => ['chrony', 'sudo', 'vim-tiny', 'kantoo-release']
packages: "{{ ['chrony sudo', ['vim-tiny'], 'kantoo-release'] | words }}"

# a role's default: the tree's setting, else the role's own list
stage3_rm_packages: "{{ RM_PORT_PKGS | default('sys-kernel/debian-sources-lts') | words }}"
"""

RETURN = """
_value:
  description: The words.
  type: list
  elements: str
"""


def words(value):
    """Every word of a string, or of the strings of a list at any depth; None gives none."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [str(value)]
    if isinstance(value, Iterable) and not isinstance(value, (Mapping, bytes)):  # a list, or a map() result
        return [word for item in value for word in words(item)]
    raise AnsibleFilterError("words: takes a string of words or a list of them, not %s %r"
                             % (type(value).__name__, value))


class FilterModule:
    def filters(self):
        return {"words": words}
