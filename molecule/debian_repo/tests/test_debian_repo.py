"""What the debian_repo role leaves on a host it ran on: a signed apt repository of its packages."""

REPO = "/kantoo/repo"
DIST = REPO + "/dists/bookworm"


def test_the_pool_has_the_packages_and_the_index_lists_them(host):
    assert host.run("ls %s/pool/main/sudo_*.deb" % REPO).rc == 0
    index = host.file(DIST + "/main/binary-amd64/Packages").content_string
    assert "Package: sudo\n" in index and "Package: kantoo-release\n" in index
    assert "Filename: pool/main/kantoo-release_1.0_all.deb" in index


def test_the_release_file_names_the_repository_and_hashes_the_index(host):
    release = host.file(DIST + "/Release").content_string
    assert "Origin: kantoo\n" in release and "Codename: bookworm\n" in release and "Components: main" in release
    index_hash = host.check_output("sha256sum %s/main/binary-amd64/Packages | cut -d' ' -f1" % DIST)
    assert index_hash in release


def test_the_release_is_signed_by_the_published_key(host):
    keyring = host.check_output("mktemp")
    host.check_output("gpg --dearmor < %s/kantoo-archive-keyring.asc > %s" % (REPO, keyring))
    check = host.run("gpgv --keyring %s %s/InRelease" % (keyring, DIST))
    assert check.rc == 0, check.stderr
    assert "Good signature" in check.stderr


def test_the_secret_key_stays_in_the_keys_directory(host):
    home = host.file("/kantoo/keys/gnupg")
    assert home.mode == 0o700
    assert "sec:" in host.check_output("gpg --batch --homedir /kantoo/keys/gnupg --list-secret-keys --with-colons")
    assert host.run("pgrep gpg-agent").rc != 0, "no agent is left running"
