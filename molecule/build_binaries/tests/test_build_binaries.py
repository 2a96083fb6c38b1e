"""What the build_binaries role leaves on the Portage stand-in (molecule/portage_standin), distcc on."""
import pytest

PACKAGES = ["app-admin/metalog", "app-editors/vim", "net-misc/chrony"]
CHOST = "x86_64-pc-linux-gnu"


def argv(host, tool):
    """Each command the stand-in's tool ran, as its argv."""
    log = host.file("/var/log/standin/%s.log" % tool)
    return [line.split("\t") for line in log.content_string.splitlines()] if log.exists else []


def test_make_conf(host):
    lines = host.file("/etc/portage/make.conf").content_string.splitlines()
    for line in ["DONT_MOUNT_BOOT=1", 'FEATURES="buildpkg distcc"', 'PKGDIR="/portage/packages"',
                 'MAKEOPTS="-j3 -l4"', 'VIDEO_CARDS="nvidia"', 'INPUT_DEVICES="evdev"']:
        assert line in lines
    assert any(line.startswith('EMERGE_DEFAULT_OPTS="--binpkg-respect-use=n ') for line in lines)


def test_distcc_is_installed_wrapped_and_pointed_at_its_hosts(host):
    wrapper = host.file("/usr/lib/distcc/bin/%s-wrapper" % CHOST)
    assert wrapper.mode == 0o755
    assert 'exec /usr/lib/distcc/bin/%s-g${0: -2} "$@"' % CHOST in wrapper.content_string
    for name in ["cc", "gcc", "g++", "c++"]:
        assert host.file("/usr/lib/distcc/bin/" + name).linked_to == wrapper.path
    assert host.file("/etc/distcc/hosts").content_string == "10.0.0.1/8,cpp,lzo 127.0.0.1/4\n"
    assert argv(host, "distcc-config").count(["distcc-config", "--set-hosts", "10.0.0.1/8,cpp,lzo 127.0.0.1/4"]) == 1
    assert "--allow 192.168.1.0/24 --allow 127.0.0.1" in host.file("/etc/conf.d/distccd").content_string
    assert ["emerge", "--noreplace", "--ask=n", "sys-devel/distcc"] in argv(host, "emerge")


def test_world_is_updated_from_binary_packages_then_cleaned(host):
    runs = argv(host, "emerge")
    world = runs.index(["emerge", "--update", "--deep", "--newuse", "--noreplace", "--usepkg", "--ask=n", "@world"])
    assert runs[world + 1] == ["emerge", "--depclean", "--ask=n"]
    assert runs[world + 2] == ["emerge", "--ask=n", "@preserved-rebuild"]


def test_the_packages_are_merged_once_each_with_a_binary_package(host):
    runs = argv(host, "emerge")
    assert runs.count(["emerge", "--noreplace", "--usepkg", "--keep-going", "--ask=n"] + PACKAGES) == 1
    assert runs[-1] == ["emerge", "--ask=n", "@preserved-rebuild"]


@pytest.mark.parametrize("atom", PACKAGES)
def test_each_package_is_installed_and_kept_as_a_binary_package(host, atom):
    assert host.file("/var/db/pkg/%s-0" % atom).is_directory
    assert host.file("/portage/packages/%s-0.tbz2" % atom).is_file


def test_consistency_checks_run_after_both_merge_steps(host):
    # twice a run: after the world update and after the package list
    for tool, expected in [("revdep-rebuild", ["revdep-rebuild", "--ignore"]), ("eclean", ["eclean", "packages"])]:
        runs = argv(host, tool)
        assert runs and len(runs) % 2 == 0 and all(run == expected for run in runs)
