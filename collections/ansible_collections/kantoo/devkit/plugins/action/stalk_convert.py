# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Convert a seed-format stalk file to a role, on the controller (documented in modules/stalk_convert.py)."""

from __future__ import annotations

import os


from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import ControllerAction
from ansible_collections.kantoo.devkit.plugins.modules.stalk_convert import ARGUMENT_SPEC
from ansible_collections.kantoo.devkit.plugins.plugin_utils._convert import convert, write_role
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC)
        manifest = os.path.abspath(args["manifest"])
        name = os.path.splitext(os.path.basename(manifest))[0]
        roles_dir = args["roles_dir"] or os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(manifest))),
                                                      "roles")
        role_dir = os.path.join(roles_dir, name)
        try:
            files = convert(manifest, role_dir)
            changed = False if self._task.check_mode else write_role(files, role_dir, args["force"])
        except TreeError as exc:
            return dict(failed=True, msg=str(exc))
        result.update(changed=changed, role_dir=role_dir, files=sorted(files))
        return result
