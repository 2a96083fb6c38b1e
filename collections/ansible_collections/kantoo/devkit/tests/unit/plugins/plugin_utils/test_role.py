"""A role's steps, read from its tasks/main.yml: one import a line, and a line holds nothing else."""

from pathlib import Path

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._role import role_steps
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


def role(tmp_path, write, main, steps=("one", "two")):
    for step in steps:
        write(tmp_path / "tasks" / (step + ".yml"), "- name: Say %s\n  ansible.builtin.debug:\n    msg: %s\n"
              % (step, step))
    write(tmp_path / "tasks" / "main.yml", main)
    return str(tmp_path)


def error(tmp_path, write, main, steps=("one", "two")):
    with pytest.raises(TreeError) as raised:
        role_steps(role(tmp_path, write, main, steps))
    return str(raised.value)


def test_the_steps_are_the_imported_files_in_order(tmp_path, write):
    assert role_steps(role(tmp_path, write, """\
        ---
        # a comment
        - name: Step two
          ansible.builtin.import_tasks: two.yml
        - ansible.builtin.import_tasks:
            file: one.yml
        - include_tasks: three.yml
        """, steps=("one", "two", "three"))) == ["two", "one", "three"]


@pytest.mark.parametrize("keyword, value", [
    ("when", "docs | bool"), ("tags", "[docs]"), ("vars", "{x: 1}"), ("become", "true"),
    ("environment", "{A: b}"), ("ignore_errors", "true"), ("delegate_to", "localhost")])
def test_a_keyword_on_a_step_line_stops_naming_the_file_and_its_line(tmp_path, write, keyword, value):
    message = error(tmp_path, write, """\
        ---
        - name: Step one
          ansible.builtin.import_tasks: one.yml
        - name: Step two
          ansible.builtin.import_tasks: two.yml
          %s: %s
        """ % (keyword, value))
    assert message.startswith("%s:6: '%s' on the line of step 'two' is not supported" % (
        tmp_path / "tasks" / "main.yml", keyword))
    assert "a tree runs tasks/two.yml on its own and would ignore it" in message
    assert "Move it into tasks/two.yml, onto its tasks or a block around them" in message


def test_every_keyword_of_the_line_is_named_at_the_first_one(tmp_path, write):
    message = error(tmp_path, write, """\
        - name: Step one
          when: docs
          tags: docs
          ansible.builtin.import_tasks: one.yml
        """)
    assert message.startswith("%s:2: 'when' and 'tags' on the line of step 'one'" % (tmp_path / "tasks" / "main.yml"))
    assert "Move them into tasks/one.yml" in message


def test_an_argument_of_the_import_besides_its_file_is_a_keyword_too(tmp_path, write):
    message = error(tmp_path, write, """\
        - name: Step one
          ansible.builtin.include_tasks:
            file: one.yml
            apply:
              tags: [docs]
        """)
    assert message.startswith("%s:2: 'ansible.builtin.include_tasks.apply' on the line of step 'one'"
                              % (tmp_path / "tasks" / "main.yml"))


@pytest.mark.parametrize("main, expected", [
    ("- name: Not a step\n  ansible.builtin.debug:\n    msg: hi\n",
     ":1: this task is not a step; list each step as 'ansible.builtin.import_tasks: <step>.yml'"),
    ("- ansible.builtin.import_tasks: one.yml\n- ansible.builtin.import_tasks: \"{{ x }}.yml\"\n",
     ":2: this task is not a step"),
    ("- ansible.builtin.import_tasks: one.yml\n\n- ansible.builtin.import_tasks: gone.yml\n",
     ":3: task 2 names gone.yml, which is not in"),
    ("- ansible.builtin.import_tasks: one.yml\n- ansible.builtin.import_tasks: one.yml\n",
     ":2: step 'one' is listed again (first at line 1)"),
    ("- ansible.builtin.import_tasks: two words.yml\n",
     ":1: task 1 (import_tasks: two words.yml): step name 'two words' cannot be a Docker image tag"),
    ("one: two\n", ":1: a list of steps must be a YAML list"),
    ("---\n", ": lists no steps"),
    ("[]\n", ": lists no steps"),
    ("- [unclosed\n", ": cannot read the list of steps"),
])
def test_what_is_not_a_list_of_steps_is_said_with_its_line(tmp_path, write, main, expected):
    assert error(tmp_path, write, main, steps=("one", "two words")).startswith(
        str(tmp_path / "tasks" / "main.yml") + expected)


def test_the_project_s_roles_list_their_steps_one_a_line():
    """Every stalk role of the project reads as steps (none has a keyword on a step line)."""
    roles = Path(__file__).resolve().parents[8] / "roles"
    if not roles.is_dir():
        pytest.skip("not in the kantoo-devkit project")
    for main in sorted(roles.glob("*/tasks/main.yml")):
        assert role_steps(str(main.parent.parent))
