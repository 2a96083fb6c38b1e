"""What the debian_binaries role leaves on a host it ran on: .deb files in its artifacts directory."""

import pytest

PACKAGES = "/kantoo/packages"


@pytest.mark.parametrize("package", ["chrony", "sudo", "vim-tiny"])
def test_each_package_is_downloaded_and_not_installed(host, package):
    found = host.run("ls %s/%s_*.deb" % (PACKAGES, package))
    assert found.rc == 0, "no %s .deb in %s" % (package, PACKAGES)
    assert not host.package(package).is_installed


def test_the_dependencies_the_host_lacks_come_too(host):
    # chrony needs iproute2, which a minimal base does not have
    assert host.run("ls %s/iproute2_*.deb" % PACKAGES).rc == 0
    assert host.run("ls %s/libc6_*.deb" % PACKAGES).rc != 0, "what the host has is not downloaded"


def test_the_release_package_is_built_from_its_sources(host):
    deb = "%s/kantoo-release_1.0_all.deb" % PACKAGES
    fields = host.check_output("dpkg-deb --field %s Package Version Architecture" % deb)
    assert fields.splitlines() == ["Package: kantoo-release", "Version: 1.0", "Architecture: all"]
    contents = host.check_output("dpkg-deb --contents %s" % deb)
    assert "root/root" in contents and "./etc/kantoo-release" in contents and "./boot/cmdline.txt" in contents
    release = host.check_output("dpkg-deb --fsys-tarfile %s | tar -xOf - ./etc/kantoo-release" % deb)
    assert release.splitlines()[0] == "###KANTOO###"
