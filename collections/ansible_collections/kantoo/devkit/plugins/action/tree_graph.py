# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Draw a tree's image graph as SVG, on the controller (documented in modules/tree_graph.py)."""

from __future__ import annotations

import os
import shutil
import subprocess


from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import ControllerAction, stalk_engine, tree_error
from ansible_collections.kantoo.devkit.plugins.modules.tree_graph import ARGUMENT_SPEC
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect
from ansible_collections.kantoo.devkit.plugins.plugin_utils._graph import GraphStalk, last_run, step_sizes, tree_dot
from ansible_collections.kantoo.devkit.plugins.plugin_utils._source import stalk_source
from ansible_collections.kantoo.devkit.plugins.plugin_utils._role import steps_source
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, log_dir


class ActionModule(ControllerAction):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.arguments(ARGUMENT_SPEC)
        group = args["tree"] + "_tree"
        if group not in task_vars["groups"]:
            return dict(failed=True, msg="no tree '%s' in the inventory; trees: %s" % (args["tree"], ", ".join(
                sorted(g[:-len("_tree")] for g in task_vars["groups"] if g.endswith("_tree")))))
        if shutil.which("dot") is None:
            return dict(failed=True, msg="Graphviz's dot is missing: install it (apt-get install graphviz; "
                                         "'make setup' does)")
        hostvars = task_vars["hostvars"]
        for host in task_vars["groups"][group]:  # the host of a tree file that could not be read
            if tree_error(hostvars[host]):
                return tree_error(hostvars[host])
        stalks, logs, engines = [], None, {}
        try:
            for host in task_vars["groups"][group]:
                stalk = {k: v for k, v in hostvars[host].items() if k.startswith("kantoo_")}
                role_dir, error = steps_source(stalk, task_vars["playbook_dir"],
                                               hostvars[host].get("kantoo_steps_from", "auto"))
                if error:
                    return dict(failed=True, msg=error)
                steps = stalk_source(stalk, role_dir, {}).names
                engines[host] = stalk_engine(stalk)
                stalks.append(GraphStalk(host, stalk["kantoo_parent"], stalk["kantoo_repository"],
                                         stalk["kantoo_initial_image"], steps, engines[host] or ""))
                logs = logs or log_dir(stalk)
            clients = {url: connect(url) for url in set(engines.values())}
            # each stalk's images are on its own engine
            sizes = {stalk.name: step_sizes(clients[engines[stalk.name]], stalk.repository) for stalk in stalks}
            dot = tree_dot(args["tree"], stalks, last_run(logs), sizes)
        except (TreeError, EngineError) as exc:
            return dict(failed=True, msg=str(exc))
        dest = args["dest"] or os.path.join(logs, args["tree"] + ".svg")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest[:-len(".svg")] + ".dot" if dest.endswith(".svg") else dest + ".dot", "w",
                  encoding="utf-8") as handle:
            handle.write(dot)
        proc = subprocess.run(["dot", "-Tsvg", "-o", dest], input=dot, text=True, capture_output=True, check=False)
        if proc.returncode != 0:
            return dict(failed=True, msg="dot could not draw the graph: %s" % proc.stderr.strip())
        result.update(changed=True, dest=dest)
        return result
