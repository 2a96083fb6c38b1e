"""Where tests live, checked: no test module imports another (shared helpers live in a conftest.py or a helper
module such as tests/scratch.py), in tests/ and in the collection's tests; and the collection's unit tests are
in folders named after its plugin types (see the README's Tests)."""

import ast

from conftest import PROJECT

COLLECTION_TESTS = PROJECT / "collections/ansible_collections/kantoo/devkit/tests"
TEST_FOLDERS = [PROJECT / "tests", COLLECTION_TESTS]


def python_files():
    for folder in TEST_FOLDERS:
        yield from sorted(path for path in folder.rglob("*.py") if "output" not in path.relative_to(folder).parts)


def imported_modules(path):
    """Every module a Python file imports, and every name it imports from one."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            yield base
            yield from ("%s.%s" % (base, alias.name) if base else alias.name for alias in node.names)


def test_no_test_module_imports_another():
    files = list(python_files())
    assert len(files) > 20
    offenders = ["%s imports %s" % (path.relative_to(PROJECT), name) for path in files
                 for name in imported_modules(path) if name.split(".")[-1].startswith("test_")]
    assert offenders == [], "move what they share into conftest.py or a helper module"


def test_the_collections_unit_tests_mirror_its_plugin_types():
    unit = COLLECTION_TESTS / "unit"
    plugin_types = {path.name for path in (PROJECT / "collections/ansible_collections/kantoo/devkit/plugins").iterdir()
                    if path.is_dir()}
    misplaced = [str(path.relative_to(unit)) for path in unit.rglob("test_*.py")
                 if path.parent not in (unit, unit / "plugins") and (
                     path.parent.parent != unit / "plugins" or path.parent.name not in plugin_types)]
    assert misplaced == [], "a unit test of a plugin lives in tests/unit/plugins/<its plugin type>/"
