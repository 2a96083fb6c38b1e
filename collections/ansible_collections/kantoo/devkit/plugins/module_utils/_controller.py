# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The main() of a module whose action plugin of the same name does all the work, on the controller."""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule


def controller_only(argument_spec, **kwargs):
    """Check the arguments as the action plugin does, then fail: the module itself runs only when its action
    plugin is bypassed. kwargs are AnsibleModule's (supports_check_mode, required_if, ...).

    Building the AnsibleModule is also what lets ansible-test's validate-modules compare the spec with the
    module's DOCUMENTATION."""
    module = AnsibleModule(argument_spec=argument_spec, **kwargs)
    module.fail_json(msg="%s runs on the controller, through its action plugin" % module._name)
