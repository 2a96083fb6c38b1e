"""The imports of the collection's plugins, read from their source: no cycle anywhere (an import inside a function
counts: it is a cycle waiting for the day it runs first), and no Docker SDK (module_utils/_engine.py is the one
client, over the standard library)."""

import ast
from pathlib import Path

PLUGINS = Path(__file__).resolve().parents[3] / "plugins"
PACKAGE = "ansible_collections.kantoo.devkit.plugins"
SDK = ("docker", "requests", "urllib3", "paramiko", "websocket")


def module_name(path):
    parts = path.relative_to(PLUGINS).with_suffix("").parts
    return ".".join((PACKAGE,) + (parts[:-1] if parts[-1] == "__init__" else parts))


MODULES = {module_name(path): path for path in sorted(PLUGINS.rglob("*.py"))}


def imports(path):
    """(line, name) of every import of a file, at any depth; `from x import y` gives x.y when that is a module."""
    package = module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the file's package up
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                yield node.lineno, base + "." + alias.name if base + "." + alias.name in MODULES else base


def graph():
    return {name: sorted({imported for _line, imported in imports(path) if imported in MODULES and imported != name})
            for name, path in MODULES.items()}


def cycles(edges):
    """The cycles of a directed graph, each as the path that closes it (found by depth-first search)."""
    found, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for after in edges.get(node, ()):
            if state.get(after) == "open":
                found.append(path[path.index(after):] + [after])
            elif after not in state:
                visit(after, path + [after])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


def test_the_cycle_finder_finds_a_cycle_and_nothing_else():
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c", "a"]]
    assert cycles({"a": ["b", "c"], "b": ["c"], "c": []}) == []


def test_every_plugin_module_is_read():
    assert PACKAGE + ".module_utils._engine" in MODULES and PACKAGE + ".action.stalk_plan" in MODULES
    assert PACKAGE + ".module_utils._engine" in graph()[PACKAGE + ".module_utils._commit"]


def test_no_import_cycle_in_the_collection():
    short = [" -> ".join(name[len(PACKAGE) + 1:] for name in cycle) for cycle in cycles(graph())]
    assert short == [], "import cycles: %s" % "; ".join(short)


def test_no_plugin_imports_the_docker_sdk():
    """Importing it costs 0.12 s a process; the collection's client is module_utils/_engine.py, stdlib only."""
    offenders = ["%s:%d imports %s" % (path.relative_to(PLUGINS), line, name) for path in MODULES.values()
                 for line, name in imports(path) if name.split(".")[0] in SDK]
    assert offenders == []
