"""What kantoo.devkit.docker_engine leaves on a host with no Docker: Debian's engine installed, running, answering."""

GO_TEMPLATE = "{{%s}}"


def docker(host, field):
    """A field of `docker info`, from the daemon that the docker client of the host reaches."""
    return host.check_output("docker info --format '%s'" % GO_TEMPLATE % field)


def test_the_engine_is_installed_from_debian(host):
    assert host.package("docker.io").is_installed
    assert host.file("/usr/sbin/dockerd").is_file


def test_dockerd_runs_and_listens_on_its_socket(host):
    # no ps in a minbase image: the daemon's pid file and /proc
    pid = host.file("/var/run/docker.pid").content_string.strip()
    assert host.file("/proc/%s/comm" % pid).content_string == "dockerd\n"
    assert host.file("/var/run/docker.sock").is_socket


def test_the_daemon_answers_with_the_version_of_the_package(host):
    server = host.check_output("docker version --format '%s'" % GO_TEMPLATE % ".Server.Version")
    assert server and host.package("docker.io").version.startswith(server)


def test_the_daemon_is_this_host_s_own(host):
    assert docker(host, ".Name") == host.file("/etc/hostname").content_string.strip()
    assert docker(host, ".DockerRootDir") == "/var/lib/docker"
