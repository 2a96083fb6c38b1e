"""What the stage4 role leaves on the Portage stand-in (molecule/portage_standin), and the tarballs it exports."""
import pytest

PACKAGES = ["app-editors/vim", "app-admin/metalog", "net-misc/chrony"]


def argv(host, tool):
    """Each command the stand-in's tool ran, as its argv."""
    log = host.file("/var/log/standin/%s.log" % tool)
    return [line.split("\t") for line in log.content_string.splitlines()] if log.exists else []


def members(host, tarball):
    """The member names of a tarball (stored as ./path), as extracting it would make them."""
    return {name[2:] for name in host.check_output("tar -tf %s" % tarball).splitlines() if name.startswith("./")}


@pytest.fixture(scope="module")
def stage4(host):
    return members(host, "/entropy/stage4s/stage4.tar")


def test_portage_points_at_the_binhost(host):
    lines = host.file("/etc/portage/binrepos.conf").content_string.splitlines()
    assert "[testing.kantoo.org]" in lines and "sync-uri = file:///portage/packages" in lines


def test_the_packages_come_from_the_binhost_only_and_once(host):
    assert argv(host, "emerge") == [["emerge", "--noreplace", "--getbinpkgonly", "--ask=n"] + PACKAGES]
    for atom in PACKAGES:
        assert host.file("/var/db/pkg/%s-0/BINHOST" % atom).content_string == "/portage/packages\n"
    assert not host.file("/var/db/pkg/net-misc/networkmanager-0").exists


def test_services_are_configured_as_the_seed_did_and_only_once(host):
    expected = [["rc-update", "del", "hwclock", "boot"], ["rc-update", "add", "swclock", "boot"]] + [
        ["rc-update", "add", service, "default"]
        for service in ["dhcpcd", "dbus", "chronyd", "NetworkManager", "metalog", "avahi-daemon", "avahi-dnsconfd"]]
    assert argv(host, "rc-update") == expected
    assert not host.file("/etc/runlevels/boot/hwclock").exists
    assert host.file("/etc/runlevels/default/avahi-dnsconfd").linked_to == "/etc/init.d/avahi-dnsconfd"


def test_fstab_mounts_the_card(host):
    lines = [line for line in host.file("/etc/fstab").content_string.splitlines() if line and line[0] != "#"]
    assert lines == ["/dev/mmcblk0p1 /boot vfat defaults 0 2", "/dev/mmcblk0p2 / ext4 defaults 0 1"]


def test_root_has_a_sha512_hash_of_its_password_not_the_password(host):
    shadow = host.file("/etc/shadow").content_string
    root = [line for line in shadow.splitlines() if line.startswith("root:")][0].split(":")[1]
    assert root.startswith("$6$") and "molecule-secret" not in shadow
    check = "import crypt, sys; sys.exit(crypt.crypt('molecule-secret', %r) != %r)" % (root, root)
    assert host.run("python3 -W ignore -c %s", check).rc == 0


def test_system_files(host):
    assert "PermitRootLogin yes" in host.file("/etc/ssh/sshd_config").content_string.splitlines()
    assert host.file("/lib/rc/cache/shutdowntime").is_file
    inittab = host.file("/etc/inittab").content_string.splitlines()
    assert "s0:12345:respawn:/sbin/agetty -L 115200 ttyAMA0 vt100" in inittab
    assert host.file("/etc/env.d/99vc").content_string == 'LDPATH="/opt/vc/lib"\n'
    assert 'hostname="pi3"' in host.file("/etc/conf.d/hostname").content_string.splitlines()
    assert host.file("/etc/kantoo-release").content_string == "###KANTOO###\n"
    assert "hosts:       files mdns4_minimal [NOTFOUND=return] dns mdns4" in host.file("/etc/nsswitch.conf").content_string
    assert host.file("/etc/exports").contains("^/boot/ 192.168.1.0/24(")


