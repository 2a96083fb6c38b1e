"""The collection's one Docker client (module_utils/_engine.py, the standard library over the Engine API), against
the real engine; the SDK (conftest's client) checks what it did.  What needs no engine is tested beside the
collection, in tests/unit/plugins/module_utils/test_engine.py."""

import io
import subprocess
import sys
import tarfile
import uuid

import pytest

from conftest import PROJECT
from ansible_collections.kantoo.devkit.plugins.module_utils import _engine as engine
from ansible_collections.kantoo.devkit.plugins.module_utils._flatten import export_import
from ansible_collections.kantoo.devkit.plugins.plugin_utils._container import start_container


@pytest.fixture
def api():
    return engine.connect()


@pytest.fixture
def repository(client):
    """A scratch image repository, removed afterwards."""
    name = "kantoo-test-engine/" + uuid.uuid4().hex[:8]
    yield name
    for image in client.images.list(name):
        client.images.remove(image.id, force=True)


def test_it_answers_as_the_sdk_does(client, base_image, api, repository):
    assert engine.find_image(api, base_image) == client.images.get(base_image).id
    assert engine.find_image(api, "kantoo-test-none/missing:tag") is None

    image = client.images.get(base_image).id
    assert engine.tag_image(api, image, repository, "one") is True
    assert engine.tag_image(api, image, repository, "one") is False, "an unmoved tag is no change"
    assert client.images.get(repository + ":one").id == image
    assert [i["Id"] for i in api.images(name=repository)] == [image]
    api.remove_image(repository + ":one")
    assert api.images(name=repository) == []

    box = client.containers.create(base_image, entrypoint=["/bin/true"], labels={"kantoo.devkit.test": repository})
    assert [c["Id"] for c in api.containers(all=True, filters={"label": "kantoo.devkit.test=" + repository})] \
        == [box.id]
    assert api.inspect_container(box.id)["Config"]["Labels"] == {"kantoo.devkit.test": repository}
    api.remove_container(box.id, v=True, force=True)
    with pytest.raises(engine.EngineError) as error:
        api.remove_container(box.id)
    assert error.value.status_code == 404 and box.id in error.value.explanation


def test_no_daemon_is_one_clear_message(tmp_path):
    with pytest.raises(engine.EngineUnreachable) as error:
        engine.connect("unix://%s/docker.sock" % tmp_path)
    assert error.value.status_code is None
    assert "cannot reach the Docker daemon at unix://%s/docker.sock" % tmp_path in str(error.value)
    assert "make setup" in str(error.value)


def test_a_step_container_has_its_options_mounts_and_labels(client, base_image, api, tmp_path):
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "given").write_text("given\n")
    mounts = [{"source": str(tmp_path / "ro"), "target": "/in", "read_only": True},
              {"source": str(tmp_path / "rw"), "target": "/out", "read_only": False}]
    # no privileged: this machine's engine cannot give a container every capability
    options = {"init": True, "mem_limit": "256m", "tmpfs": ["/scratch:size=16m"],
               "working_dir": "/in", "cap_add": ["SYS_ADMIN"], "sysctls": {"kernel.msgmax": 65536}}
    stalk = "engine" + uuid.uuid4().hex[:6]
    started = start_container(api, base_image, stalk, "one", options, mounts, owner={"kantoo.devkit.run": "r"})
    try:
        assert started.name.startswith("kantoo-%s-one-" % stalk)
        box = client.containers.get(started.id)
        assert box.name == started.name and box.status == "running"
        host = box.attrs["HostConfig"]
        assert (host["Init"], host["Memory"], host["NetworkMode"]) == (True, 256 << 20, "host")
        assert host["Tmpfs"] == {"/scratch": "size=16m"} and host["CapAdd"] == ["SYS_ADMIN"]
        assert host["Sysctls"] == {"kernel.msgmax": "65536"}
        assert box.attrs["Config"]["Entrypoint"] == ["/bin/sh"] and box.attrs["Config"]["Tty"] is True
        assert box.labels == {"kantoo.devkit.stalk": stalk, "kantoo.devkit.step": "one", "kantoo.devkit.run": "r"}
        assert (tmp_path / "rw").is_dir(), "a read-write mount's directory is made"

        run = api.exec_create(started.id, ["sh", "-c", "cat given; pwd; touch /in/no 2>/dev/null || echo read-only >&2;"
                                                       "echo written > /out/file; exit 3"], environment={"A": "1"})
        output = b"".join(api.exec_start(run))
        # stdout and stderr are two pipes the engine reads side by side: each keeps its order, not one against the other
        assert b"read-only\n" in output and output.replace(b"read-only\n", b"", 1) == b"given\n/in\n"
        assert api.exec_inspect(run)["ExitCode"] == 3
        assert (tmp_path / "rw" / "file").read_text() == "written\n"
    finally:
        api.remove_container(started.id, v=True, force=True)


