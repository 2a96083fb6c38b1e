"""Secrets never reach the output, the step logs, the eliot log or image labels, Ansible Vault values included."""

import base64
import hashlib
import hmac
import json
import os
import stat
import subprocess

from conftest import BIN
from scratch import grow, make_role, make_tree, tags, write

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


# Quotes and a backslash: the password must be masked however output spells it (JSON, repr, shell).
ROOT_PASSWD = "r00t'pass\"wd\\z"
LITERAL = "literal-default-secret"
ENV_TOKEN = "env'token"


def spellings(value):
    return {value, json.dumps(value)[1:-1], repr(value)[1:-1], value.replace("\\", "\\\\")}


def image_texts(client, os_name):
    """What anyone holding the test's images can read: labels, env and history, for every image of its repositories."""
    texts = []
    for image in client.images.list(all=True):
        if any(tag.startswith(os_name + "/") for tag in image.tags):
            config = image.attrs["Config"]
            history = subprocess.run(["docker", "history", "--no-trunc", image.id], capture_output=True, text=True,
                                     check=True).stdout
            texts.append("%s\n%s\n%s" % (json.dumps(config.get("Labels")), json.dumps(config.get("Env")), history))
    assert texts
    return texts


def vault_group_vars(project, name, value):
    (project / "vault-pass").write_text("test-vault-password\n")
    encrypted = subprocess.run([str(BIN / "ansible-vault"), "encrypt_string", "--vault-password-file",
                                str(project / "vault-pass"), value, "--name", name],
                               capture_output=True, text=True, check=True).stdout
    write(project / "group_vars/all.yml", "---\n" + encrypted)
    return ("--vault-password-file", project / "vault-pass")


def test_no_task_prints_a_secret_at_any_verbosity(client, tmp_path, os_name, fresh_base):
    password = "{{ secretive_root_password }}"
    make_role(tmp_path, "secretive", {
        "show": [
            {"name": "Debug msg", "ansible.builtin.debug": {"msg": "pw=" + password}},
            {"name": "Debug var", "ansible.builtin.debug": {"var": "secretive_root_password"}},
            {"name": "Debug a literal default", "ansible.builtin.debug": {"var": "secretive_literal_secret"}},
            {"name": "Debug a derived token", "ansible.builtin.debug": {"msg": "{{ secretive_token_b64 }}"}},
            {"name": "Echo", "ansible.builtin.command": {"argv": ["echo", "pw=" + password, "token={{ API_TOKEN }}"]},
             "changed_when": False},
            {"name": "Echo to stderr", "ansible.builtin.shell": "echo {{ API_TOKEN | quote }} >&2",
             "changed_when": False},
        ],
        "fail": [{"name": "Fail", "ansible.builtin.fail": {"msg": "cannot log in with " + password}}],
    }, defaults={"secretive_root_password": "{{ ROOT_PASSWD }}", "secretive_literal_secret": LITERAL,
                 "secretive_token_b64": "{{ API_TOKEN | b64encode }}"})
    # the stalk's env reaches the tasks' command lines, which -vvv shows
    write(tmp_path / "stalks/secretive/secretive.hjson", json.dumps({"envplugins": {"DB_TOKEN": ENV_TOKEN}}))
    tree = make_tree(tmp_path, os_name, {"secretive": {"DOCKER_INIT_IMG": fresh_base, "ROOT_PASSWD": ROOT_PASSWD}})
    vault = vault_group_vars(tmp_path, "API_TOKEN", TOKEN)

    (tmp_path / "logs").mkdir()
    run = grow(tree, *vault, "-vvv", check=False, ANSIBLE_LOG_PATH=str(tmp_path / "logs/ansible.log"))
    assert run.returncode != 0 and "step fail failed" in run.stdout
    assert "pw=********" in run.stdout and "token=********" in run.stdout
    assert "cannot log in with ********" in run.stdout
    exec_lines = [line for line in run.stdout.splitlines() if "DB_TOKEN=" in line]
    assert exec_lines and all("DB_TOKEN=******** " in line for line in exec_lines)

    forbidden = spellings(ROOT_PASSWD) | spellings(ENV_TOKEN) | {TOKEN, LITERAL, base64.b64encode(TOKEN.encode()).decode()}
    places = {"stdout": run.stdout}
    for directory in ("logs", ".kantoo"):
        for path in (tmp_path / directory).rglob("*"):
            if path.name == "secret.key":
                assert stat.S_IMODE(path.stat().st_mode) == 0o600
            elif path.is_file():
                places[str(path)] = path.read_text(errors="replace")
    assert (tmp_path / ".kantoo/secret.key").exists()
    assert {"eliot.txt", "last-run.json", "ansible.log"} <= {os.path.basename(p) for p in places}
    assert any("pw=********" in text for path, text in places.items() if path.endswith(".txt") and "show" in path)
    for number, text in enumerate(image_texts(client, os_name)):
        places["image %d" % number] = text
    for place, text in places.items():
        for secret in forbidden:
            assert secret not in text, "%r in %s" % (secret, place)


def test_labels_carry_a_keyed_digest_of_a_secret(client, tmp_path, os_name, fresh_base):
    make_role(tmp_path, "keyed", {"one": [{"name": "Use the password", "ansible.builtin.command": {
        "argv": ["test", "-n", "{{ ROOT_PASSWD }}"]}, "changed_when": False}]})
    stalk = {"DOCKER_INIT_IMG": fresh_base, "ROOT_PASSWD": ROOT_PASSWD}
    tree = make_tree(tmp_path, os_name, {"keyed": stalk})
    grow(tree)
    first = tags(client, os_name, "keyed")["one"]
    digest = json.loads(client.images.get(first).labels["kantoo.devkit.inputs"])["variables"]["ROOT_PASSWD"]
    for encoding in (repr(ROOT_PASSWD), ROOT_PASSWD, json.dumps(ROOT_PASSWD), ROOT_PASSWD + "\n"):
        assert hashlib.sha256(encoding.encode()).hexdigest() not in digest
    key = (tmp_path / ".kantoo/secret.key").read_bytes()
    assert digest.endswith(hmac.new(key, repr(ROOT_PASSWD).encode(), hashlib.sha256).hexdigest())

    grow(tree)
    assert tags(client, os_name, "keyed")["one"] == first  # the key lasts: the cache holds
    make_tree(tmp_path, os_name, {"keyed": dict(stalk, ROOT_PASSWD=ROOT_PASSWD + "-changed")})
    grow(tree)
    assert tags(client, os_name, "keyed")["one"] != first
    assert json.loads((tmp_path / "logs/last-run.json").read_text())["keyed"]["one"]["state"] == "built"
