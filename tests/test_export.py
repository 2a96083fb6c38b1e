"""kantoo.devkit.rootfs_export against the real engine: the same file system gives the same bytes, from a
running container or an image, and the tarballs land where the target container sees its destinations."""

import hashlib
import io
import json
import sys
import tarfile
import uuid

import pytest

from conftest import playbook

EXCLUDE = ["/tmp/*", "/var/cache/apt/*", "/root/.ansible", "/usr/share/doc", "/out"]
INCLUDE = ["/usr/share/doc/dpkg"]
OVERLAY = [{"path": "/etc/hostname", "content": "stage4\n"},
           {"path": "/etc/hosts", "content": "127.0.0.1\tlocalhost stage4\n", "mode": "0600"}]


def export(tmp_path, args, host="localhost", check=False, **host_vars):
    """Run the module once through ansible-playbook, against host; its result."""
    result = tmp_path / ("result-%s.json" % uuid.uuid4().hex[:8])
    inventory = {"all": {"hosts": {host: host_vars or {"ansible_connection": "local"}}}}
    play = [{"hosts": host, "gather_facts": False,
             "tasks": [{"kantoo.devkit.rootfs_export": args, "register": "out", "ignore_errors": True},
                       {"ansible.builtin.copy": {"content": "{{ out | to_json }}", "dest": str(result), "mode": "0644"},
                        "delegate_to": "localhost", "check_mode": False,
                        "vars": {"ansible_python_interpreter": sys.executable}}]}]
    (tmp_path / "play.yml").write_text(json.dumps(play))
    (tmp_path / "inventory.yml").write_text(json.dumps(inventory))
    playbook(tmp_path / "play.yml", "-i", tmp_path / "inventory.yml", *(["--check"] if check else []))
    return json.loads(result.read_text())


def entries(data):
    """name -> TarInfo of a tarball's bytes."""
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return {member.name: member for member in tar.getmembers()}


def content(data, name):
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return tar.extractfile(name).read()


def in_container(container, path):
    """The bytes of a file in a container, through the engine."""
    stream, _stat = container.get_archive(path)
    with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
        return tar.extractfile(tar.next()).read()


def assert_stage4(root, boot):
    """What both exports hold: the system, its own files in place of Docker's, nothing live."""
    names = entries(root)
    for name in ("./proc", "./sys", "./dev", "./tmp", "./var/cache/apt", "./boot"):
        assert names[name].isdir(), name
    assert names["./tmp"].mode == 0o1777 and names["./tmp"].mtime == 0
    for kept_empty in ("./proc/", "./sys/", "./dev/", "./tmp/", "./var/cache/apt/", "./boot/"):
        assert not [n for n in names if n.startswith(kept_empty)], kept_empty
    for left_out in ("./.dockerenv", "./etc/resolv.conf", "./root/.ansible", "./usr/share/doc/bash", "./out"):
        assert left_out not in names
    assert "./usr/share/doc/dpkg/copyright" in names and names["./usr/share/doc"].isdir()  # added back
    assert content(root, "./etc/hostname") == b"stage4\n"
    assert content(root, "./etc/hosts") == b"127.0.0.1\tlocalhost stage4\n" and names["./etc/hosts"].mode == 0o600
    assert "./etc/passwd" in names and "./usr/bin/dpkg" in names
    assert all(m.uname == "" and m.gname == "" for m in names.values())
    assert list(names) == sorted(names, key=lambda n: n.rstrip("/").split("/")), "names are sorted"
    for member in names.values():  # a hard link's target comes before it
        if member.islnk():
            assert member.linkname in names and list(names).index(member.linkname) < list(names).index(member.name)
    boot_names = entries(boot)
    assert "./boot/vmlinuz-test" in boot_names and all(n.startswith("./boot") for n in boot_names)
    assert content(boot, "./boot/vmlinuz-test") == b"kernel\n"


@pytest.fixture
def image(client, base_image):
    """The base with a kernel in /boot, junk in /tmp and /var/cache/apt, and a hard link, as one image."""
    box = client.containers.run(base_image, ["sh", "-c", "echo kernel > /boot/vmlinuz-test; echo junk > /tmp/junk;"
                                             " echo junk > /var/cache/apt/junk; mkdir -p /root/.ansible/tmp;"
                                             " ln /usr/bin/dpkg /usr/bin/0-dpkg-link"], entrypoint=[], detach=True)
    box.wait()
    made = box.commit("kantoo-test-export/" + uuid.uuid4().hex[:8], "image")
    box.remove()
    yield made.tags[0]
    client.images.remove(made.id, force=True)


