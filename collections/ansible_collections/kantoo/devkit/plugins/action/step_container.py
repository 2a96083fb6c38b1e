# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start or remove the container of one step, in the controller's process (documented in modules/step_container.py)."""

from __future__ import annotations

import os
import time


from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import ControllerAction, stalk_engine
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect, find_image, local_engine
from ansible_collections.kantoo.devkit.plugins.plugin_utils._container import (
    container_name, remove_container, start_container)
from ansible_collections.kantoo.devkit.plugins.module_utils._flatten import flattened, layer_count
from ansible_collections.kantoo.devkit.plugins.module_utils._names import KEY_LABEL, REPOSITORY_LABEL, RUN_LABEL
from ansible_collections.kantoo.devkit.plugins.modules.step_container import ARGUMENT_SPEC, REQUIRED_IF
from ansible_collections.kantoo.devkit.plugins.plugin_utils import _events as events
from ansible_collections.kantoo.devkit.plugins.plugin_utils._agent_relay import prestart
from ansible_collections.kantoo.devkit.plugins.plugin_utils._plan import Step
from ansible_collections.kantoo.devkit.plugins.plugin_utils._run import record_engine, start_watcher, this_run
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, log_dir


AGENT = "kantoo.devkit.docker_agent"


def log_file(task_vars, step):
    """{LOG_DIR}/{stalk}/{ARCH}-{SUBARCH}-{step}-{timestamp}.txt, LOG_DIR relative to the tree's project."""
    variables = task_vars["kantoo_variables"]
    directory = os.path.join(log_dir(task_vars), task_vars["kantoo_stalk"])
    os.makedirs(directory, exist_ok=True)
    stamp = time.strftime("%y-%m-%d-%H:%M:%S")
    return os.path.join(directory, "%s-%s-%s-%s.txt" % (variables["ARCH"], variables["SUBARCH"], step, stamp))


class ActionModule(ControllerAction):
    _supports_check_mode = False  # skipped in check mode: it acts on the Docker daemon

    def run(self, tmp=None, task_vars=None):
        started = time.time()
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC, required_if=REQUIRED_IF)
        step = Step.from_dict(args["step"]) if args["step"] else None
        try:
            client = connect(stalk_engine(task_vars))
            if args["state"] == "absent":
                return dict(result, name=args["name"], changed=remove_container(client, args["name"]))
            result.update(self._start(client, step, args, task_vars, started))
        except TreeError as exc:  # an option value no container can take (plugin_utils/_engine_options.py)
            return dict(failed=True, msg=str(exc))
        except EngineError as exc:
            return dict(failed=True, msg=exc.message("docker could not start a container for step '%s'" % step.name
                                                     if step else "docker could not remove '%s'" % args["name"]))
        return result

    @staticmethod
    def _start(client, step, args, task_vars, started):
        parent = find_image(client, step.parent)
        if parent is None:
            return dict(failed=True, msg="image '%s' does not exist on the engine at %s" % (step.parent, client.url))
        start_from = parent
        if layer_count(client, parent) >= args["max_layers"]:
            start_from = flattened(client, parent)
        config = args["config"]
        run = this_run()
        # before the container: whatever ends the run from here on, the watcher removes what it left, on this engine
        record_engine(task_vars["kantoo_project_dir"], run, client.url)
        start_watcher(task_vars["kantoo_project_dir"], run)
        name = container_name(step.stalk, step.name)
        # the relay of the agent of the step's connection (connection/docker_agent.py) boots while the engine starts
        # the container, and starts the agent while Ansible goes on to the step's first task
        relay = prestart(name, client.url) if args["connection"] == AGENT else None
        try:
            container = start_container(client, start_from, step.stalk, step.name,
                                        config.get("options", {}), config.get("mounts", []), step.daemonize,
                                        owner={RUN_LABEL: run, REPOSITORY_LABEL: step.repository}, name=name)
        except BaseException:
            if relay:
                relay.cancel()
            raise
        if relay:
            relay.go()
        log = log_file(task_vars, step.name)
        # a step after one rebuilt in this run gets its key only now that its parent exists (see cache.py)
        labels = step.labels(parent)
        # engine: where the step's tasks run (the connection's --host) and its commit happens
        # what the step writes to the host, for its commit to record what it left there (a remote engine's are
        # paths of its own machine)
        artifacts = ([m["source"] for m in config.get("mounts", []) if not m["read_only"]]
                     if local_engine(client.url) else None)
        return dict(changed=True, name=container.name, engine=client.url, parent_image_id=parent,
                    flattened=start_from != parent, artifacts=artifacts,
                    log_file=log, key=labels[KEY_LABEL], tag=step.tag, extra_tags=step.extra_tags, labels=labels,
                    failed_tag=step.failed_tag, failed_labels=step.failed_labels(parent),
                    **events.timed(events.STEP_STARTED, started, step=step.name, container=container.name,
                                   parent_image=parent, log_file=log, engine=client.url))
