"""Every filter of the collection documents itself to ansible-doc, and works in a template of a real run."""

import json
from pathlib import Path

import pytest

FILTER_DIR = Path(__file__).resolve().parents[4] / "plugins" / "filter"
DOCUMENTED = sorted(path.stem for path in FILTER_DIR.glob("*.yml"))


def offered():
    """Every filter name the plugin files of plugins/filter/ offer."""
    from ansible_collections.kantoo.devkit.plugins.filter import image_names, mask, seed_format

    return sorted(name for module in (image_names, mask, seed_format) for name in module.FilterModule().filters())


def test_every_filter_has_a_doc_file_and_every_doc_file_a_filter():
    assert DOCUMENTED == offered()
    assert sorted(path.stem for path in FILTER_DIR.glob("*.py")) == ["image_names", "mask", "seed_format"]


def test_ansible_doc_lists_every_filter(ansible):
    proc = ansible("ansible-doc", "-t", "filter", "--list", "kantoo.devkit", "--json")
    assert proc.returncode == 0, proc.stdout
    listed = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert sorted(listed) == ["kantoo.devkit." + name for name in DOCUMENTED]


@pytest.mark.parametrize("name", DOCUMENTED)
def test_a_filter_has_a_description_options_examples_and_its_return(ansible, name):
    proc = ansible("ansible-doc", "-t", "filter", "kantoo.devkit." + name, "--json")
    assert proc.returncode == 0, proc.stdout
    doc = json.loads(proc.stdout[proc.stdout.index("{"):])["kantoo.devkit." + name]
    assert doc["doc"]["name"] == name
    assert doc["doc"]["description"] and doc["doc"]["short_description"]
    assert "_input" in doc["doc"]["options"]
    assert "kantoo.devkit." + name in doc["examples"]
    assert doc["return"]["_value"]["description"]


def test_the_filters_work_in_a_template(ansible):
    """Through Ansible's own loader: the collection's filters are found by their names and give their values."""
    template = (
        "{{ {"
        "'repository': {'OS': 'debian', 'ARCH': 'amd64', 'SUBARCH': 'bookworm'} | kantoo.devkit.repository('w'),"
        "'final': 'd/a/b/w' | kantoo.devkit.image,"
        "'failed': 'd/a/b/w' | kantoo.devkit.image('collect' | kantoo.devkit.failed_tag),"
        "'parts': 'd/a/b/w:collect-failed' | kantoo.devkit.image_parts,"
        "'step': 'collect-failed' | kantoo.devkit.step_of_tag,"
        "'seed': 'ROOT={ROOT} {{x}}' | kantoo.devkit.seed_format({'ROOT': '/dev/sda2'}),"
        "'masked': 'root:iamsolame' | kantoo.devkit.mask({'ROOT_PASSWD': 'iamsolame'})"
        "} }}")
    proc = ansible("ansible", "localhost", "-m", "ansible.builtin.debug", "-a", "msg=" + template)
    assert proc.returncode == 0, proc.stdout
    assert json.loads(proc.stdout[proc.stdout.index("{"):])["msg"] == {
        "repository": "debian/amd64/bookworm/w",
        "final": "d/a/b/w:final",
        "failed": "d/a/b/w:collect-failed",
        "parts": {"repository": "d/a/b/w", "tag": "collect-failed"},
        "step": {"step": "collect", "failed": True},
        "seed": "ROOT=/dev/sda2 {x}",
        "masked": "root:********",
    }
