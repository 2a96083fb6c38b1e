"""What the debian_stage4 role leaves on a host it ran on: a system installed from the repository, and its tarballs."""

import pytest

STAGE4S = "/kantoo/stage4s"


def members(host, tarball):
    return set(host.check_output("tar -tf %s/%s" % (STAGE4S, tarball)).splitlines())


def test_apt_knows_only_the_repository(host):
    sources = host.check_output("apt-get indextargets --format '$(REPO_URI)' | sort -u")
    assert sources.splitlines() == ["file:/kantoo/repo/"]
    assert not host.file("/etc/apt/sources.list").exists


@pytest.mark.parametrize("package", ["sudo", "kantoo-release"])
def test_the_packages_come_from_the_repository(host, package):
    assert host.package(package).is_installed
    policy = host.check_output("apt-cache policy %s" % package)
    assert "file:/kantoo/repo bookworm/main" in policy


def test_root_has_a_hashed_password(host):
    shadow = host.file("/etc/shadow").content_string
    root = [line for line in shadow.splitlines() if line.startswith("root:")][0]
    assert root.split(":")[1].startswith("$6$") and "molecule" not in shadow


def test_stage4_tar_has_the_system_without_boot_mounts_and_caches(host):
    names = members(host, "stage4.tar")
    assert {"./etc/kantoo-release", "./usr/bin/sudo", "./etc/fstab", "./boot/", "./tmp/"} <= names
    for left_out in ("./boot/cmdline.txt", "./root/.ansible/", "./.dockerenv", "./kantoo/", "./etc/resolv.conf"):
        assert left_out not in names
    assert not [n for n in names if n.startswith(("./proc/", "./sys/", "./var/lib/apt/lists/", "./kantoo/"))
                and n not in ("./proc/", "./sys/", "./var/lib/apt/lists/")]


def test_stage4_tar_has_the_host_name_of_the_stage4_not_dockers(host):
    hostname = host.check_output("tar -xOf %s/stage4.tar ./etc/hostname" % STAGE4S)
    assert hostname == "stage4"
    assert "127.0.1.1\tstage4" in host.check_output("tar -xOf %s/stage4.tar ./etc/hosts" % STAGE4S)


def test_boot_tar_has_boot(host):
    assert "./boot/cmdline.txt" in members(host, "boot.tar")