@pytest.fixture
def container(client, image, tmp_path):
    """A running container of that image, with /out a bind mount of a host directory and /in not a mount."""
    out = tmp_path / "out"
    out.mkdir()
    box = client.containers.run(image, ["sleep", "infinity"], entrypoint=[], detach=True,
                                name="kantoo-test-export-" + uuid.uuid4().hex[:8],
                                volumes={str(out): {"bind": "/out", "mode": "rw"}})
    box.exec_run(["mkdir", "/in"])
    yield box, out
    box.remove(force=True)


def test_an_image_exports_the_same_bytes_twice_and_says_so(tmp_path, image, client):
    args = {"image": image, "dest": str(tmp_path / "stage4.tar"), "boot_dest": str(tmp_path / "boot.tar"),
            "exclude": EXCLUDE, "include": INCLUDE, "overlay": OVERLAY}
    first = export(tmp_path, args)
    assert first["changed"] is True, first
    root, boot = (tmp_path / "stage4.tar").read_bytes(), (tmp_path / "boot.tar").read_bytes()
    assert_stage4(root, boot)
    assert [t["sha256"] for t in first["tarballs"]] == [hashlib.sha256(root).hexdigest(),
                                                        hashlib.sha256(boot).hexdigest()]
    assert content(root, "./usr/bin/0-dpkg-link") == content(root, "./usr/bin/dpkg") != b""

    second = export(tmp_path, args)
    assert second["changed"] is False and not any(t["changed"] for t in second["tarballs"]), second
    assert (tmp_path / "stage4.tar").read_bytes() == root and (tmp_path / "boot.tar").read_bytes() == boot
    assert not client.containers.list(all=True, filters={"ancestor": image}), "the created container is removed"

    # check mode says what would change and writes nothing
    changed = export(tmp_path, dict(args, overlay=[{"path": "/etc/hostname", "content": "other\n"}]), check=True)
    assert changed["changed"] is True and [t["changed"] for t in changed["tarballs"]] == [True, False], changed
    assert (tmp_path / "stage4.tar").read_bytes() == root


def test_a_running_container_exports_to_its_mount_and_into_itself(tmp_path, container):
    box, out = container
    args = {"dest": "/out/stage4.tar", "boot_dest": "/in/boot.tar", "exclude": EXCLUDE, "include": INCLUDE,
            "overlay": OVERLAY}
    first = export(tmp_path, args, box.name, ansible_connection="community.docker.docker")
    assert first["changed"] is True, first
    assert [t["written_to"] for t in first["tarballs"]] == ["host:%s" % (out / "stage4.tar"), "container:" + box.name]
    root, boot = (out / "stage4.tar").read_bytes(), in_container(box, "/in/boot.tar")
    assert_stage4(root, boot)
    assert entries(root)["./in"].mtime == 0, "writing boot.tar into /in changes its mtime, not the tarball's"
    # what was live while it ran is not in it: the container's /proc has content, the tarball's none
    assert box.exec_run(["test", "-e", "/proc/self/status"]).exit_code == 0

    second = export(tmp_path, args, box.name, ansible_connection="community.docker.docker")
    assert second["changed"] is False, second
    assert (out / "stage4.tar").read_bytes() == root and in_container(box, "/in/boot.tar") == boot
    assert [t["sha256"] for t in second["tarballs"]] == [t["sha256"] for t in first["tarballs"]]


def test_the_export_needs_a_docker_container_target(tmp_path):
    out = export(tmp_path, {"dest": "/stage4.tar"}, "somewhere", ansible_connection="ssh")
    assert out["failed"] is True and "needs a Docker container target" in out["msg"], out
    out = export(tmp_path, {"dest": str(tmp_path / "stage4.tar"), "image": "kantoo-test-export/none:missing"})
    assert out["failed"] is True and out["msg"] == "rootfs_export: image 'kantoo-test-export/none:missing' does not exist"
