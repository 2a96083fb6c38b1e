# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the step machinery tells the steps callback (callback/steps.py), as data in its results.

Each action of the machinery returns one event under the result key ``kantoo``; the callback knows a step by these
events only, whatever the actions are named:

- ``stalk_planned`` (stalk_plan): the stalk's ``cached`` steps and those ``todo``; also the ``tree``,
  ``repository`` and ``log_dir`` of the stalk, and the lines to ``say`` below the plan's result (its explanation
  when asked, what check mode would create).  The check returns it only for a stalk that is up to date, the
  only thing a run does with such a stalk.
- ``step_started`` (step_container): ``step``, ``container``, ``parent_image``, ``log_file``, ``engine`` (the URL
  of the Docker engine the step runs on).
- ``step_committed`` (container_commit, when the labels name a step): ``step``, ``state`` (``built``, or
  ``failed`` for the file system of a failed step), ``image`` (its id, None when the commit failed), ``tags``.
- ``stalk_done`` (stalk_done): ``failed``.

``step_started`` and ``step_committed`` carry ``started`` and ``ended``, the times (time.time()) the action
began and finished its work: a step's time is measured by the actions, not by when the callback hears of them.
"""

from __future__ import annotations

import time

RESULT_KEY = "kantoo"

STALK_PLANNED = "stalk_planned"
STEP_STARTED = "step_started"
STEP_COMMITTED = "step_committed"
STALK_DONE = "stalk_done"

CACHED = "cached"
BUILT = "built"
FAILED = "failed"


def event(name, **data):
    """The event name with data, as it goes into an action's result: result.update(event(...))."""
    return {RESULT_KEY: dict(data, event=name)}


def timed(name, started, **data):
    """An event of work that began at started (time.time()) and ends now."""
    return event(name, started=started, ended=time.time(), **data)


def of(result):
    """The event of an action's result, or None."""
    found = result.get(RESULT_KEY)
    return found if isinstance(found, dict) and "event" in found else None
