# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A role's argument spec, checked before any container starts.

Ansible checks a role's arguments when the role starts; in a tree the stalk's role runs a step at a time
(tasks_from), which checks nothing, and a stalk that is up to date does not run at all.  So the check play does
it here, with the values the role would see: its defaults, under the host's variables and extra vars, under its
vars, templated.
"""

from __future__ import annotations

import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


def _load(loader, path):
    # trusted as Ansible trusts a role's own files: else its defaults' templates stay text and fail their types;
    # unsafe: not deep-copied (7 ms a stalk), as nothing here changes what it read
    return (loader.load_from_file(path, trusted_as_template=True, unsafe=True) or {}) if os.path.isfile(path) else {}


def check_role_arguments(role_dir, task_vars, loader, templar, where):
    """Raise TreeError naming the role's argument_specs.yml when the values it would see do not match its spec."""
    spec_file = os.path.join(role_dir, "meta", "argument_specs.yml")
    options = ((_load(loader, spec_file).get("argument_specs") or {}).get("main") or {}).get("options") or {}
    if not options:
        return
    variables = dict(_load(loader, os.path.join(role_dir, "defaults", "main.yml")))
    variables.update(task_vars)
    variables.update(_load(loader, os.path.join(role_dir, "vars", "main.yml")))
    provided = {name: variables[name] for name in options if name in variables}
    provided = templar.copy_with_new_env(available_variables=variables).template(provided)
    errors = ArgumentSpecValidator(options).validate(provided, validate_role_argument_spec=True).error_messages
    if errors:
        raise TreeError("%s: the values role %s would get do not match %s: %s"
                        % (where, os.path.basename(role_dir), spec_file, "; ".join(errors)))
