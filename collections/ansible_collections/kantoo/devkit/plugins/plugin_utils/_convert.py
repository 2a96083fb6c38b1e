# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Convert a seed-format stalk file into a role that builds the same steps.

- Each exec plugin becomes tasks/<plugin>.yml: put the script at /entropy/plugins/<plugin> (a file of
  files/ for sh, a template of templates/ otherwise, its {VAR} turned into role variables), run it with
  its interpreter from / with its variables as environment, and remove it.
- Each file plugin becomes templates/<plugin>.j2, put at its bind path by the first step, so it is in the
  image for the steps after it (the seed mounted it read-only instead).
- Each plugin variable becomes a default <role>_<plugin>_<var>: its value, or for '' the tree's variable.
- Container options, env, stalk variables and directory mounts stay in the stalk file, where the runner
  reads them in role mode too.
"""

from __future__ import annotations

import json
import os
import re
import string

import yaml

from ansible_collections.kantoo.devkit.plugins.plugin_utils._seed import (
    PLUGIN_DIR, interpreter, is_directory_plugin, plugin_text)
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError, is_variable, load_manifest

JINJA_SPECIAL = re.compile(r"[{}]")


def raw(text):
    """Literal text for a Jinja template."""
    if not JINJA_SPECIAL.search(text):
        return text
    return "{% raw %}" + text + "{% endraw %}"


def to_template(text, names):
    """A seed text with {VAR} fields as a Jinja template of role variables; None when str.format would fail."""
    parts, literal = [], ""
    try:
        for text_part, field, spec, conversion in string.Formatter().parse(text):
            literal += text_part
            if field is not None:
                if field not in names or spec or conversion:
                    return None
                parts += [raw(literal), "{{ %s }}" % names[field]]
                literal = ""
    except ValueError:
        return None
    return "".join(parts) + raw(literal)


def variable_name(role, plugin, key):
    return re.sub(r"[^a-z0-9_]", "_", "%s_%s_%s" % (role, plugin, key.lower()))


def yaml_value(value):
    """A YAML scalar; a value with Jinja in it is marked !unsafe, as the seed never templated it."""
    text = json.dumps(str(value))
    return "!unsafe " + text if "{{" in str(value) or "{%" in str(value) else text


def convert(manifest_path, role_dir):
    """Files of the role converted from a stalk file, as {relative path: text}."""
    manifest = load_manifest(manifest_path)
    if manifest["path"] is None:
        raise TreeError("%s: no such stalk file" % manifest_path)
    role = os.path.basename(role_dir)
    project = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(manifest_path))))
    files, defaults, steps, placed = {}, [], [], []
    for name, plugin in manifest["plugins"].items():
        if not isinstance(plugin, dict) or is_directory_plugin(plugin, project):
            continue
        if not ("text" in plugin or "path" in plugin):
            continue
        text = plugin_text(name, plugin, project, manifest_path)
        names = {}
        for key, value in plugin.items():
            if is_variable(key):
                names[key] = variable_name(role, name, key)
                # '' is the tree's value, as the seed filled it from the configuration
                defaults.append("%s: %s" % (names[key], json.dumps("{{ %s }}" % key) if value == ""
                                            else yaml_value(value)))
        if plugin.get("exec"):
            steps.append((name, interpreter(text), text, names))
        else:
            template = to_template(text, names)
            files["templates/%s.j2" % name] = (template if template is not None else raw(text)) + "\n"
            placed.append((name, plugin.get("bind") or PLUGIN_DIR + name))
    if not steps:
        raise TreeError("%s: has no exec plugins, so there are no steps to convert" % manifest_path)
    main = []
    for number, (name, program, text, names) in enumerate(steps):
        tasks = [] if number else [_place_file(name_, bind) for name_, bind in placed]
        tasks += _script_tasks(name, program, text, names, files)
        files["tasks/%s.yml" % name] = "---\n" + yaml.safe_dump(tasks, sort_keys=False, width=120)
        main.append({"name": "Step " + name, "ansible.builtin.import_tasks": name + ".yml"})
    files["tasks/main.yml"] = "---\n" + yaml.safe_dump(main, sort_keys=False)
    if defaults:
        files["defaults/main.yml"] = "---\n# From the plugins of %s\n%s\n" % (
            os.path.basename(manifest_path), "\n".join(defaults))
    files["meta/main.yml"] = "---\n" + yaml.safe_dump({"galaxy_info": {
        "author": "converted from %s" % os.path.basename(manifest_path),
        "description": "The stalk %s, converted from its seed-format stalk file" % role,
        "license": "GPL-3.0-or-later", "min_ansible_version": "2.17",
        "platforms": [{"name": "GenericLinux", "versions": ["all"]}]}, "dependencies": []}, sort_keys=False)
    options = {line.split(":", 1)[0]: {"description": "Variable of the seed plugin it is named after.",
                                       "type": "str"} for line in defaults}
    files["meta/argument_specs.yml"] = "---\n" + yaml.safe_dump({"argument_specs": {"main": {
        "short_description": "Steps of the stalk %s" % role, "options": options}}}, sort_keys=False)
    return files


def _place_file(name, bind):
    return {"name": "Put the file %s at %s" % (name, bind),
            "ansible.builtin.template": {"src": name + ".j2", "dest": bind, "mode": "0644"}}


def _script_tasks(name, program, text, names, files):
    script = PLUGIN_DIR + name
    if program == "sh":
        files["files/%s" % name] = text + "\n"
        put = {"ansible.builtin.copy": {"src": name, "dest": script, "mode": "0755"}}
    else:
        template = to_template(text, names)
        if template is None:
            raise TreeError("plugins.%s: its script has a {field} that none of its ALL-CAPS keys sets" % name)
        files["templates/%s.j2" % name] = template + "\n"
        put = {"ansible.builtin.template": {"src": name + ".j2", "dest": script, "mode": "0755"}}
    run = {"name": "Run step %s" % name,
           "ansible.builtin.command": {"argv": [program, script], "chdir": "/"},
           "changed_when": True}
    if names:
        run["environment"] = {key: "{{ %s }}" % var for key, var in names.items()}
    return [dict({"name": "Put the script of step %s in place" % name}, **put), run,
            {"name": "Remove the script of step %s" % name,
             "ansible.builtin.file": {"path": script, "state": "absent"}}]


def write_role(files, role_dir, force=False):
    """Write the role; an existing, different role is kept unless force. Returns whether anything changed."""
    current = {}
    for relative in files:
        path = os.path.join(role_dir, relative)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                current[relative] = handle.read()
    if current == files:
        return False
    if current and not force:
        raise TreeError("%s exists and differs from the conversion; convert into another directory, or set "
                        "force to overwrite it" % role_dir)
    for relative, text in files.items():
        path = os.path.join(role_dir, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    return True
