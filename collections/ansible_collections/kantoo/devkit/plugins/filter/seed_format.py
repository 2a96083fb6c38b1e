# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seed's {VAR} substitution for templates (documented in seed_format.yml); plugin_utils/_seed.py does it."""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.kantoo.devkit.plugins.plugin_utils._seed import substitute
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError

WHERE = "kantoo.devkit.seed_format"


def seed_format(text, variables, strict=True):
    """text with {VAR} replaced by variables[VAR], as the seed does to its plugins' scripts and files."""
    if not isinstance(text, str):
        raise AnsibleFilterError("%s: its input must be text, not %r" % (WHERE, text))
    if not isinstance(variables, Mapping):
        raise AnsibleFilterError("%s: variables must be a mapping, not %r" % (WHERE, variables))
    try:
        return substitute(text, dict(variables), "", WHERE, bool(strict))
    except TreeError as exc:
        # its message speaks of a stalk file's plugin; this one speaks of the filter's arguments
        cause = exc.__context__
        if isinstance(cause, KeyError):
            message = "the text has {%s}, which variables does not set" % cause.args[0]
        else:
            message = "the text's braces do not parse (%s)" % cause
        raise AnsibleFilterError("%s: %s; write {{ and }} for literal braces, or strict=false to leave such a text "
                                 "as it is" % (WHERE, message)) from None


class FilterModule:
    def filters(self):
        return {"seed_format": seed_format}
