# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: steps
type: notification
short_description: Step output, per-step log files and an eliot event log for kantoo stalks
version_added: 0.1.0
description:
  - Prints, as plain lines, the standard output of every task that runs inside a step container
    (over C(community.docker.docker)), the way the seed devkit showed a step's output.
  - Prints below a stalk's plan what the plan says (M(kantoo.devkit.stalk_plan)'s O(kantoo.devkit.stalk_plan#module:explain),
    and in check mode the directories the stalk's first container would create).
  - Writes each step's output to its log file, C({LOG_DIR}/{stalk}/{ARCH}-{SUBARCH}-{step}-{timestamp}.txt),
    whose first line names the step's container and the Docker engine it ran on, and the run's events (stalk,
    step with its engine, container, commit, with their durations) to C({LOG_DIR}/eliot.txt),
    which C(eliot-tree) renders. C(LOG_DIR) is relative to the tree's project directory.
  - Records in C({LOG_DIR}/last-run.json) what the run did with each step (cached, built or failed) and,
    for a step it ran, the seconds spent starting its container, in its own tasks and committing it.
  - Values of variables whose names contain PASSWD, PASSWORD, SECRET or TOKEN, and Ansible Vault values, are
    replaced by C(********) in every line Ansible prints or logs while it is enabled, whichever callback or
    module the line comes from (task results at any verbosity, warnings, errors, C(log_path)), in the step
    log files, the event log and C(last-run.json). It knows the values of the inventory, of the play and of
    the roles and tasks that run (templated, so a variable set from a secret is masked too), before each task
    starts; a secret that a task makes up and returns (C(set_fact), C(register)) is not known in advance.
    Values shorter than 4 characters are not masked.
  - Enable it with C(callbacks_enabled = kantoo.devkit.steps) in C(ansible.cfg).
requirements:
  - enabled in configuration
  - eliot (Python package), for the event log
"""

import json
import os

from ansible.playbook.task_include import TaskInclude
from ansible.plugins.callback import CallbackBase
from ansible.template import Templar

try:
    import eliot
except ImportError:  # the event log is skipped; step logs still work
    eliot = None

from ansible_collections.kantoo.devkit.plugins.plugin_utils import _events as events
from ansible_collections.kantoo.devkit.plugins.plugin_utils._secrets import (
    Redactor, is_secret, is_secret_value, mask_display, secret_values)

# set by roles/stalk/tasks/step.yml on the include of a step's tasks, beside their connection to the container
STEP_MARK = "kantoo_step_task"


class RedactedFile:
    """A text file that masks secrets in what is written to it (the event log: eliot writes through it)."""

    def __init__(self, handle, redact):
        self._handle, self._redact = handle, redact

    def write(self, text):
        if not isinstance(text, str):
            raise TypeError("text only")  # eliot tries bytes first, and takes this as the answer
        return self._handle.write(self._redact(text))

    def flush(self):
        self._handle.flush()


class StepRun:
    """What the callback keeps of a step while it runs: its log file, its eliot action, whether it failed, and
    when its container started and its tasks began (the step_started event's times)."""

    def __init__(self, started, action=None):
        self.log_file = started["log_file"]
        self.action = action
        self.failed = False
        self.started, self.tasks_started = started["started"], started["ended"]

    def phases(self, committed):
        """Where the step's time went, in seconds: starting its container, its own tasks, the commit (the
        step_committed event's times)."""
        phases = {"start": self.tasks_started - self.started, "tasks": committed["started"] - self.tasks_started,
                  "commit": committed["ended"] - committed["started"], "seconds": committed["ended"] - self.started}
        return {name: round(value, 2) for name, value in phases.items()}

    def finish(self):
        if self.action is not None:
            self.action.finish(RuntimeError("step failed, see %s" % self.log_file) if self.failed else None)


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "kantoo.devkit.steps"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._variables = None
        self._play = None
        self._redact = Redactor()
        mask_display(self._redact)
        self._host_vars = {}    # host name -> its variables in this play, to template the secrets of roles with
        self._secret_sources = set()  # the roles and tasks whose secrets are learnt
        self._steps = {}        # host name -> StepRun of the step it runs
        self._stalks = {}       # host name -> eliot action
        self._log_dirs = {}     # host name -> the stalk's LOG_DIR
        self._eliot_file = None
        self._last_run = {}     # log dir -> stalk -> step -> what this run did with it

    # what the steps print ------------------------------------------------------------------------

    def v2_playbook_on_play_start(self, play):
        """Learn the secrets of every host of the play before any of its tasks prints a line."""
        self._play = play
        self._variables = play.get_variable_manager()
        self._host_vars = {}
        inventory = getattr(self._variables, "_inventory", None)
        for host in inventory.get_hosts(play.hosts) if inventory is not None else []:
            try:
                variables = self._variables.get_vars(play=play, host=host)
            except Exception:  # a variable that cannot be read is no reason to stop the build
                variables = host.get_vars()
            self._host_vars[host.name] = variables
            self._learn(variables, variables)

    def v2_playbook_on_task_start(self, task, is_conditional):
        """Learn the secrets that a role (its defaults and vars) or a task brings, once each."""
        role = getattr(task, "_role", None)
        sources = [(task._uuid, task.get_vars())]  # its own vars and its blocks'
        if role is not None:
            sources.append((role.get_role_path(), dict(role.get_default_vars(), **role.get_vars())))
        for source, own in sources:
            if source in self._secret_sources:
                continue
            self._secret_sources.add(source)
            own = own or {}
            if any(is_secret_value(name, value) for name, value in own.items()):
                for variables in self._host_vars.values():
                    self._learn(own, dict(variables, **own))

    def _learn(self, own, variables):
        """The secret values of own, templated with variables: a role default set from a secret prints as
        what it is set to.  A value that does not template is a template text, not a secret."""
        templar = Templar(loader=self._variables._loader, variables=variables)
        found = {}
        for name, value in own.items():
            if is_secret(name) and isinstance(value, str) and "{{" in value:
                try:
                    value = templar.template(value)
                except Exception:  # e.g. undefined in this host's variables
                    continue
                if isinstance(value, str) and "{{" in value:
                    continue
            found[name] = value
        self._redact.learn(secret_values(found))

    @staticmethod
    def _in_step(result):
        """A task of a step: it runs over the step container's connection (the include of the step's tasks
        has the mark in its vars too, but is no task of the step)."""
        task = result._task
        return task.get_vars().get(STEP_MARK) is True and not isinstance(task, TaskInclude)

    def _step_output(self, result):
        host = result._host
        stdout = self._redact(result._result.get("stdout") or "")
        stderr = self._redact(result._result.get("stderr") or "")
        if stdout:
            self._display.display(stdout)
        step = self._steps.get(host.name)
        if step:
            with open(step.log_file, "a", encoding="utf-8") as log:
                log.write("TASK [%s]\n" % result._task.get_name().rsplit(" : ", 1)[-1])
                for text in (stdout, stderr):
                    if text:
                        log.write(text + "\n")
                if result._result.get("failed"):
                    log.write("FAILED: %s\n" % self._redact(str(result._result.get("msg", ""))))

    # the step machinery: what its actions say in their results (plugin_utils/_events.py) -------------------

    def _machinery(self, result, failed=False):
        event = events.of(result._result)
        if event is None:
            return
        host = result._host
        kind = event["event"]
        if kind == events.STALK_PLANNED and not failed:
            self._start_stalk(host, event)
        elif kind == events.STEP_STARTED and not failed:
            self._start_step(host, event)
        elif kind == events.STEP_COMMITTED and host.name in self._steps:
            step = self._steps[host.name]
            if failed or event["state"] == events.FAILED:
                step.failed = True
            if failed:  # the rescue commits the step's file system as its failed tag next
                return
            self._log("kantoo:commit", host, image=event.get("image"), tags=event.get("tags"))
            self._record(host, event["step"], event["state"], step.phases(event))
            self._finish_step(host.name)
        elif kind == events.STALK_DONE:
            self._finish_stalk(host.name)

    def _record(self, host, step, state, phases=None):
        stalk = self._last_run.setdefault(self._log_dirs[host.name], {}).setdefault(host.name, {})
        stalk[step] = dict({"state": state, "seconds": None}, **(phases or {}))

    def _write_last_run(self):
        """{LOG_DIR}/last-run.json: what the last run did with each step, for playbooks/graph.yml."""
        for log_dir, stalks in self._last_run.items():
            path = os.path.join(log_dir, "last-run.json")
            runs = {}
            if os.path.exists(path):
                with open(path, encoding="utf-8") as handle:
                    runs = json.load(handle)
            runs.update(stalks)
            os.makedirs(log_dir, exist_ok=True)
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(self._redact(json.dumps(runs, indent=1, sort_keys=True)))

    def _start_stalk(self, host, planned):
        for line in planned.get("say", []):
            self._display.display(self._redact(line))
        self._log_dirs[host.name] = planned["log_dir"]
        self._last_run.setdefault(planned["log_dir"], {})[host.name] = {
            step: {"state": events.CACHED, "seconds": None} for step in planned["cached"]}
        self._open_eliot(planned["log_dir"])
        if eliot is not None and self._eliot_file:
            action = eliot.start_action(action_type="kantoo:stalk", tree=planned["tree"], stalk=host.name,
                                        repository=planned["repository"], cached=planned["cached"],
                                        todo=planned["todo"])
            self._stalks[host.name] = action
            if not planned["todo"]:
                self._finish_stalk(host.name)

    def _start_step(self, host, started):
        with open(started["log_file"], "w", encoding="utf-8") as log:
            # a tree's stalks may grow on several engines: the log says on which one this step ran
            log.write(self._redact("STEP [%s] in container %s on the Docker engine at %s\n"
                                   % (started["step"], started["container"], started.get("engine"))))
        action = None
        parent = self._stalks.get(host.name)
        if parent is not None:
            with parent.context():
                action = eliot.start_action(action_type="kantoo:step", step=started["step"],
                                            container=started["container"], parent_image=started["parent_image"],
                                            log_file=started["log_file"], engine=started.get("engine"))
        self._steps[host.name] = StepRun(started, action)

    def _finish_step(self, name):
        step = self._steps.pop(name, None)
        if step:
            step.finish()

    def _finish_stalk(self, name):
        action = self._stalks.pop(name, None)
        if action is not None:
            action.finish()

    def _open_eliot(self, directory):
        if eliot is None or self._eliot_file:
            return
        os.makedirs(directory, exist_ok=True)
        self._eliot_file = RedactedFile(open(os.path.join(directory, "eliot.txt"), "a", encoding="utf-8"),
                                        self._redact)
        eliot.add_destinations(eliot.FileDestination(file=self._eliot_file))

    def _log(self, message_type, host, **fields):
        step = self._steps.get(host.name)
        if step and step.action is not None:
            with step.action.context():
                eliot.Message.log(message_type=message_type, **fields)

    # callbacks -------------------------------------------------------------------------------------

    def v2_runner_on_ok(self, result):
        if self._in_step(result):
            self._step_output(result)
        else:
            self._machinery(result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if self._in_step(result):
            self._step_output(result)
            step = self._steps.get(result._host.name)
            if step:
                step.failed = True
        else:
            self._machinery(result, failed=True)

    def v2_playbook_on_stats(self, stats):
        self._write_last_run()
        for name in list(self._steps):  # a step whose commit failed, and the commit of its failure too
            self._steps[name].failed = True
            self._finish_step(name)
        for action in self._stalks.values():
            action.finish()
        self._stalks.clear()
        if self._eliot_file:
            self._eliot_file.flush()
