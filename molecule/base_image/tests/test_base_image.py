"""What kantoo.devkit.base_image made through the instance's Docker socket: one-layer images, from a tarball whose
checksum and signature verified, and from an image, without its volumes."""

import io
import os
import tarfile

import docker
import pytest

MARKER = "etc/kantoo-molecule-release"


@pytest.fixture(scope="module")
def client():
    return docker.from_env()


@pytest.fixture
def images(host):
    return host.ansible.get_variables()["scenario_images"]


def read_tar(data, path):
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        return tar.extractfile(next(m for m in tar.getmembers() if m.name.endswith(path))).read()


@pytest.fixture(scope="module")
def released():
    """The marker file as the released tarball holds it."""
    with open(os.path.join(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"], "release", "rootfs.tar.xz"), "rb") as tarball:
        return read_tar(tarball.read(), MARKER)


def marker_of(client, image):
    box = client.containers.create(image, entrypoint=["/bin/true"])  # never started: the image has no /bin/true
    try:
        return read_tar(b"".join(box.get_archive("/" + MARKER)[0]), os.path.basename(MARKER))
    finally:
        box.remove()


def test_the_verified_tarball_is_imported_as_one_layer(client, images, released):
    image = client.images.get(images["tarball"])
    assert len(image.attrs["RootFS"]["Layers"]) == 1
    assert marker_of(client, image.id) == released


def test_the_copied_image_keeps_its_config_but_not_its_volumes(client, images, released):
    source, copied = client.images.get(images["source"]), client.images.get(images["copied"])
    assert source.attrs["Config"]["Volumes"] == {"/var/db": {}}
    assert copied.id != source.id and not copied.attrs["Config"].get("Volumes")
    assert "KEPT=yes" in copied.attrs["Config"]["Env"]
    assert len(copied.attrs["RootFS"]["Layers"]) == 1
    assert marker_of(client, copied.id) == released


def test_the_role_made_its_download_directory_on_the_instance(host):
    assert host.file("/var/tmp/kantoo-downloads").is_directory
