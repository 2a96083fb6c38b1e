"""Which commands the agent (plugin_utils/_agent.py) runs as a module in a fork of itself: only Ansible's pipelined
AnsiballZ wrapper on the agent's own Python, with the task's environment before it; anything else runs as it
would under docker exec."""

import base64
import sys

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._agent import Modules

ZIP = b"PK\x05\x06" + b"\0" * 18  # an empty zip
WRAPPER = (b"#!/usr/bin/python3\n_ANSIBALLZ_WRAPPER = True\n"
           b"if __name__ == '__main__':\n    _ansiballz_main(\nzip_data='%s'\n)\n" % base64.b64encode(ZIP))


@pytest.mark.parametrize("cmd,environment", [
    ("/bin/sh -c '%s && sleep 0'" % sys.executable, {}),
    ("/bin/sh -c 'LANG=C.UTF-8 KANTOO_A='\"'\"'a b'\"'\"' %s && sleep 0'" % sys.executable,
     {"LANG": "C.UTF-8", "KANTOO_A": "a b"}),
])
def test_the_wrapper_on_the_agents_python_with_its_environment_is_a_module(cmd, environment):
    assert Modules().accepts(cmd, WRAPPER) == (environment, ZIP, WRAPPER)


@pytest.mark.parametrize("cmd,data", [
    ("/bin/sh -c '%s && sleep 0'" % sys.executable, b"print('not a wrapper')"),
    ("/bin/sh -c '/no/such/python3 && sleep 0'", WRAPPER),  # another Python
    ("/bin/sh -c 'sudo -H -S -n -u nobody %s && sleep 0'" % sys.executable, WRAPPER),  # become
    ("/bin/sh -c '%s /tmp/AnsiballZ_command.py && sleep 0'" % sys.executable, WRAPPER),  # not pipelined
    ("/bin/sh -c 'echo unbalanced '\"'\"' && sleep 0'", WRAPPER),
    ("/bin/sh -c '%s && sleep 0'" % sys.executable, WRAPPER.replace(b"zip_data=", b"zipdata=")),
])
def test_anything_else_runs_as_a_command(cmd, data):
    assert Modules().accepts(cmd, data) is None


def test_once_the_agent_could_not_import_modules_it_stops_trying():
    modules = Modules()
    modules.ready = False
    assert modules.accepts("/bin/sh -c '%s && sleep 0'" % sys.executable, WRAPPER) is None
