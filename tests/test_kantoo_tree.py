"""End to end on the real engine: playbooks/kantoo.yml grows the Portage tree (stage3, build_binaries, build_repo,
stage4) into stage4.tar and boot.tar, on the stand-ins it makes for the Funtoo stage3 and the Raspberry Pi firmware
that cannot be fetched here (playbooks/standin.yml, molecule/portage_standin)."""

import json
import re
import shutil
import tarfile
import time

import hjson
import pytest

from conftest import PROJECT, playbook
from scratch import created_containers, write

STALKS = ["stage3", "build_binaries", "build_repo", "stage4"]
STANDIN_LABEL = "kantoo.devkit.standin"


def kantoo_tree(project, os_name):
    """inventories/kantoo.hjson under this test's OS name, in a project (and sab_workspace) of its own; the file
    keeps its name, so that its group is kantoo_tree, which playbooks/kantoo.yml grows."""
    shutil.copytree(PROJECT / "stalks", project / "stalks")
    tree = hjson.loads((PROJECT / "inventories" / "kantoo.hjson").read_text())
    tree["architecture"]["OS"] = os_name
    return write(project / "kantoo.hjson", json.dumps(tree, indent=2))


def images(client, os_name):
    """name:tag -> image id of every image of the tree."""
    return {t: i.id for i in client.images.list() for t in i.tags if t.startswith(os_name + "/")}


def names(tarball):
    with tarfile.open(tarball) as tar:
        return set(tar.getnames())


def text(tarball, member):
    with tarfile.open(tarball) as tar:
        return tar.extractfile(member).read().decode()


@pytest.fixture
def standin_base(client, fresh_base):
    """The base the stand-in stage3 is made from: this test's own, so that its containers are told apart from
    others'; a container of it that a failed run left is removed."""
    yield fresh_base
    for container in client.containers.list(all=True, filters={"ancestor": fresh_base}):
        container.remove(force=True)


def test_the_kantoo_tree_grows_on_stand_ins_into_a_stage4_and_regrows_nothing(client, tmp_path, os_name,
                                                                              standin_base):
    tree = kantoo_tree(tmp_path, os_name)
    grow = ["playbooks/kantoo.yml", "-i", tree, "-e", "standin_from=" + standin_base]
    out = playbook(*grow).stdout
    work = tmp_path / "sab_workspace"

    # both stand-ins are made, and said to be stand-ins
    stage3 = "%s/x86-64bit/amd64-k10/stage3:initial" % os_name
    assert "STAND-IN: %s does not exist" % stage3 in out, out
    assert "STAND-IN: %s holds fake Raspberry Pi firmware" % (work / "rpi") in out, out
    assert client.images.get(stage3).labels.get(STANDIN_LABEL) == "portage"
    assert (work / "rpi" / "STAND-IN.txt").is_file()
    assert client.containers.list(all=True, filters={"ancestor": standin_base}) == [], "the stand-in's went"

    # build_binaries built the packages, build_repo indexed them as the binhost stage4 installed from
    assert "CPV: app-editors/vim-0" in (work / "portage_artifacts" / "Packages").read_text()
    stage4_tar = work / "stage4s" / "stage4.tar"
    stage4 = names(stage4_tar)
    emerged = text(stage4_tar, "./var/log/standin/emerge.log").splitlines()
    assert "emerge\t--unmerge\t--ask=n\tsys-kernel/debian-sources-lts" in emerged, emerged
    assert any(line.startswith("emerge\t--noreplace\t--getbinpkgonly\t") and "\tapp-editors/vim" in line
               for line in emerged), emerged
    assert "./var/db/pkg/net-misc/chrony-0/BINHOST" in stage4
    assert 'hostname="stage4"' in text(stage4_tar, "./etc/conf.d/hostname")
    assert "./etc/kantoo-release" in stage4 and "./usr/lib/firmware/brcm/brcmfmac43455-sdio.bin" in stage4
    assert not [m for m in stage4 if m.startswith(("./boot/", "./entropy", "./portage")) and m != "./boot/"]
    boot = names(work / "stage4s" / "boot.tar")
    assert {"./boot/kernel7.img", "./boot/config.txt", "./boot/cmdline.txt", "./boot/overlays/README"} <= boot
    assert "./boot/kernel.img" not in boot

    # nothing changed: no container, not even for a stand-in, the same images and the same tarballs
    first = images(client, os_name)
    assert {t.split("/")[-1].split(":")[0] for t in first} == set(STALKS)
    tarballs = {p.name: p.read_bytes() for p in (work / "stage4s").iterdir()}
    since = time.time()
    out = playbook(*grow).stdout
    assert created_containers(client, since, images=[os_name + "/", standin_base]) == []
    assert images(client, os_name) == first
    assert {p.name: p.read_bytes() for p in (work / "stage4s").iterdir()} == tarballs
    assert "STAND-IN: %s is a Portage stand-in" % stage3 in out, "a rerun still says what the stage4 stands on"


def test_a_real_stage3_and_real_firmware_are_left_alone(client, tmp_path, os_name, fresh_base):
    tree = kantoo_tree(tmp_path, os_name)
    stage3 = "%s/x86-64bit/amd64-k10/stage3" % os_name
    client.images.get(fresh_base).tag(stage3, "initial")  # as kantoo.devkit.base_image would import one
    firmware = tmp_path / "sab_workspace" / "rpi" / "firmware" / "boot" / "kernel7.img"
    write(firmware, "a real kernel")

    out = playbook("playbooks/standin.yml", "-i", tree).stdout
    assert "STAND-IN:" not in out and not re.search(r"changed=[1-9]", out), out
    assert client.images.get(stage3 + ":initial").id == client.images.get(fresh_base).id
    assert [p.name for p in (tmp_path / "sab_workspace" / "rpi").iterdir()] == ["firmware"]
    assert firmware.read_text() == "a real kernel"


def test_without_stand_ins_the_missing_firmware_stops_before_any_container(client, tmp_path, os_name):
    tree = kantoo_tree(tmp_path, os_name)
    since = time.time()
    proc = playbook("playbooks/kantoo.yml", "-i", tree, "-e", "kantoo_standin=false", check=False)
    assert proc.returncode != 0
    # The Raspberry Pi firmware is the user's to provide; the message names the manifest and what to do.
    assert "stalks/stage4/stage4.hjson: plugins.rpi.path 'sab_workspace/rpi' does not exist" in proc.stdout
    assert "create it, fix the path" in proc.stdout
    assert "Traceback" not in proc.stdout
    assert created_containers(client, since, os_name=os_name) == []
