"""What the build_repo role leaves on the Portage stand-in (molecule/portage_standin), Entropy on."""

BINPKGS = ["/portage/packages/app-editors/vim-0.tbz2", "/portage/packages/net-misc/chrony-0.tbz2"]


def argv(host, tool):
    """Each command the stand-in's tool ran, as its argv."""
    log = host.file("/var/log/standin/%s.log" % tool)
    return [line.split("\t") for line in log.content_string.splitlines()] if log.exists else []


def test_the_packages_index_lists_every_binary_package(host):
    index = host.file("/portage/packages/Packages")
    assert index.mode == 0o644
    lines = index.content_string.splitlines()
    assert "PACKAGES: 2" in lines
    assert [line for line in lines if line.startswith("CPV: ")] == ["CPV: app-editors/vim-0", "CPV: net-misc/chrony-0"]


def test_the_index_is_written_once_and_checked_each_run(host):
    runs = argv(host, "emaint")
    assert runs.count(["emaint", "binhost", "--fix"]) == 1
    assert runs[0] == ["emaint", "binhost", "--check"] and runs[1] == ["emaint", "binhost", "--fix"]
    assert set(map(tuple, runs[2:])) == {("emaint", "binhost", "--check")}


def test_entropy_knows_what_portage_installed(host):
    assert host.file("/var/lib/entropy/client/database/amd64/equo.db").is_file
    assert argv(host, "equo") == [["equo", "rescue", "generate"], ["equo", "rescue", "spmsync"]]


def test_the_entropy_server_is_configured(host):
    lines = host.file("/etc/entropy/server.conf").content_string.splitlines()
    assert "default-repository = testing.kantoo.org" in lines
    assert "repository = testing.kantoo.org|Funtoo on RPI3!|file:///entropy/artifacts" in lines


def test_the_packages_are_injected_from_a_copy_and_pushed_once(host):
    copies = [path.replace("/portage/packages/", "/portage/artifacts/") for path in BINPKGS]
    assert argv(host, "eit") == [
        ["eit", "init", "--quick", "testing.kantoo.org"],
        ["eit", "unlock", "testing.kantoo.org"],
        ["eit", "inject", "--quick"] + copies,
        ["eit", "push", "--quick", "--force"],
    ]
    assert all(host.file(path).is_file for path in copies)
    pushed = host.file("/entropy/artifacts/standard/testing.kantoo.org/packages").content_string
    assert pushed.splitlines() == ["vim-0.tbz2", "chrony-0.tbz2"]


def test_the_push_is_recorded_with_the_checksums(host):
    record = host.file("/entropy/artifacts/kantoo-pushed.list").content_string.splitlines()
    assert sorted(line.split("  ")[1] for line in record) == BINPKGS
    assert all(len(line.split("  ")[0]) == 40 for line in record)
