"""The payloads kept between runs (plugin_utils/_module_cache.py): a payload moves only while each of its files is
the controller's file Ansible would take now. The callback itself, on real runs, is in the project's
tests/unit/test_module_cache_runs.py."""

import base64
import hashlib
import importlib.util
import io
import os
import pickle
import sys
import types
import zipfile

from ansible.executor.module_common import ModuleMetadataV1, _CachedModule

from ansible_collections.kantoo.devkit.plugins.plugin_utils._module_cache import (
    Sources, hand_over, keep, kept_payload, manifest, payload_entries, role_module_utils, with_bytecode)

MODULE = "ansible_collections/ns/coll/plugins/modules/probe.py"
HELPER = "ansible_collections/ns/coll/plugins/module_utils/helper.py"
PACKAGE = "ansible_collections/ns/coll/plugins/module_utils/pkg/__init__.py"


def payload(entries):
    """A payload as Ansible caches it: a pickled _CachedModule whose zip_data is the base64 of a zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return pickle.dumps(_CachedModule(zip_data=base64.b64encode(buffer.getvalue()),
                                      metadata=ModuleMetadataV1(serialization_profile="legacy"), source_mapping={}))


def sha(data):
    return hashlib.sha256(data).hexdigest()


def collection(root, files):
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def test_an_entry_is_found_where_ansible_takes_it_from(tmp_path):
    first = collection(tmp_path / "first", {"ansible_collections/ns/coll/galaxy.yml": b""})
    second = collection(tmp_path / "second", {HELPER: b"x = 1\n"})
    override = collection(tmp_path / "override", {"shadow.py": b""})
    sources = Sources([str(override)], [str(first), str(second)])
    # the collection loader takes a collection from the first path that has it, even where a file is missing
    assert sources.path(HELPER) == str(first / HELPER)
    assert sources.path("ansible_collections/other/coll/plugins/module_utils/x.py") is None
    assert sources.path("ansible/module_utils/shadow.py") == str(override / "shadow.py")
    assert sources.path("ansible/module_utils/basic.py").endswith("site-packages/ansible/module_utils/basic.py")
    assert sources.path("ansible/modules/copy.py").endswith("site-packages/ansible/modules/copy.py")
    assert sources.path("ansible/legacy/mine.py") is None  # a library/ module: nothing to compare it with


def test_a_payload_is_kept_only_if_each_of_its_files_is_the_controllers(tmp_path):
    root = collection(tmp_path / "collections", {MODULE: b"import helper\n", HELPER: b"x = 1\n",
                                                 "ansible_collections/ns/coll/plugins/module_utils/__init__.py": b"#\n",
                                                 PACKAGE: b"#\n"})

    def sources():  # a new one reads the files again
        return Sources([], [str(root)])

    entries = {MODULE: b"import helper\n", HELPER: b"x = 1\n",
               # Ansible's own stubs, which are not the controller's files
               "ansible/__init__.py": b"from pkgutil import extend_path\n",
               "ansible_collections/__init__.py": b"", "ansible_collections/ns/coll/plugins/__init__.py": b"",
               "ansible_collections/ns/coll/plugins/module_utils/__init__.py": b""}
    assert manifest(payload(entries), sources()) == {MODULE: sha(b"import helper\n"), HELPER: sha(b"x = 1\n")}

    (root / HELPER).write_bytes(b"x = 2\n")
    assert manifest(payload(entries), sources()) is None
    (root / HELPER).write_bytes(b"x = 1\n")
    # the init of a package inside module_utils is the package's own file, and this one is not empty
    assert manifest(payload(dict(entries, **{PACKAGE: b""})), sources()) is None
    assert manifest(payload(dict(entries, **{PACKAGE: b"#\n"})), sources()) is not None
    assert manifest(payload(dict(entries, **{"ansible/module_utils/common/__init__.py": b"# not Ansible's\n"})),
                    sources()) is None
    # a module of a role's library/ has no file here to compare with
    assert manifest(payload(dict(entries, **{"ansible/legacy/mine.py": b""})), sources()) is None
    assert manifest(b"not a payload", sources()) is None


def test_payloads_go_to_the_store_and_back_only_while_current(tmp_path):
    root = collection(tmp_path / "collections", {MODULE: b"import helper\n", HELPER: b"x = 1\n"})
    run, store, later = tmp_path / "run", tmp_path / "store", tmp_path / "later"
    run.mkdir()
    (run / "ns.coll.probe-ZIP_DEFLATED-none").write_bytes(payload({MODULE: b"import helper\n", HELPER: b"x = 1\n"}))
    (run / "ns.coll.stale-ZIP_DEFLATED-none").write_bytes(payload({MODULE: b"import helper\n", HELPER: b"x = 0\n"}))
    (run / "ns.coll.probe-ZIP_DEFLATED-none.lock").write_bytes(b"")
    (run / "ns.coll.other-ZIP_DEFLATED-none-part").write_bytes(b"half")

    assert keep(str(run), str(store), Sources([], [str(root)])) == ["ns.coll.probe-ZIP_DEFLATED-none"]
    assert sorted(os.listdir(store)) == ["ns.coll.probe-ZIP_DEFLATED-none"]  # nothing written aside is left
    assert oct(store.stat().st_mode & 0o777) == "0o700"
    record = (store / "ns.coll.probe-ZIP_DEFLATED-none").read_bytes()
    # a payload built again (two runs at once) is kept again, as the same record
    assert keep(str(run), str(store), Sources([], [str(root)])) == ["ns.coll.probe-ZIP_DEFLATED-none"]
    assert (store / "ns.coll.probe-ZIP_DEFLATED-none").read_bytes() == record
    assert keep(str(tmp_path / "none"), str(store), Sources([], [str(root)])) == []

    assert hand_over(str(store), str(later), Sources([], [str(root)])) == ["ns.coll.probe-ZIP_DEFLATED-none"]
    handed = payload_entries((later / "ns.coll.probe-ZIP_DEFLATED-none").read_bytes())
    built = payload_entries((run / "ns.coll.probe-ZIP_DEFLATED-none").read_bytes())
    # the payload as built, and the bytecode of its Python files beside them
    assert {name: data for name, data in handed.items() if not name.endswith(".pyc")} == built
    assert sorted(name for name in handed if name.endswith(".pyc")) == sorted(name + "c" for name in built)
    # a run handed the payload does not store it again
    assert keep(str(later), str(store), Sources([], [str(root)])) == []
    (root / HELPER).write_bytes(b"x = 2\n")
    assert hand_over(str(store), str(tmp_path / "after"), Sources([], [str(root)])) == []
    # a file in the store that is no record of it is passed over
    (store / "foreign").write_bytes(b"\x80 not json\n")
    (root / HELPER).write_bytes(b"x = 1\n")
    assert hand_over(str(store), str(tmp_path / "again"), Sources([], [str(root)])) == [
        "ns.coll.probe-ZIP_DEFLATED-none"]


def test_what_the_run_was_handed_is_not_read_again(tmp_path):
    root = collection(tmp_path / "collections", {MODULE: b"import helper\n", HELPER: b"x = 1\n"})
    run, store = tmp_path / "run", tmp_path / "store"
    run.mkdir()
    (run / "ns.coll.probe-ZIP_DEFLATED-none").write_bytes(payload({MODULE: b"import helper\n", HELPER: b"x = 1\n"}))
    # handed: Ansible never rewrites a payload it found, so there is nothing to keep (not even read)
    assert keep(str(run), str(store), Sources([], [str(root)]), frozenset(["ns.coll.probe-ZIP_DEFLATED-none"])) == []
    assert not store.exists()
    assert keep(str(run), str(store), Sources([], [str(root)])) == ["ns.coll.probe-ZIP_DEFLATED-none"]


def test_the_roles_module_utils_are_looked_for_in_roles_paths_and_collections(tmp_path):
    roles = collection(tmp_path / "roles", {"a/module_utils/x.py": b"", "b/tasks/main.yml": b""})
    colls = collection(tmp_path / "colls", {"ansible_collections/ns/coll/roles/r/module_utils/y.py": b""})
    assert role_module_utils([str(roles), str(tmp_path / "none")], [str(colls)]) == [
        str(colls / "ansible_collections/ns/coll/roles/r/module_utils"), str(roles / "a/module_utils")]


def kept_zip(tmp_path, entries):
    """The entries of entries' payload once kept, with its bytecode."""
    run, store = tmp_path / "run", tmp_path / "store"
    run.mkdir(exist_ok=True)
    (run / "probe").write_bytes(payload(entries))
    files = {name: data for name, data in entries.items() if name.startswith("ansible_collections/ns")}
    assert keep(str(run), str(store), Sources([], [str(collection(tmp_path / "collections", files))])) == ["probe"]
    return payload_entries(kept_payload((store / "probe").read_bytes())[1])


