# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Plan the steps of a stalk, in the controller's process (documented in modules/stalk_plan.py)."""

from __future__ import annotations

import os

from ansible import constants as C
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.utils.display import Display

from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import (
    ControllerAction, stalk_engine, tree_error, tree_stalks)
from ansible_collections.kantoo.devkit.plugins.modules.stalk_plan import ARGUMENT_SPEC
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import (
    EngineError, EngineUnreachable, connect, engine_url)
from ansible_collections.kantoo.devkit.plugins.plugin_utils._arguments import check_role_arguments
from ansible_collections.kantoo.devkit.plugins.plugin_utils._lock import acquire, forget_finished_runs, once, wait_for
from ansible_collections.kantoo.devkit.plugins.plugin_utils._run import sweep, this_run
from ansible_collections.kantoo.devkit.plugins.plugin_utils import _events as events
from ansible_collections.kantoo.devkit.plugins.plugin_utils._check import check_stalk
from ansible_collections.kantoo.devkit.plugins.plugin_utils._plan import plan_stalk
from ansible_collections.kantoo.devkit.plugins.plugin_utils._source import stalk_source
from ansible_collections.kantoo.devkit.plugins.plugin_utils._stalk_config import tree_outputs
from ansible_collections.kantoo.devkit.plugins.plugin_utils._role import steps_source
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, log_dir

display = Display()
STALK_ROLE = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "roles", "stalk"))


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC)
        if tree_error(task_vars):
            return tree_error(task_vars)
        stalk = {k: v for k, v in task_vars.items() if k.startswith("kantoo_")}
        if "kantoo_repository" not in stalk:
            return dict(failed=True, msg="host '%s' is not a stalk: run this on hosts of a kantoo tree inventory"
                        % task_vars.get("inventory_hostname"))
        role_dir, error = steps_source(stalk, task_vars["playbook_dir"], task_vars.get("kantoo_steps_from", "auto"))
        if error:
            return dict(failed=True, msg=error)
        hostvars = task_vars["hostvars"]
        tree = tree_stalks(task_vars)
        try:
            produced = tree_outputs(tree)
            client = connect(stalk_engine(task_vars))
            if args["check_only"]:
                # the arguments of the machinery's role and of the stalk's own, also when nothing will run
                where = "%s: stalk '%s'" % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"])
                for role in [STALK_ROLE] + ([role_dir] if role_dir else []):
                    check_role_arguments(role, task_vars, self._loader, self._templar, where)
                # once a run (the first stalk's check; the others wait for it), before any stalk looks at an image:
                # its locks, then on each engine it uses the containers of runs that are gone
                run, project = this_run(), stalk["kantoo_project_dir"]
                forks, hosts = task_vars.get("ansible_forks", 0), task_vars.get("ansible_play_hosts_all", [])

                def lock():
                    # every stalk of the run, in one order: two runs of overlapping trees cannot each hold one
                    play = [hostvars[h] for h in hosts if "kantoo_repository" in hostvars[h]] or [stalk]
                    acquire(play, run, wait=boolean(task_vars.get("kantoo_wait", True)), say=display.display)
                    forget_finished_runs(project)

                # a host name is one stalk for the whole run: the others' variables are read by the first only
                once(project, run, "locks %s" % (sorted(hosts) or [stalk["kantoo_stalk"]]), lock)
                once(project, run, "sweep %s" % engine_url(stalk_engine(task_vars)), lambda: sweep(client))
                if forks and len(hosts) > forks:
                    if task_vars.get("inventory_hostname") != hosts[0]:  # the play's first stalk says it, once
                        return dict(skipped=True, changed=False, skip_reason="too few forks, see %s" % hosts[0])
                    return dict(failed=True, msg="%d stalks grow at once, and children wait for their parents in "
                                "a fork each: run with at least as many forks (-f %d)" % (len(hosts), len(hosts)))
                repositories = {host["kantoo_repository"] for host in tree}
                source = stalk_source(stalk, role_dir, task_vars, produced)
                result["steps"] = source.names
                result["up_to_date"] = check_stalk(client, stalk, source, repositories, args["force"])
                if result["up_to_date"]:  # what the run does with this stalk, for the steps callback
                    result.update(planned(stalk, source.names, []))
            else:
                parent = stalk.get("kantoo_parent")
                if parent in task_vars.get("ansible_play_hosts_all", []):
                    if not wait_for(stalk["kantoo_project_dir"], this_run(), parent):
                        return dict(failed=True, msg="stalk '%s' does not grow: its parent '%s' failed in this run"
                                    % (stalk["kantoo_stalk"], parent))
                # Ansible finds roles of roles_path by name, which reads better in its output than a path.
                by_name = role_dir and os.path.dirname(role_dir) in [os.path.abspath(p) for p in C.DEFAULT_ROLES_PATH]
                # read after the parent is done: what it wrote to a directory this stalk mounts is an input
                plan = plan_stalk(client, stalk, stalk_source(stalk, role_dir, task_vars, produced),
                                  args["force"], self._task.check_mode)
                # what the steps callback says below the task's result: no debug task of the role for it, which
                # every run would pay for as a skipped task
                say = (plan.explain if args["explain"] else []) + (plan.creates if self._task.check_mode else [])
                result.update(plan.as_dict(), role_dir=role_dir, role=stalk["kantoo_stalk"] if by_name else role_dir,
                              **planned(stalk, plan.cached, [step.name for step in plan.todo],
                                        ["stalk '%s': %s" % (stalk["kantoo_stalk"], line) for line in say]))
        except TreeError as exc:
            return dict(failed=True, msg=str(exc))
        except EngineUnreachable as exc:
            return dict(failed=True, msg=unreachable(stalk, exc))
        except EngineError as exc:
            return dict(failed=True, msg=exc.message("stalk '%s': docker refused a request" % stalk["kantoo_stalk"]))
        result["changed"] = False
        return result


def unreachable(stalk, exc):
    """The stalk, where its engine comes from, and what EngineUnreachable says: the URL and what to do."""
    where = "%s: stalk '%s'" % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"])
    if stalk.get("kantoo_docker_host"):
        where += ", whose engine is the DOCKER_HOST the tree sets for it"
    return "%s: %s" % (where, exc)


def planned(stalk, cached, todo, say=()):
    """The stalk_planned event of the steps callback (plugin_utils/_events.py)."""
    return events.event(events.STALK_PLANNED, stalk=stalk["kantoo_stalk"], tree=stalk["kantoo_tree"],
                        repository=stalk["kantoo_repository"], log_dir=log_dir(stalk), cached=cached, todo=todo,
                        say=list(say))
