# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seed's stalk format: plugins as steps, files and directories, the way the original devkit read them.

- An exec plugin (exec: true) is a step: a script (text:, or path:) whose shebang's last word is its
  interpreter.  Its ALL-CAPS keys are its variables, given to it as environment; '' takes the value
  of the stalk's merged configuration.  Unless the interpreter is sh, {VAR} in the text is replaced
  by those variables (str.format).  It is mounted at /entropy/plugins/<name> and run as
  '<interpreter> /entropy/plugins/<name>', so a Python step imports the modules beside it.
- A file plugin (text:, or path: to a file) is {VAR}-substituted when that works, else taken as it is,
  and mounted at bind (default /entropy/plugins/<name>), read-only unless mode says otherwise.
- A plugin whose path: is a directory is a directory mount (see container.directory_mounts).
- skip: true on an exec plugin: its step is not run, its image is taken by its tag (see plan.reused_by_tag).
Every exec and file plugin is mounted in every step's container, as in the seed.
"""

from __future__ import annotations

import os

from ansible_collections.kantoo.devkit.plugins.plugin_utils._container import bind
from ansible_collections.kantoo.devkit.plugins.plugin_utils._inputs import sha256
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, check_step_name, is_variable

PLUGIN_DIR = "/entropy/plugins/"


def interpreter(text):
    """The seed's rule: the last word of the first line, '#!/usr/bin/env python3' -> 'python3'."""
    first = text.split("\n", 1)[0]
    if not first.startswith("#!"):
        return None
    return first[2:].split()[-1] if first[2:].split() else None


def plugin_text(name, plugin, project, where):
    if "text" in plugin and "path" in plugin:
        raise TreeError("%s: plugins.%s has both text and path; keep one" % (where, name))
    if "text" in plugin:
        return str(plugin["text"])
    path = os.path.join(project, str(plugin["path"]))
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as exc:
        raise TreeError("%s: plugins.%s.path '%s' cannot be read (%s): %s"
                        % (where, name, plugin["path"], path, exc.strerror))


def plugin_variables(name, plugin, config, where):
    """A plugin's ALL-CAPS keys; '' is filled from the stalk's merged configuration."""
    variables = {}
    for key, value in plugin.items():
        if not is_variable(key):
            continue
        if value == "":
            if config.get(key) in (None, ""):
                raise TreeError("%s: plugins.%s.%s is '' and nothing sets it; set %s in the tree "
                                "(globals, or the stalk's node)" % (where, name, key, key))
            value = config[key]
        variables[key] = str(value)
    return variables


def substitute(text, variables, name, where, strict):
    """{VAR} substitution with str.format; strict for exec plugins, best effort for files."""
    try:
        return text.format(**variables)
    except (KeyError, ValueError, IndexError) as exc:
        if not strict:
            return text
        raise TreeError("%s: plugins.%s: its script has {%s}, which none of its ALL-CAPS keys sets; declare "
                        "it in the plugin, or write {{ and }} for literal braces" % (where, name, exc.args[0]))


def is_directory_plugin(plugin, project):
    """A path: that is a directory, or that does not exist yet: container.directory_mounts makes an rw one when
    the first container starts and stops on a read-only one that nothing makes."""
    if "path" not in plugin:
        return False
    path = os.path.join(project, str(plugin["path"]))
    return os.path.isdir(path) or (not plugin.get("exec") and not os.path.exists(path))


def seed_stalk(manifest, config, project, render_dir):
    """Steps, rendered files and their mounts of a seed-format stalk.

    Rendered scripts and files are written under render_dir, whose paths do not enter any cache key.
    """
    where = manifest["path"]
    steps, files = [], []
    for name, plugin in manifest["plugins"].items():
        if not isinstance(plugin, dict):
            raise TreeError("%s: plugins.%s must be a mapping" % (where, name))
        if is_directory_plugin(plugin, project) or not ("text" in plugin or "path" in plugin):
            continue
        text = plugin_text(name, plugin, project, where)
        variables = plugin_variables(name, plugin, config, where)
        if plugin.get("exec"):
            check_step_name(name, "%s: plugins.%s" % (where, name))
            program = interpreter(text)
            if program is None:
                raise TreeError("%s: plugins.%s: an exec plugin's text must start with a shebang, such as "
                                "'#!/usr/bin/env sh'" % (where, name))
            if program != "sh":
                text = substitute(text, variables, name, where, strict=True)
            target = PLUGIN_DIR + name
            steps.append({"name": name, "interpreter": program, "script": target, "env": variables,
                          "daemonize": bool(plugin.get("daemonize")), "skip": bool(plugin.get("skip")),
                          "digest": sha256(text)})
            mode = "ro"
        else:
            text = substitute(text, variables, name, where, strict=False)
            target = plugin.get("bind") or PLUGIN_DIR + name
            mode = plugin.get("mode", "ro")
        files.append((name, text + "\n", target, mode))
    if not steps:
        raise TreeError("%s: has no exec plugins, so the stalk has no steps" % where)
    os.makedirs(render_dir, exist_ok=True)
    mounts, digests = [], {}
    for name, text, target, mode in files:
        path = os.path.join(render_dir, name)
        if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(text)
        mounts.append(bind(path, target, mode))
        digests[target] = sha256(text)
    return {"steps": steps, "mounts": mounts, "files": digests}
