"""The rules of the unit tests themselves: none imports the Docker SDK (they run with no engine), and no test
module imports another (shared helpers live in conftest.py)."""

import ast
import json
import subprocess
import sys
from pathlib import Path

UNIT = Path(__file__).resolve().parent
COLLECTIONS = UNIT.parents[4]
TEST_MODULES = sorted(UNIT.rglob("test_*.py"))

# Imports every unit test module, each under a name of its own, and prints the Docker SDK modules it pulled in.
IMPORT_ALL = """
import importlib.util, json, sys
sys.path.insert(0, sys.argv[1])
for number, path in enumerate(sys.argv[2:]):
    sys.path.insert(1, path.rsplit("/", 1)[0])
    spec = importlib.util.spec_from_file_location("unit_test_%d" % number, path)
    spec.loader.exec_module(importlib.util.module_from_spec(spec))
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] == "docker")))
"""


def imported_modules(path):
    """Every module a Python file imports, relative imports as '.name'."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield base
            yield from (base.rstrip(".") + "." + alias.name if base.rstrip(".") else alias.name for alias in node.names)


def test_no_unit_test_imports_the_docker_sdk():
    assert TEST_MODULES
    proc = subprocess.run([sys.executable, "-c", IMPORT_ALL, str(COLLECTIONS)] + [str(p) for p in TEST_MODULES],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.splitlines()[-1]) == [], "a unit test imports the Docker SDK"


def test_no_test_module_imports_another():
    modules = TEST_MODULES + sorted(UNIT.rglob("conftest.py"))
    offenders = ["%s imports %s" % (path.relative_to(UNIT), name) for path in modules
                 for name in imported_modules(path) if name.split(".")[-1].startswith("test_")]
    assert offenders == [], "shared helpers belong in conftest.py"
