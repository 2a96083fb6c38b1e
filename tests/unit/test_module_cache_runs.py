"""The callback kantoo.devkit.module_cache on real runs (ansible.cfg enables it): a module built by one run is not
built again by the next, and a changed module_utils file, the collection's or a role's, is never answered with the
payload of the old one. No Docker: the module runs on the controller."""

import textwrap

import pytest

from conftest import BIN, PROJECT, playbook

BUILT = "ANSIBALLZ: Creating module"
REUSED = "ANSIBALLZ: using cached module"


@pytest.fixture
def project(tmp_path):
    """A collection of one module whose answer comes from its module_utils, and a play that prints it."""
    collection = tmp_path / "collections" / "ansible_collections" / "probe" / "cache"
    (collection / "plugins" / "modules").mkdir(parents=True)
    (collection / "plugins" / "module_utils").mkdir(parents=True)
    (collection / "galaxy.yml").write_text("namespace: probe\nname: cache\nversion: 1.0.0\nauthors: [t]\nreadme: R\n")
    (collection / "plugins" / "module_utils" / "value.py").write_text("VALUE = 'first'\n")
    # a role's module_utils/ joins Ansible's module_utils when the role is loaded
    (tmp_path / "roles" / "suffix" / "module_utils").mkdir(parents=True)
    (tmp_path / "roles" / "suffix" / "tasks").mkdir()
    (tmp_path / "roles" / "suffix" / "tasks" / "main.yml").write_text("[]\n")
    (tmp_path / "roles" / "suffix" / "module_utils" / "kantoo_probe_suffix.py").write_text("SUFFIX = '-a'\n")
    (collection / "plugins" / "modules" / "answer.py").write_text(textwrap.dedent("""\
        from ansible.module_utils.basic import AnsibleModule
        from ansible.module_utils.kantoo_probe_suffix import SUFFIX
        from ansible_collections.probe.cache.plugins.module_utils.value import VALUE

        # where the code of basic came from: a kept payload's bytecode names the file as the payload does, while
        # zipimport compiling the source names it by the zip's path
        AnsibleModule(argument_spec={}).exit_json(value=VALUE + SUFFIX,
                                                  basic=AnsibleModule.__init__.__code__.co_filename)
        """))
    play = tmp_path / "answer.yml"
    play.write_text(textwrap.dedent("""\
        - hosts: localhost
          gather_facts: false
          roles: [suffix]
          tasks:
            - probe.cache.answer:
              register: answer
            - ansible.builtin.debug:
                msg: "ANSWER={{ answer.value }} BASIC={{ answer.basic }}"
        """))
    return tmp_path


def answer(project, debug=False):
    extra = {"ANSIBLE_DEBUG": "1"} if debug else {}
    proc = playbook(project / "answer.yml", "-i", "localhost,", "-c", "local", "-vvv",
                    "-e", "ansible_python_interpreter=%s" % (BIN / "python"),
                    ANSIBLE_LOCAL_TEMP=str(project / "local"),
                    ANSIBLE_COLLECTIONS_PATH="%s:%s" % (project / "collections", PROJECT / "collections"), **extra)
    return proc.stdout


def test_a_module_is_built_once_and_again_only_when_a_file_of_it_changes(project):
    first = answer(project, debug=True)
    assert "ANSWER=first-a" in first and BUILT in first and REUSED not in first
    assert "ansible_probe.cache.answer_payload.zip/ansible/module_utils/basic.py" in first  # compiled
    assert "module_cache: 1 module(s) kept for later runs" in first

    again = answer(project, debug=True)
    assert "module_cache: 1 module(s) from earlier runs" in again
    assert "ANSWER=first-a" in again and REUSED in again and BUILT not in again
    # the kept payload's bytecode, by this Python (the module runs on the controller's)
    assert "BASIC=ansible/module_utils/basic.py" in again

    # the module's module_utils changes: the kept payload is not handed over, Ansible builds the new one
    (project / "collections/ansible_collections/probe/cache/plugins/module_utils/value.py").write_text(
        "VALUE = 'second'\n")
    changed = answer(project, debug=True)
    assert "module_cache: 0 module(s) from earlier runs" in changed
    assert "ANSWER=second-a" in changed and BUILT in changed
    assert "module_cache: 1 module(s) kept for later runs" in changed
    # and the next run reuses the new one
    assert "ANSWER=second-a" in answer(project)

    # so does a role's module_utils file
    (project / "roles/suffix/module_utils/kantoo_probe_suffix.py").write_text("SUFFIX = '-b'\n")
    role_changed = answer(project, debug=True)
    assert "ANSWER=second-b" in role_changed and BUILT in role_changed
    assert "ANSWER=second-b" in answer(project)
