# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tree's image graph in Graphviz's dot language: stalks, steps, cache state, sizes, build times.

A tree says two things about a stalk that the graph draws apart: the image it starts from (its initial image: its
parent's final, or the image DOCKER_INIT_IMG names) and the stalk it waits for (its parent).  An image edge, solid
like the edges between steps, joins the image a stalk starts from to its initial; where the parent is another
stalk than that image's, a dashed edge labelled "waits for" joins the stalk to its parent's last step.  The Debian
tree's stage4 starts from debian_base:final and waits for debian_repo.
"""

from __future__ import annotations

import collections
import json
import os

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import find_image
from ansible_collections.kantoo.devkit.plugins.module_utils._names import FINAL_TAG, INITIAL_TAG, image, split_image

COLORS = {"cached": "#c8e6c9", "built": "#bbdefb", "failed": "#ffcdd2", "missing": "#eeeeee"}
WAIT_EDGE = 'style=dashed, color="#757575", fontcolor="#757575", label="waits for", constraint=false'

# initial: the image reference the stalk starts from (the inventory's kantoo_initial_image); steps: in order;
# engine: the URL of the engine the tree's DOCKER_HOST gives it, '' for the controller's
GraphStalk = collections.namedtuple("GraphStalk", "name parent repository initial steps engine", defaults=("",))


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


def node(stalk, tag):
    """The node of a stalk's image with that tag: its initial or one of its steps."""
    return "%s:%s" % (stalk, tag)


def image_source(stalk, stalks):
    """The node of the image a stalk starts from: a step (or the initial) of a stalk of this tree, or None for an
    image from outside the tree.  A root's own :initial (the seed's rule) is a base image made beforehand: outside."""
    repository, tag = split_image(stalk.initial)
    for other in stalks:
        if other.repository != repository or other.name == stalk.name:
            continue
        if tag == FINAL_TAG:
            return node(other.name, other.steps[-1])
        if tag == INITIAL_TAG or tag in other.steps:
            return node(other.name, tag)
    return None


def step_sizes(client, repository):
    """What each step with an image adds to the image it starts from, in bytes: {step: size}."""
    final = find_image(client, image(repository, FINAL_TAG))
    if final is None:
        return {}
    by_id = {}
    for found in client.images(filters={"reference": repository}):
        for tag in found.get("RepoTags") or []:
            name, step = tag.rsplit(":", 1)
            if name == repository and step not in (FINAL_TAG, INITIAL_TAG):
                by_id[found["Id"]] = (step, found["Size"])
    chain, current = [], final  # from final back to the first step, through each image's parent
    while current in by_id:
        chain.append(by_id[current])
        current = client.inspect_image(current).get("Parent")
    initial = find_image(client, image(repository, INITIAL_TAG))
    below = client.inspect_image(initial)["Size"] if initial else 0
    sizes = {}
    for step, size in reversed(chain):
        sizes[step] = size - below
        below = size
    return sizes


def _stalk_lines(stalk, states, sizes):
    title = "%s  (%s)" % (stalk.name, stalk.repository) + ("\\non %s" % stalk.engine if stalk.engine else "")
    lines = ["  subgraph %s {" % quote("cluster_" + stalk.name),
             "    label=%s;" % quote(title),
             "    %s [label=\"initial\", shape=circle, fillcolor=white];" % quote(node(stalk.name, INITIAL_TAG))]
    previous = node(stalk.name, INITIAL_TAG)
    for step in stalk.steps:
        state = states.get(step, {}).get("state") or ("cached" if step in sizes else "missing")
        detail = [step]
        if step in sizes:
            detail.append("+%s" % human_size(sizes[step]))
        if state == "built":
            detail.append("built in %.1f s" % states[step].get("seconds", 0))
        else:
            detail.append(state)
        lines.append("    %s [label=%s, fillcolor=%s];" % (quote(node(stalk.name, step)), quote("\\n".join(detail)),
                                                           quote(COLORS[state])))
        lines.append("    %s -> %s;" % (quote(previous), quote(node(stalk.name, step))))
        previous = node(stalk.name, step)
    lines.append("  }")
    return lines


def tree_dot(tree, stalks, run, sizes=None):
    """The dot source of a tree's graph.

    stalks: GraphStalks, parent before child; run: what last_run returned; sizes: {stalk: step_sizes(...)}, none
    when the engine is not asked (every step then shows what the last run did with it, or missing).
    """
    sizes = sizes or {}
    lines = ["digraph %s {" % quote(tree), "  rankdir=LR;", '  node [shape=box, style="rounded,filled", '
             'fontname="sans-serif", fontsize=10];', '  edge [fontname="sans-serif", fontsize=9];',
             "  label=%s;" % quote("tree " + tree)]
    outside = []
    last_steps = {stalk.name: node(stalk.name, stalk.steps[-1]) for stalk in stalks}
    for stalk in stalks:
        lines += _stalk_lines(stalk, run.get(stalk.name, {}), sizes.get(stalk.name, {}))
        source = image_source(stalk, stalks)
        if source is None and stalk.initial != image(stalk.repository, INITIAL_TAG):
            source = stalk.initial
            if source not in outside:
                outside.append(source)
                lines.append("  %s [shape=cylinder, style=filled, fillcolor=white];" % quote(source))
        if source is not None:
            tag = split_image(stalk.initial)[1]
            lines.append("  %s -> %s%s;" % (quote(source), quote(node(stalk.name, INITIAL_TAG)),
                                            " [label=%s]" % quote(tag) if source != stalk.initial else ""))
        if stalk.parent and source != last_steps[stalk.parent]:
            lines.append("  %s -> %s [%s];" % (quote(node(stalk.name, INITIAL_TAG)), quote(last_steps[stalk.parent]),
                                               WAIT_EDGE))
    lines.append("}")
    return "\n".join(lines) + "\n"