def test_a_bad_option_value_is_the_engines_explanation(base_image, api, client):
    stalk = "engine" + uuid.uuid4().hex[:6]
    with pytest.raises(engine.EngineError) as error:
        start_container(api, base_image, stalk, "one", {"network_mode": "kantoo-no-such-network"}, [])
    assert error.value.status_code == 404 and "kantoo-no-such-network" in error.value.explanation
    assert client.containers.list(all=True, filters={"label": "kantoo.devkit.stalk=" + stalk}) == [], \
        "a container that did not start is not left"


def test_streams_export_import_and_archives(client, base_image, api, repository):
    box = api.create_container({"Image": base_image, "Entrypoint": ["/bin/sh"], "Tty": True})
    try:
        data = io.BytesIO()
        with tarfile.open(fileobj=data, mode="w") as tar:
            info = tarfile.TarInfo("hello")
            info.size = 6
            tar.addfile(info, io.BytesIO(b"hello\n"))
        assert api.put_archive(box, "/root", data.getvalue())
        chunks, stat = api.get_archive(box, "/root/hello")
        assert stat["name"] == "hello" and stat["size"] == 6
        with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as tar:
            assert tar.extractfile("hello").read() == b"hello\n"
        with pytest.raises(engine.EngineError) as error:
            api.get_archive(box, "/kantoo-none")
        assert error.value.status_code == 404

        committed = api.commit(box, repository=repository, tag="committed", changes=["ENV KANTOO=1"],
                               conf={"Labels": {"kantoo.devkit.test": "yes"}, "Entrypoint": []})["Id"]
        config = client.images.get(repository + ":committed").attrs["Config"]
        assert client.images.get(repository + ":committed").id == committed
        assert "KANTOO=1" in config["Env"] and config["Labels"] == {"kantoo.devkit.test": "yes"}
    finally:
        api.remove_container(box, force=True)

    flat = export_import(api, committed, labels={"kantoo.devkit.flat": "yes"}, repository=repository, tag="flat")
    image = client.images.get(repository + ":flat")
    assert image.id == flat and len(image.attrs["RootFS"]["Layers"]) == 1
    assert image.labels == {"kantoo.devkit.test": "yes", "kantoo.devkit.flat": "yes"}
    assert client.containers.run(flat, ["cat", "/root/hello"], remove=True) == b"hello\n"


def test_planning_does_not_import_the_docker_sdk():
    """The SDK costs 0.12 s to import: a run with nothing to do must not pay it, nor a step."""
    code = ("import sys; sys.path.insert(0, 'collections');"
            "import ansible_collections.kantoo.devkit.plugins.action.stalk_plan;"
            "import ansible_collections.kantoo.devkit.plugins.action.stalk_done;"
            "import ansible_collections.kantoo.devkit.plugins.action.step_container;"
            "import ansible_collections.kantoo.devkit.plugins.action.container_commit;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docker', 'requests', 'urllib3')))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]", proc.stdout
