# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret masking for templates (documented in mask.yml); plugin_utils/_secrets.py decides what is secret and
masks it, as the steps callback does to every line it prints."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.kantoo.devkit.plugins.plugin_utils._secrets import redact, secret_values


def secrets_of(source):
    """The secret values a source names: a mapping's by variable name (and vault values), a list's all of them."""
    if isinstance(source, Mapping):
        return secret_values(dict(source))
    if isinstance(source, (list, tuple)):
        return [value for item in source for value in secrets_of(item)]
    if source is None:
        return []
    return [str(source)]  # str() opens a vault value


def mask(text, *sources):
    """text with every secret of sources, in every spelling, replaced by ********."""
    if not isinstance(text, str):
        raise AnsibleFilterError("kantoo.devkit.mask: its input must be text, not %r; turn a structure into text "
                                 "first, with to_json or to_yaml" % (type(text).__name__,))
    values = {value for source in sources for value in secrets_of(source)}
    return redact(text, tuple(sorted(values, key=len, reverse=True)))


class FilterModule:
    def filters(self):
        return {"mask": mask}