def test_firmware_and_kernel(host):
    for name in ["bootcode.bin", "fixup.dat", "start.elf", "kernel7.img", "bcm2710-rpi-3-b.dtb",
                 "overlays/README", "overlays/pi3-disable-bt.dtbo"]:
        assert host.file("/boot/" + name).is_file
    assert not host.file("/boot/kernel.img").exists
    assert host.file("/lib/modules/4.19.66-v7+/modules.dep").is_file
    assert host.file("/opt/vc/lib/libbcm_host.so").is_file
    brcm = host.file("/lib/firmware/brcm").listdir()
    assert sorted(brcm) == sorted(["brcmfmac43430-sdio.bin", "brcmfmac43430-sdio.txt", "brcmfmac43455-sdio.bin",
                                   "brcmfmac43455-sdio.txt", "brcmfmac43455-sdio.clm_blob"])


def test_boot_config_and_command_line(host):
    assert host.file("/boot/config.txt").contains("^dtoverlay=pi3-disable-bt$")
    assert host.file("/boot/cmdline.txt").content_string == (
        "dwc_otg.lpm_enable=0 console=tty1 console=ttyAMA0,115200 root=/dev/mmcblk0p2 rootfstype=ext4"
        " elevator=deadline fsck.repair=yes rootwait\n")


def test_export_leaves_no_docker_or_portage_leftovers_in_etc(host):
    assert not host.file("/etc/conf.d/._cfg0000_hostname").exists
    assert host.file("/etc/rc.conf").contains('^#rc_sys=""$')


def test_stage4_tar_holds_the_system(stage4):
    for name in ["etc/fstab", "etc/shadow", "etc/kantoo-release", "var/db/pkg/app-editors/vim-0/",
                 "etc/portage/make.profile", "opt/vc/lib/libbcm_host.so", "dev/", "proc/", "sys/", "boot/", "tmp/"]:
        assert name in stage4
    # /lib is /usr/lib on the stand-in (Debian), as on a merged-usr Gentoo
    assert {"lib/firmware/brcm/brcmfmac43455-sdio.bin", "usr/lib/firmware/brcm/brcmfmac43455-sdio.bin"} & stage4


@pytest.mark.parametrize("prefix", ["portage/", "entropy/", "dev/", "proc/", "sys/", "boot/", "root/.ssh", "root/.ansible",
                                    "var/cache/binpkgs/", "var/git/meta-repo/kits/core-kit/sys-apps", ".dockerenv",
                                    "etc/hostname", "etc/resolv.conf", "etc/conf.d/._cfg", "tmp/", "var/lib/kantoo"])
def test_stage4_tar_leaves_out(stage4, prefix):
    assert not [name for name in stage4 if name.startswith(prefix) and name != prefix]
    assert prefix.endswith("/") or prefix not in stage4


def test_stage4_tar_has_the_parent_of_each_entry(stage4):
    directories = {name.rstrip("/") for name in stage4 if name.endswith("/")}
    assert not [name for name in stage4 if "/" in name.rstrip("/") and name.rstrip("/").rsplit("/", 1)[0] not in directories]


def test_stage4_tar_keeps_the_profiles_of_the_meta_repo(stage4):
    for profile in ["base/make.defaults", "arch/x86-64bit/parent", "arch/x86-64bit/make.defaults"]:
        assert "var/git/meta-repo/kits/core-kit/profiles/" + profile in stage4


def test_stage4_tar_has_its_own_hosts(host):
    hosts = host.check_output("tar -xOf /entropy/stage4s/stage4.tar ./etc/hosts")
    assert "127.0.0.1\tpi3 localhost" in hosts.splitlines()


def test_boot_tar_holds_boot(host):
    boot = members(host, "/entropy/stage4s/boot.tar")
    assert {"boot/config.txt", "boot/cmdline.txt", "boot/kernel7.img", "boot/overlays/README"} <= boot
    assert all(name.startswith("boot/") for name in boot)


def test_stage4_tar_has_an_empty_sticky_tmp(host):
    listing = host.check_output("tar -tvf /entropy/stage4s/stage4.tar ./tmp")
    assert listing.splitlines()[0].startswith("drwxrwxrwt 0/0")
    assert len(listing.splitlines()) == 1
