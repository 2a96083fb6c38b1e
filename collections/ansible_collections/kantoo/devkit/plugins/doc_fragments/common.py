# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: its author, and its attributes.

Most modules are done by their action plugin, on the controller: that is the default here, and a module that runs
on the target host says so. The check mode varies: a module takes DRY_RUN or DAEMON, or gives its own."""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
author:
  - Kantoo devkit contributors (@d4g33z)
attributes:
  check_mode:
    description: Can run in check mode and predict whether it would change something, without changing it.
  diff_mode:
    support: none
    description: Would show what has changed in diff mode; images, containers and the files written have no diff to show.
  action:
    support: full
    description: Has an action plugin of the same name, which does the work on the controller.
    details:
      - Runs in the controller's process, without starting a module (which would cost a Python start-up a task),
        and never over the task's connection.
"""

    DRY_RUN = r"""
attributes:
  check_mode:
    support: full
    details: Reports what it would do, and does nothing.
"""

    DAEMON = r"""
attributes:
  check_mode:
    support: none
    details: Skipped in check mode, since it acts on the Docker daemon.
"""
