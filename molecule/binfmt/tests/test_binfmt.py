"""What kantoo.devkit.binfmt leaves on a host: qemu-arm registered with binfmt_misc, so that arm binaries run."""

import io
import tarfile

import docker
import pytest

ARMHF_IMAGE = "kantoo/debian-armhf:bookworm"
ELF_MACHINE_ARM = 40


def test_qemu_user_static_and_binfmt_support_are_installed(host):
    assert host.package("qemu-user-static").is_installed
    assert host.package("binfmt-support").is_installed


def test_binfmt_misc_is_mounted(host):
    assert host.mount_point("/proc/sys/fs/binfmt_misc").filesystem == "binfmt_misc"


def test_qemu_arm_is_enabled_with_the_f_flag(host):
    registration = host.file("/proc/sys/fs/binfmt_misc/qemu-arm").content_string.splitlines()
    assert registration[0] == "enabled"
    flags = next(line for line in registration if line.startswith("flags: "))
    assert "F" in flags.split(": ", 1)[1]


@pytest.fixture
def arm_binary(host):
    """A statically linked armhf binary (Debian's ldconfig), copied from the armhf base image into the host."""
    client = docker.from_env()
    try:
        client.images.get(ARMHF_IMAGE)
    except docker.errors.ImageNotFound:
        pytest.skip("%s does not exist (tests/test_cross_arch.py makes it)" % ARMHF_IMAGE)
    box = client.containers.create(ARMHF_IMAGE, entrypoint=["/bin/true"])
    try:
        archive = b"".join(box.get_archive("/usr/sbin/ldconfig")[0])
    finally:
        box.remove()
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        elf = tar.extractfile("ldconfig").read(20)
    assert elf[:4] == b"\x7fELF" and int.from_bytes(elf[18:20], "little") == ELF_MACHINE_ARM
    client.containers.get(host.backend.get_hostname()).put_archive("/tmp", archive)
    return "/tmp/ldconfig"


def test_an_arm_binary_runs_through_binfmt_misc(host, arm_binary):
    assert host.run(arm_binary + " --version").stdout.startswith("ldconfig (Debian GLIBC")


def test_qemu_arm_static_runs_an_arm_binary(host, arm_binary):
    assert host.run("qemu-arm-static %s --version" % arm_binary).stdout.startswith("ldconfig (Debian GLIBC")
