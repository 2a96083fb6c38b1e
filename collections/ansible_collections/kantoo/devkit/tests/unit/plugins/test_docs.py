"""Every module, the inventory plugin and the callback document themselves to ansible-doc."""

import json
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
MODULES = sorted(path.stem for path in (PLUGINS / "modules").glob("*.py") if path.stem != "__init__")
# stalk_done returns nothing a play would use
RETURNING = [name for name in MODULES if name != "stalk_done"]


def test_ansible_doc_lists_every_module(ansible):
    proc = ansible("ansible-doc", "--list", "kantoo.devkit", "--json")
    assert proc.returncode == 0, proc.stdout
    listed = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert sorted(name for name in listed if name.startswith("kantoo.devkit.")) == [
        "kantoo.devkit." + name for name in MODULES]


@pytest.mark.parametrize("module", MODULES)
def test_a_module_has_examples_and_says_what_it_returns(ansible, module):
    proc = ansible("ansible-doc", "kantoo.devkit." + module)
    assert proc.returncode == 0, proc.stdout
    assert "EXAMPLES" in proc.stdout
    if module in RETURNING:
        assert "RETURN VALUES" in proc.stdout


@pytest.mark.parametrize("plugin_type, name", [("inventory", "stalker"), ("callback", "steps")])
def test_the_inventory_plugin_and_the_callback_document_themselves(ansible, plugin_type, name):
    proc = ansible("ansible-doc", "-t", plugin_type, "kantoo.devkit." + name)
    assert proc.returncode == 0, proc.stdout
    assert "kantoo.devkit." + name in proc.stdout
