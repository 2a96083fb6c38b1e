# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tree's image graph in Graphviz's dot language: stalks, steps, cache state, sizes, build times."""

from __future__ import annotations

import json
import os

from ansible_collections.kantoo.devkit.plugins.module_utils.docker_client import find_image

COLORS = {"cached": "#c8e6c9", "built": "#bbdefb", "failed": "#ffcdd2", "missing": "#eeeeee"}


def last_run(log_dir):
    """What the last run did, per stalk and step: {"state": cached|built|failed, "seconds": float}."""
    path = os.path.join(log_dir, "last-run.json")
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def human_size(size):
    for unit in ("B", "kB", "MB"):
        if abs(size) < 1000:
            return "%.0f %s" % (size, unit)
        size /= 1000.0
    return "%.1f GB" % size


def quote(text):
    return '"%s"' % str(text).replace('"', '\\"')


def step_chain(client, repository):
    """The step images of a repository, from initial to final, as (tag, image id, size)."""
    final = find_image(client, repository + ":final")
    if final is None:
        return []
    by_id = {}
    for image in client.api.images(name=repository):
        for tag in image.get("RepoTags") or []:
            if tag.rsplit(":", 1)[0] == repository and not tag.endswith((":final", ":initial")):
                by_id[image["Id"]] = (tag.rsplit(":", 1)[1], image["Size"])
    chain, current = [], final
    while current in by_id:
        chain.append((by_id[current][0], current, by_id[current][1]))
        current = client.api.inspect_image(current).get("Parent")
    return list(reversed(chain))


def tree_dot(client, tree, stalks, run):
    """stalks: (name, parent, repository, steps) in parent-before-child order; steps from the stalk's plan."""
    lines = ["digraph %s {" % quote(tree), "  rankdir=LR;", '  node [shape=box, style="rounded,filled", '
             'fontname="sans-serif", fontsize=10];', "  label=%s;" % quote("tree " + tree)]
    for name, parent, repository, steps in stalks:
        states = run.get(name, {})
        chain = step_chain(client, repository)
        initial = find_image(client, repository + ":initial")
        below = client.api.inspect_image(initial)["Size"] if initial else 0
        built = {}
        for tag, image, size in chain:  # what each step adds: its size less its parent's
            built[tag] = (image, size - below)
            below = size
        lines.append("  subgraph %s {" % quote("cluster_" + name))
        lines.append("    label=%s;" % quote("%s  (%s)" % (name, repository)))
        lines.append("    %s [label=\"initial\", shape=circle, fillcolor=white];" % quote(name + ":initial"))
        previous = name + ":initial"
        for step in steps:
            state = states.get(step, {}).get("state") or ("cached" if step in built else "missing")
            detail = [step]
            if step in built:
                detail.append("+%s" % human_size(built[step][1]))
            if state == "built":
                detail.append("built in %.1f s" % states[step].get("seconds", 0))
            else:
                detail.append(state)
            node = "%s:%s" % (name, step)
            lines.append("    %s [label=%s, fillcolor=%s];" % (quote(node), quote("\\n".join(detail)),
                                                               quote(COLORS[state])))
            lines.append("    %s -> %s;" % (quote(previous), quote(node)))
            previous = node
        lines.append("  }")
        if parent:
            parent_steps = next(s[3] for s in stalks if s[0] == parent)
            lines.append("  %s -> %s [style=dashed, label=\"final\"];"
                         % (quote("%s:%s" % (parent, parent_steps[-1])), quote(name + ":initial")))
    lines.append("}")
    return "\n".join(lines) + "\n"
