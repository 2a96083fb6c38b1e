"""What the debian_base role leaves on a host it ran on."""


def test_apt_installs_only_what_is_asked_for(host):
    settings = host.file("/etc/apt/apt.conf.d/90kantoo")
    assert settings.mode == 0o644
    assert 'APT::Install-Recommends "false";' in settings.content_string
    assert host.run("apt-config dump APT::Install-Recommends").stdout.strip() == 'APT::Install-Recommends "false";'


def test_the_base_is_up_to_date(host):
    upgradable = host.run("apt list --upgradable 2>/dev/null | grep -c upgradable || true").stdout.strip()
    assert upgradable == "0"
