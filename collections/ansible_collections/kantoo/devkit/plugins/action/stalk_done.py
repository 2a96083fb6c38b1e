# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tell a stalk's children that it is done, on the controller (documented in modules/stalk_done.py)."""

from __future__ import annotations

from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import ControllerAction, stalk_engine
from ansible_collections.kantoo.devkit.plugins.modules.stalk_done import ARGUMENT_SPEC
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect
from ansible_collections.kantoo.devkit.plugins.plugin_utils import _events as events
from ansible_collections.kantoo.devkit.plugins.plugin_utils._lock import mark
from ansible_collections.kantoo.devkit.plugins.plugin_utils._run import remove_containers_of, this_run


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC)
        run = this_run()
        # for the steps callback, whatever happens below: the stalk is over
        result.update(events.event(events.STALK_DONE, failed=args["failed"]))
        # the children first: they need the stalk's images, not its containers gone (removing the last step's
        # container waits for the engine to delete its layer, 0.8 s after an apt upgrade here)
        mark(task_vars["kantoo_project_dir"], run, task_vars["kantoo_stalk"], not args["failed"])
        try:
            # what is left of this stalk's steps in this run: containers still being removed, a failed commit's
            remove_containers_of(connect(stalk_engine(task_vars)), run, task_vars["kantoo_repository"])
        except EngineError as exc:
            if args["failed"]:  # the stalk's failure is reported already; the next run removes what is left
                return dict(result, changed=False)
            return dict(result, failed=True,
                        msg="could not remove the containers of %s: %s" % (task_vars["kantoo_stalk"], exc))
        result["changed"] = False
        return result
