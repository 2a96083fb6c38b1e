"""Secrets never reach the output, the step logs, the eliot log or image labels, Ansible Vault values included."""

import subprocess

from conftest import BIN
from scratch import grow, make_role, make_tree, write

PASSWORD = "hunter2-secret"
TOKEN = "vaulted-token-value"


def test_secret_variables_are_masked_everywhere(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "secretive", {
        "use": [{"name": "Use the password", "ansible.builtin.command": "echo pw={{ secretive_db_password }}",
                 "changed_when": False}],
        "token": [{"name": "Use the token", "ansible.builtin.command": "echo token={{ API_TOKEN }}",
                   "changed_when": False}],
    }, defaults={"secretive_db_password": "{{ DB_PASSWORD }}"})
    tree = make_tree(tmp_path, os_name, {"secretive": {"DOCKER_INIT_IMG": fresh_base, "DB_PASSWORD": PASSWORD}})
    (tmp_path / "vault-pass").write_text("test-vault-password\n")
    encrypted = subprocess.run([str(BIN / "ansible-vault"), "encrypt_string", "--vault-password-file",
                                str(tmp_path / "vault-pass"), TOKEN, "--name", "API_TOKEN"],
                               capture_output=True, text=True, check=True).stdout
    write(tmp_path / "group_vars/all.yml", "---\n" + encrypted)

    run = grow(tree, "--vault-password-file", tmp_path / "vault-pass")
    assert "pw=********" in run.stdout and "token=********" in run.stdout
    assert PASSWORD not in run.stdout and TOKEN not in run.stdout
    logs = "".join(p.read_text() for p in (tmp_path / "logs").rglob("*.txt"))
    assert "pw=********" in logs and "kantoo:step" in logs
    assert PASSWORD not in logs and TOKEN not in logs
    for image in client.images.list("%s/amd64/bookworm/secretive" % os_name):
        assert PASSWORD not in str(image.labels) and TOKEN not in str(image.labels)
