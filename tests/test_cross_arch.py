"""The seed's first target, armv7l (arm-32bit/raspi3), built on this x86-64 machine under qemu-user-static."""

import json

from conftest import playbook
from scratch import grow, make_role, make_tree

ARM_BASE = "kantoo/debian-armhf:bookworm"


def test_an_arm_tree_grows_here_under_emulation(client, tmp_path, os_name):
    # binfmt registration and an armhf base image made with debootstrap: about 3 minutes the first time
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": True,
             "gather_subset": ["!all", "!min", "user"],
             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
             "roles": [{"role": "kantoo.devkit.binfmt"},
                       {"role": "kantoo.devkit.base_image", "base_image_name": ARM_BASE,
                        "base_image_arch": "armhf"}]}]
    (tmp_path / "arm.yml").write_text(json.dumps(play))
    playbook(tmp_path / "arm.yml")

    make_role(tmp_path, "armstep", {"probe": [
        {"name": "Say which machine runs the step", "ansible.builtin.command": "uname -m", "changed_when": False},
        {"name": "Leave a mark", "ansible.builtin.copy": {"dest": "/arm-mark", "content": "arm", "mode": "0644"}}]})
    tree = make_tree(tmp_path, os_name, {"armstep": {"DOCKER_INIT_IMG": ARM_BASE}})
    tree.write_text(tree.read_text().replace('"ARCH": "amd64"', '"ARCH": "arm-32bit"')
                    .replace('"SUBARCH": "bookworm"', '"SUBARCH": "raspi3"'))
    run = grow(tree)
    assert "armv7l" in run.stdout.splitlines()
    final = client.images.get("%s/arm-32bit/raspi3/armstep:final" % os_name)
    assert client.containers.run(final.id, ["uname", "-m"], remove=True) == b"armv7l\n"
