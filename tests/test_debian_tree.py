"""End to end on the real engine: playbooks/debian.yml grows the Debian tree into packages, a signed apt
repository and a stage4 tarball that boots as a container."""

import shutil
import tarfile
import time

import hjson
import pytest

from conftest import PROJECT, playbook
from scratch import created_containers, make_tree, tags

STALKS = ["debian_base", "debian_binaries", "debian_repo", "debian_stage4"]


def debian_tree(project, os_name, base):
    """inventories/debian.hjson under this test's OS name, its root grown from base, in a project of its own."""
    shutil.copytree(PROJECT / "stalks", project / "stalks")
    stalks = hjson.loads((PROJECT / "inventories" / "debian.hjson").read_text())["stalks"]
    stalks["debian_base"]["DOCKER_INIT_IMG"] = base
    return make_tree(project, os_name, stalks, name="debian")  # playbooks/debian.yml grows group debian_tree


def tree_tags(client, os_name):
    return {stalk: tags(client, os_name, stalk) for stalk in STALKS}


def in_container(client, image, command, volumes=None):
    return client.containers.run(image, ["sh", "-c", command], entrypoint=[], remove=True, volumes=volumes or {})


def tar_text(tarball, member):
    with tarfile.open(tarball) as tar:
        return tar.extractfile(member).read().decode()


@pytest.fixture
def imported(client):
    """Images made with `docker import` in a test, removed afterwards."""
    made = []
    yield made
    for image in made:
        client.images.remove(image, force=True)


def test_the_debian_tree_grows_a_stage4_that_boots_and_rebuilds_only_what_changed(client, tmp_path, os_name,
                                                                                   fresh_base, imported):
    tree = debian_tree(tmp_path, os_name, fresh_base)
    playbook("playbooks/debian.yml", "-i", tree)
    work = tmp_path / "sab_workspace" / "debian"

    debs = sorted(p.name for p in (work / "packages").glob("*.deb"))
    assert [d for d in debs if d.startswith("kantoo-release_1.0_")], debs
    assert [d for d in debs if d.startswith("chrony_")] and [d for d in debs if d.startswith("sudo_")], debs
    assert sorted(p.name for p in (work / "repo" / "pool" / "main").glob("*.deb")) == debs

    # the release file is signed by the tree's own key, which is published beside the repository
    repo = tags(client, os_name, "debian_repo")["final"]
    verified = in_container(client, repo, "gpg --dearmor < /repo/kantoo-archive-keyring.asc > /tmp/key.gpg"
                            " && gpgv --keyring /tmp/key.gpg /repo/dists/bookworm/InRelease 2>&1",
                            volumes={str(work / "repo"): {"bind": "/repo", "mode": "ro"}})
    assert b"Good signature" in verified

    stage4s = work / "stage4s"
    assert "./boot/cmdline.txt" in tarfile.open(stage4s / "boot.tar").getnames()
    assert tar_text(stage4s / "stage4.tar", "./etc/hostname").strip() == "stage4"
    # the stage4 boots as a container: imported as an image, it runs its own programs
    client.api.import_image_from_file(str(stage4s / "stage4.tar"), repository=os_name + "-imported")
    imported.append(os_name + "-imported:latest")
    out = in_container(client, os_name + "-imported:latest",
                       "cat /etc/kantoo-release && dpkg-query -W -f '${Status}' chrony sudo"
                       " && grep -h '^URIs' /etc/apt/sources.list.d/*")
    assert b"install ok installed" in out and b"URIs: file:/kantoo/repo" in out, out

    first = tree_tags(client, os_name)
    since = time.time()
    playbook("playbooks/debian.yml", "-i", tree)
    assert created_containers(client, since) == [], "a rerun with nothing changed starts no container"
    assert tree_tags(client, os_name) == first

    # a variable of the stage4 alone: the other stalks are untouched, the tarball has the new host name
    tree.write_text(tree.read_text().replace('"HOST_NAME": "stage4"', '"HOST_NAME": "pi"'))
    playbook("playbooks/debian.yml", "-i", tree)
    second = tree_tags(client, os_name)
    assert {s: second[s] for s in STALKS[:3]} == {s: first[s] for s in STALKS[:3]}
    assert second["debian_stage4"]["final"] != first["debian_stage4"]["final"]
    assert tar_text(stage4s / "stage4.tar", "./etc/hostname").strip() == "pi"
