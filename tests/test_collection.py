"""The collection as people install it: built, installed elsewhere, used with nothing but a tree. That every
plugin documents itself is the collection's tests/unit/plugins/test_docs.py."""

import shutil
import subprocess

from conftest import BIN, PROJECT, run
from scratch import tags, write
from seed_output import SEED_LINES, step_lines

COLLECTION = PROJECT / "collections/ansible_collections/kantoo/devkit"


def test_the_built_collection_grows_a_tree_outside_this_repository(client, tmp_path, os_name, fresh_base):
    run([str(BIN / "ansible-galaxy"), "collection", "build", "--output-path", str(tmp_path / "dist")], cwd=COLLECTION)
    tarball = next((tmp_path / "dist").glob("kantoo-devkit-*.tar.gz"))
    run([str(BIN / "ansible-galaxy"), "collection", "install", "--force", "--no-deps", "-p", str(tmp_path / "collections"),
         str(tarball)])
    assert (tmp_path / "collections/ansible_collections/kantoo/devkit/plugins/inventory/stalker.py").exists()

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(PROJECT / "stalks/hello_world", elsewhere / "stalks/hello_world")
    write(elsewhere / "ansible.cfg", """
        [defaults]
        collections_path = %s
        callbacks_enabled = kantoo.devkit.steps
        [inventory]
        enable_plugins = kantoo.devkit.stalker
        [connection]
        pipelining = true
    """ % (tmp_path / "collections"))
    tree = write(elsewhere / "trees/hello_world/hello_world.hjson", """
        architecture: {
          OS: %s
          ARCH: amd64
          SUBARCH: bookworm
        }
        stalks: {
          hello_world: {
            DOCKER_INIT_IMG: %s
            TREE_CONFIG_VAR: hello from stalker config
          }
        }
    """ % (os_name, fresh_base))
    proc = subprocess.run([str(BIN / "ansible-playbook"), "kantoo.devkit.grow", "-i", str(tree)], cwd=elsewhere,
                          env={"PATH": "%s:/usr/bin:/bin:/usr/local/bin" % BIN, "ANSIBLE_CONFIG": str(elsewhere / "ansible.cfg"),
                               "HOME": str(tmp_path)},
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.returncode == 0, proc.stdout
    assert str(tmp_path / "collections") in subprocess.run(
        [str(BIN / "ansible-doc"), "kantoo.devkit.container_commit"], cwd=elsewhere, capture_output=True, text=True,
        env={"ANSIBLE_CONFIG": str(elsewhere / "ansible.cfg"), "HOME": str(tmp_path)}).stdout
    lines = step_lines(proc.stdout)
    start = lines.index(SEED_LINES[0])
    assert lines[start:start + len(SEED_LINES)] == SEED_LINES
    assert "final" in tags(client, os_name, "hello_world")
