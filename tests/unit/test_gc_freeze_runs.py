"""The callback kantoo.devkit.gc_freeze on a real run (ansible.cfg enables it): the workers Ansible forks for the
tasks inherit the objects frozen when the playbook started. No Docker: the task runs on the controller."""

import re
import textwrap

import pytest

from conftest import playbook


@pytest.fixture
def play(tmp_path):
    """A play whose one task prints, from its worker, how many objects the garbage collector leaves alone."""
    (tmp_path / "filter_plugins").mkdir()
    (tmp_path / "filter_plugins" / "frozen.py").write_text(textwrap.dedent("""\
        import gc

        class FilterModule:
            def filters(self):
                return {"frozen": lambda _: gc.get_freeze_count()}
        """))
    path = tmp_path / "frozen.yml"
    path.write_text("- hosts: localhost\n  gather_facts: false\n  tasks:\n"
                    "    - ansible.builtin.debug: {msg: \"FROZEN={{ 0 | frozen }}\"}\n")
    return path


def frozen(play, **env):
    out = playbook(play, "-i", "localhost,", "-c", "local", **env).stdout
    return int(re.search(r"FROZEN=(\d+)", out).group(1))


def test_the_workers_of_a_run_start_with_the_controllers_objects_frozen(play):
    # ansible-playbook's modules, plugins and the loaded playbook: tens of thousands of objects
    assert frozen(play) > 10000


def test_without_the_callback_nothing_is_frozen(play):
    assert frozen(play, ANSIBLE_CALLBACKS_ENABLED="kantoo.devkit.steps") == 0
