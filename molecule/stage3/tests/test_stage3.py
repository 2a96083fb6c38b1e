"""What the stage3 role leaves on the Portage stand-in (molecule/portage_standin)."""


def argv(host, tool):
    """Each command the stand-in's tool ran, as its argv."""
    log = host.file("/var/log/standin/%s.log" % tool)
    return [line.split("\t") for line in log.content_string.splitlines()] if log.exists else []


def test_make_conf_tells_portage_not_to_mount_boot(host):
    lines = host.file("/etc/portage/make.conf").content_string.splitlines()
    assert lines.count("DONT_MOUNT_BOOT=1") == 1
    assert 'COMMON_FLAGS="-O2 -pipe"' in lines


def test_the_kernel_sources_are_unmerged_once_and_the_rest_kept(host):
    assert not host.file("/var/db/pkg/sys-kernel/debian-sources-lts-0").exists
    assert host.file("/var/db/pkg/sys-apps/portage-0").is_directory
    runs = argv(host, "emerge")
    assert runs.count(["emerge", "--unmerge", "--ask=n", "sys-kernel/debian-sources-lts"]) == 1


def test_depclean_runs_after_the_unmerge(host):
    runs = argv(host, "emerge")
    assert runs[0][:2] == ["emerge", "--unmerge"]
    assert ["emerge", "--depclean", "--ask=n"] in runs[1:]
