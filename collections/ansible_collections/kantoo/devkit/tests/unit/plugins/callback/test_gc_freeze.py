"""The callback kantoo.devkit.gc_freeze: the objects there are when the playbook starts, and at exit those made
since, are frozen out of the garbage collector's sweeps. In a process of its own, since freezing is for good."""

import subprocess
import sys
import textwrap
from pathlib import Path

COLLECTIONS = Path(__file__).resolve().parents[7]  # the folder that holds ansible_collections/

PROBE = textwrap.dedent("""\
    import atexit, gc, sys
    sys.path.insert(0, %r)
    # registered before the callback's handler, so it runs after it (atexit runs the last registered first)
    atexit.register(lambda: print("at exit", gc.get_freeze_count()))
    from ansible_collections.kantoo.devkit.plugins.callback.gc_freeze import CallbackModule
    callback = CallbackModule()
    print("before", gc.get_freeze_count())
    callback.v2_playbook_on_start(None)
    started = gc.get_freeze_count()
    print("started", started)
    made_during_the_run = [[n] for n in range(10000)]
    print("after the run", gc.get_freeze_count())
    """) % str(COLLECTIONS)


def freeze_counts():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True).stdout
    return {line.rsplit(" ", 1)[0]: int(line.rsplit(" ", 1)[1]) for line in out.splitlines()}


def test_the_start_freezes_what_there_is_and_the_exit_what_the_run_made():
    counts = freeze_counts()
    assert counts["before"] == 0
    # the interpreter, ansible-core's imports and the callback: tens of thousands of objects at least
    assert counts["started"] > 10000
    assert counts["after the run"] == counts["started"]
    # the run's 10001 lists, less whatever of the start-up was freed since
    assert counts["at exit"] > counts["started"] + 9000
