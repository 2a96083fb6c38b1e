"""Each module owns its arguments: ARGUMENT_SPEC beside its DOCUMENTATION says the same (names, types, defaults,
required, choices, elements, suboptions), and the action plugin of the same name validates the task with that
very spec instead of one of its own."""

import ast
import importlib
import json
from pathlib import Path

import pytest

PLUGINS = Path(__file__).resolve().parents[4] / "plugins"
MODULES = sorted(path.stem for path in (PLUGINS / "modules").glob("*.py") if path.stem != "__init__")
ACTIONS = sorted(path.stem for path in (PLUGINS / "action").glob("*.py") if path.stem in MODULES)
# AnsibleModule's other checks: a module that has one, the action passes on
CHECKS = ("MUTUALLY_EXCLUSIVE", "REQUIRED_IF", "REQUIRED_ONE_OF", "REQUIRED_TOGETHER", "REQUIRED_BY")
VALIDATORS = ("arguments", "validate_argument_spec")


def module(name):
    return importlib.import_module("ansible_collections.kantoo.devkit.plugins.modules." + name)


def summary(options, nested):
    """What a spec and its documentation must agree on, of each option; nested names where suboptions are
    ('options' in a spec, 'suboptions' in documentation)."""
    return {name: dict(type=option.get("type", "str"), default=option.get("default"),
                       required=option.get("required", False), choices=option.get("choices"),
                       elements=option.get("elements"), options=summary(option.get(nested) or {}, nested))
            for name, option in options.items()}


def test_every_module_and_action_is_checked():
    assert "step_container" in MODULES and "step_container" in ACTIONS
    assert "image_import" not in ACTIONS  # it runs as a module only


def test_every_spec_says_what_its_documentation_says(ansible):
    # one ansible-doc for all: the documentation as Ansible reads it, its fragments merged in
    proc = ansible("ansible-doc", "--json", *["kantoo.devkit." + name for name in MODULES])
    assert proc.returncode == 0, proc.stdout
    docs = json.loads(proc.stdout[proc.stdout.index("{"):])
    assert sorted(docs) == ["kantoo.devkit." + name for name in MODULES]
    differ = {}
    for name in MODULES:
        spec = summary(module(name).ARGUMENT_SPEC, "options")
        doc = summary(docs["kantoo.devkit." + name]["doc"].get("options") or {}, "suboptions")
        if spec != doc:
            differ[name] = {option: (spec.get(option), doc.get(option)) for option in set(spec) | set(doc)
                            if spec.get(option) != doc.get(option)}
    assert not differ, "ARGUMENT_SPEC and DOCUMENTATION differ, (spec, doc) of each option: %s" % differ


@pytest.mark.parametrize("name", ACTIONS)
def test_the_action_validates_with_the_modules_spec(name):
    tree = ast.parse((PLUGINS / "action" / (name + ".py")).read_text())
    source = "ansible_collections.kantoo.devkit.plugins.modules." + name
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module == source
                for alias in node.names}
    assert "ARGUMENT_SPEC" in imported, "the action does not import the module's ARGUMENT_SPEC"
    assert set(CHECKS) & set(vars(module(name))) <= imported, "the action skips a check of the module's"
    own = [node.lineno for node in ast.walk(tree) if isinstance(node, (ast.Assign, ast.AnnAssign))
           for target in getattr(node, "targets", [getattr(node, "target", None)])
           if isinstance(target, ast.Name) and target.id in imported]
    assert not own, "the action defines its own spec, line %s" % own
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr in VALIDATORS]
    assert calls, "the action does not validate its arguments"
    for call in calls:
        given = [kw.value for kw in call.keywords if kw.arg == "argument_spec"] + call.args[:1]
        assert [getattr(spec, "id", None) for spec in given] == ["ARGUMENT_SPEC"], \
            "line %d validates with a spec other than the module's" % call.lineno
