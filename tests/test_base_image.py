"""kantoo.devkit.base_image: a stage3-style tarball is imported only when its checksum and signature hold;
an existing image is copied without its declared volumes."""

import hashlib
import json
import subprocess
import uuid

import pytest

from conftest import playbook


def gpg(home, *args):
    return subprocess.run(["gpg", "--homedir", str(home), "--batch", "--yes"] + list(args), check=True,
                          capture_output=True)


@pytest.fixture
def release(client, tmp_path, base_image):
    """A tarball, its sha512, its detached signature, the keyring of its signer, and another key's signature."""
    box = client.containers.create(base_image, entrypoint=["/bin/true"])
    tarball = tmp_path / "stage3-test.tar"
    with open(tarball, "wb") as out:
        for chunk in box.export():
            out.write(chunk)
    box.remove()
    keys = {}
    for who in ("release", "stranger"):
        home = tmp_path / ("gnupg-" + who)
        home.mkdir(mode=0o700)
        gpg(home, "--passphrase", "", "--quick-gen-key", "%s@kantoo.test" % who, "ed25519", "sign", "never")
        gpg(home, "--detach-sign", "--output", str(tmp_path / (who + ".sig")), str(tarball))
        keys[who] = home
    keyring = tmp_path / "release-keyring.gpg"
    keyring.write_bytes(gpg(keys["release"], "--export").stdout)
    digest = hashlib.sha512(tarball.read_bytes()).hexdigest()
    return {"tarball": tarball, "checksum": "sha512:" + digest, "signature": tmp_path / "release.sig",
            "stranger": tmp_path / "stranger.sig", "keyring": keyring}


def make(tmp_path, name, **variables):
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
             "roles": [{"role": "kantoo.devkit.base_image", "base_image_name": name,
                        "base_image_download_dir": str(tmp_path / "downloads"),
                        **{k: str(v) for k, v in variables.items()}}]}]
    (tmp_path / "base.yml").write_text(json.dumps(play))
    return playbook(tmp_path / "base.yml", check=False)


def test_a_verified_tarball_becomes_the_base_image(client, tmp_path, release):
    name = "kantoo-test-base/tarball:" + uuid.uuid4().hex[:8]
    run = make(tmp_path, name, base_image_source="tarball", base_image_tarball=release["tarball"],
               base_image_checksum=release["checksum"], base_image_signature=release["signature"],
               base_image_keyring=release["keyring"])
    try:
        assert run.returncode == 0, run.stdout
        assert client.containers.run(name, ["cat", "/etc/debian_version"], remove=True).startswith(b"12")
    finally:
        client.images.remove(name)


@pytest.mark.parametrize("case, expected", [
    ("tampered", "the file is corrupt or was tampered with, so it is not imported"),
    ("stranger", "does not verify against"),
    ("unsigned", "nothing is imported unverified"),
])
def test_a_tarball_that_does_not_verify_is_refused(client, tmp_path, release, case, expected):
    name = "kantoo-test-base/refused:" + uuid.uuid4().hex[:8]
    variables = dict(base_image_source="tarball", base_image_tarball=release["tarball"],
                     base_image_checksum=release["checksum"], base_image_signature=release["signature"],
                     base_image_keyring=release["keyring"])
    if case == "tampered":
        with open(release["tarball"], "ab") as tarball:
            tarball.write(b"\0" * 512)
    elif case == "stranger":
        variables["base_image_signature"] = release["stranger"]
    else:
        variables["base_image_signature"] = ""
    run = make(tmp_path, name, **variables)
    assert run.returncode != 0
    assert expected in run.stdout and "Traceback" not in run.stdout
    assert client.images.list(name) == []


def test_an_image_is_copied_without_its_volumes(client, tmp_path, base_image):
    box = client.containers.create(base_image, entrypoint=["/bin/true"])
    source = box.commit("kantoo-test-base/with-volume", uuid.uuid4().hex[:8], changes=["VOLUME /var/db", "ENV KEPT=yes"])
    box.remove()
    name = "kantoo-test-base/copied:" + uuid.uuid4().hex[:8]
    try:
        run = make(tmp_path, name, base_image_source="image", base_image_from=source.tags[0])
        assert run.returncode == 0, run.stdout
        config = client.images.get(name).attrs["Config"]
        assert not config.get("Volumes") and "KEPT=yes" in config["Env"]
        assert source.attrs["Config"]["Volumes"] == {"/var/db": {}}
    finally:
        for image in (name, source.tags[0]):
            client.images.remove(image)