def imported(tmp_path, entries):
    """x of the helper's entries (its source, its .pyc), imported by zipimport as a target's Python imports a
    payload; under a name of its own, since this process's collection loader owns ansible_collections."""
    archive = tmp_path / ("%d.zip" % len(list(tmp_path.glob("*.zip"))))
    module = "kantoo_probe_%s" % archive.stem
    with zipfile.ZipFile(archive, "w") as out:
        for name, data in entries.items():
            if name.startswith(HELPER):
                out.writestr(module + name[len(HELPER) - len(".py"):], data)
    sys.path.insert(0, str(archive))
    try:
        return importlib.import_module(module).x
    finally:
        sys.path.remove(str(archive))
        sys.modules.pop(module, None)


def test_a_kept_payload_carries_bytecode_this_python_imports(tmp_path):
    kept = kept_zip(tmp_path, {MODULE: b"import helper\n", HELPER: b"x = 1\n"})
    assert kept[HELPER + "c"][:4] == importlib.util.MAGIC_NUMBER
    # the bytecode alone is enough: it is what is imported, and it is the source's
    bytecode_only = {name: data for name, data in kept.items() if name.endswith(".pyc")}
    assert imported(tmp_path, bytecode_only) == 1


def test_bytecode_that_does_not_match_gives_way_to_the_source(tmp_path):
    kept = kept_zip(tmp_path, {MODULE: b"import helper\n", HELPER: b"x = 1\n"})
    # a source changed beside its bytecode: the hash check sends the import to the source
    assert imported(tmp_path, dict(kept, **{HELPER: b"x = 2\n"})) == 2
    # bytecode of another Python (another magic number): the source too
    foreign = b"\x00\x00\r\n" + kept[HELPER + "c"][4:]
    assert imported(tmp_path, dict(kept, **{HELPER: b"x = 3\n", HELPER + "c": foreign})) == 3


def test_a_file_this_python_cannot_compile_is_kept_without_bytecode(tmp_path):
    kept = kept_zip(tmp_path, {MODULE: b"print 'python 2'\n", HELPER: b"x = 1\n"})
    assert MODULE + "c" not in kept and HELPER + "c" in kept
    assert kept[MODULE] == b"print 'python 2'\n"


def test_bytecode_is_added_once_to_a_payload_that_has_it():
    """A payload handed over (bytecode in it) and kept again, by a run beside another: the same payload."""
    once = with_bytecode(payload({MODULE: b"import helper\n", HELPER: b"x = 1\n"}), {})
    assert with_bytecode(once, {}) == once
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(pickle.loads(once).zip_data))) as archive:
        assert sorted(archive.namelist()) == sorted([MODULE, MODULE + "c", HELPER, HELPER + "c"])


def test_a_payload_that_cannot_be_rewritten_is_kept_as_it_is():
    zip_data = pickle.loads(payload({HELPER: b"x = 1\n"})).zip_data
    # an ansible-core whose cached module is no dataclass, or has no zip_data
    for other in (pickle.dumps(types.SimpleNamespace(zip_data=zip_data)), pickle.dumps(("zip",)), b"not a payload"):
        assert with_bytecode(other, {}) == other
