"""The project's own filters (filter_plugins/): what they give, their docs, and the roles' package defaults that
use them, templated by a playbook outside this project that only points filter_plugins here. No Docker."""

import importlib.util
import json

import pytest
import yaml

from conftest import PROJECT, run, BIN

FILTER_PLUGINS = PROJECT / "filter_plugins"


def load(name):
    spec = importlib.util.spec_from_file_location("kantoo_filter_" + name, FILTER_PLUGINS / (name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FilterModule().filters()


words = load("words")["words"]


@pytest.mark.parametrize("value, expected", [
    ("chrony sudo vim-tiny", ["chrony", "sudo", "vim-tiny"]),
    ("app-admin/metalog\napp-editors/vim\n  net-misc/chrony\t\n", ["app-admin/metalog", "app-editors/vim", "net-misc/chrony"]),
    (["a b", "c"], ["a", "b", "c"]),
    (["a", ["b c", ["d"]], []], ["a", "b", "c", "d"]),
    (("a", "b"), ["a", "b"]),
    ((w for w in ["a b", "c"]), ["a", "b", "c"]),  # what map() gives
    (None, []),
    ("", []),
    ([None, "", "a"], ["a"]),
    (3, ["3"]),
])
def test_words_are_every_word_of_strings_and_lists_at_any_depth(value, expected):
    assert words(value) == expected


@pytest.mark.parametrize("value", [{"a": "b"}, True, [False]])
def test_words_refuses_what_has_no_words(value):
    from ansible.errors import AnsibleFilterError

    with pytest.raises(AnsibleFilterError, match="takes a string of words or a list of them"):
        words(value)


def test_every_filter_documents_itself_to_ansible_doc():
    """From the project, with its ansible.cfg: ansible-doc -t filter <name> shows the doc of each filter."""
    names = sorted(name for path in FILTER_PLUGINS.glob("*.py") for name in load(path.stem))
    assert "words" in names
    for name in names:
        proc = run([str(BIN / "ansible-doc"), "-t", "filter", name, "--json"])
        doc = json.loads(proc.stdout[proc.stdout.index("{"):])
        documented = next(iter(doc.values()))
        assert documented["doc"]["name"] == name and documented["doc"]["description"], proc.stdout
        assert "| %s" % name in documented["examples"], proc.stdout
        assert documented["return"]["_value"]["description"], proc.stdout


# each role's package setting: the tree's variable, and what the role makes of it
ROLES = {
    "build_binaries": ("IN_PORT_PKGS", "build_binaries_packages"),
    "stage4": ("IN_ENTR_PKGS", "stage4_packages"),
    "stage3": ("RM_PORT_PKGS", "stage3_rm_packages"),
    "debian_binaries": ("DEBIAN_PACKAGES", "debian_binaries_packages"),
    "debian_stage4": ("DEBIAN_PACKAGES", "debian_stage4_packages"),
}
EXTRA = {"debian_stage4": ["kantoo-release"]}  # the package the tree builds, always installed


def test_the_roles_take_the_seeds_package_strings_and_lists_outside_this_project(tmp_path):
    config = tmp_path / "ansible.cfg"
    config.write_text("[defaults]\nfilter_plugins = %s\n" % FILTER_PLUGINS)
    settings = {"unset": None, "seed": "a/b\n  c/d e/f\n", "list": ["a/b", "c/d e/f"], "nested": [["a/b"], "c/d e/f"]}
    plays = [{
        "name": case,
        "hosts": "localhost",
        "gather_facts": False,
        "vars_files": [str(PROJECT / "roles" / role / "defaults" / "main.yml") for role in ROLES],
        "vars": dict({} if value is None else {variable: value for variable, _ in ROLES.values()},
                     ansible_python_interpreter="{{ ansible_playbook_python }}"),
        "tasks": [{"ansible.builtin.copy": {
            "dest": str(tmp_path / (case + ".json")),
            "content": "{{ %s | to_json }}" % ("{%s}" % ", ".join("'%s': %s" % (r, v) for r, (_, v) in ROLES.items())),
            "mode": "0644"}}],
    } for case, value in settings.items()]
    (tmp_path / "play.yml").write_text(yaml.safe_dump(plays))
    run([str(BIN / "ansible-playbook"), "-i", "localhost,", "-c", "local", "play.yml"], cwd=tmp_path,
        ANSIBLE_CONFIG=str(config))

    defaults = {role: yaml.safe_load((PROJECT / "roles" / role / "meta" / "argument_specs.yml").read_text())
                ["argument_specs"]["main"]["options"][variable].get("default") for role, (_, variable) in ROLES.items()}
    unset = json.loads((tmp_path / "unset.json").read_text())
    for role, packages in unset.items():
        assert packages and all(isinstance(p, str) and " " not in p for p in packages), (role, packages)
        if defaults[role] is not None:  # the spec's default, where it has one, is what the role's default gives
            assert packages == defaults[role], role
    for case in ("seed", "list", "nested"):
        given = json.loads((tmp_path / (case + ".json")).read_text())
        assert given == {role: ["a/b", "c/d", "e/f"] + EXTRA.get(role, []) for role in ROLES}, case
