# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a run asks instead of the cache: steps taken by their tag and not run (pretend, skip_until, a plugin's
skip, kantoo_skip), and steps run even when cached (stalk_force)."""

from __future__ import annotations

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import find_image
from ansible_collections.kantoo.devkit.plugins.module_utils._names import image
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


def pretending(stalk):
    """The node's pretend, or -e kantoo_pretend=true (a string) for every stalk of the run."""
    return boolean(stalk.get("kantoo_pretend") or False, strict=False)


def reused_by_tag(stalk, source):
    """The steps that are not run but taken by their tag, each with the reason: pretend, skip_until, or a
    plugin's skip (the seed's rule: a skipped step's image is the one the next step starts from)."""
    steps = source.names
    skip_until = stalk.get("kantoo_skip_until") or ""
    if pretending(stalk):
        why = dict.fromkeys(steps, "pretend is set")
    else:
        why = dict.fromkeys(steps[:steps.index(skip_until)] if skip_until in steps else [],
                            "skip_until is '%s'" % skip_until)
    for step in source.steps:
        if step.skip:
            why.setdefault(step.name, "plugins.%s.skip is true in %s" % (step.name, stalk.get("kantoo_manifest")))
    skips = stalk.get("kantoo_skip") or ()
    for item in skips.split(",") if isinstance(skips, str) else skips:  # -e kantoo_skip=<step>,<stalk>:<step>
        name, step = item.strip().split(":", 1) if ":" in item else (stalk["kantoo_stalk"], item.strip())
        if name == stalk["kantoo_stalk"] and step in steps:
            why.setdefault(step, "kantoo_skip names it")
    return why


def tagged_image(client, stalk, step, why):
    """The image a step reused by tag has, or stop saying how to get one."""
    found = find_image(client, image(stalk["kantoo_repository"], step))
    if found is None:
        raise TreeError("%s: stalk '%s': %s, but step '%s' has no image %s yet; build it first (run once "
                        "without that)" % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"], why, step,
                                           image(stalk["kantoo_repository"], step)))
    return found


def forced_from(force, stalk, steps):
    """The index of the first step forced to run: stalk_force is 'stalk' (all its steps) or 'stalk:step' (that
    step and those after it); len(steps) when nothing of this stalk is forced."""
    for item in force or []:
        name, step = (str(item).split(":", 1) + [""])[:2]
        if name == stalk:
            return steps.index(step) if step in steps else 0
    return len(steps)
