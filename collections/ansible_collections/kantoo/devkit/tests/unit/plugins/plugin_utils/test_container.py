"""A stalk's container, without one: DOCKER_OPTS as the keyword arguments of the Docker SDK's containers.run (as
the seed's stalk files use them), its bind mounts, and the docker run command of a shell in it."""

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._container import (
    CONTAINER_OPTIONS, RUNNER_OPTIONS, container_options, directory_mounts, listing, shell_command, start_options,
    sysroot_mounts)
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError

SEED = {"tty": True, "init": True, "remove": False, "entrypoint": "/bin/bash", "detach": True}


def test_the_seed_stalk_files_options_are_accepted_and_the_runners_own_ignored():
    assert container_options(SEED, "s.hjson") == {"init": True}
    assert start_options(container_options(SEED, "s.hjson")) == {"init": True, "network_mode": "host"}


@pytest.mark.parametrize("network, mode", [("bridge", "bridge"), ("none", "none"), ("host", "host"),
                                           ("my-net", "my-net")])
def test_network_is_the_network_mode_and_a_network_of_its_own_unless_host(network, mode):
    options = container_options({"network": network, "tty": True}, "s.hjson")
    assert options == {"network_mode": mode}
    assert start_options(options) == {"network_mode": mode}


def test_a_step_shares_the_hosts_network_unless_an_option_needs_its_own():
    assert start_options(container_options({"privileged": True}, "s.hjson"))["network_mode"] == "host"
    for own in ({"hostname": "h"}, {"dns_opt": ["ndots:1"]}, {"mac_address": "02:42:ac:11:00:02"}):
        assert "network_mode" not in start_options(container_options(own, "s.hjson"))


def test_every_option_is_a_containers_run_argument():
    """Asked of the SDK in a Python of its own: a unit test imports no Docker SDK."""
    code = ("import json, docker.models.containers as c;"
            "print(json.dumps(sorted(set(c.RUN_CREATE_KWARGS) | set(c.RUN_HOST_CONFIG_KWARGS))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode != 0 and "No module named 'docker'" in proc.stderr:
        pytest.skip("the Docker SDK is not installed here")
    assert proc.returncode == 0, proc.stderr
    known = {"network", "remove", "stdout", "stderr", "stream", "volumes", "ports"}
    run_arguments = set(json.loads(proc.stdout)) | known
    assert CONTAINER_OPTIONS <= run_arguments and RUNNER_OPTIONS <= run_arguments


@pytest.mark.parametrize("opts, expected", [
    ({"bogus": 1}, "s.hjson: DOCKER_OPTS.bogus is not a container option this runner knows; known: "),
    ({"labels": {"a": "b"}}, "s.hjson: DOCKER_OPTS.labels cannot be given to a step container: the runner labels"),
    ({"mounts": []}, "DOCKER_OPTS.mounts cannot be given to a step container: mount a directory with a plugin's"),
    ({"network": "a", "network_mode": "b"}, "DOCKER_OPTS has both network_mode and network, which mean the same"),
])
def test_an_option_a_step_container_cannot_take_stops_with_a_message(opts, expected):
    with pytest.raises(TreeError) as error:
        container_options(opts, "s.hjson")
    assert expected in str(error.value)


def test_a_shell_command_repeats_the_options_mounts_and_env_and_never_a_secrets_value():
    options = {"privileged": True, "init": False, "network_mode": "bridge", "cap_add": ["SYS_ADMIN", "NET_ADMIN"],
               "tmpfs": {"/run": "size=64m", "/tmp": ""}, "sysctls": {"a": "b"}, "user": None}
    mounts = [{"source": "/srv/repo", "target": "/var/repo", "read_only": True},
              {"source": "/srv/out", "target": "/out", "read_only": False}]
    command = shell_command("os/amd64/sub/s:final", options, mounts, {"PLAIN": "v a l", "TOKEN": "hunter2"},
                            lambda name: name == "TOKEN")
    assert command == [
        "docker", "run", "--rm", "-it",
        "--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--network", "bridge", "--privileged",
        "--tmpfs", "/run:size=64m", "--tmpfs", "/tmp",
        "--mount", "type=bind,src=/srv/repo,dst=/var/repo,readonly", "--mount", "type=bind,src=/srv/out,dst=/out",
        "-e", "PLAIN=v a l", "-e", "TOKEN",
        "--entrypoint", "/bin/sh", "os/amd64/sub/s:final"]
    assert "hunter2" not in " ".join(command)


def test_a_shell_command_names_the_stalks_own_engine():
    command = shell_command("os/amd64/sub/s:final", {}, [], {}, lambda name: False, "tcp://builder.example:2376")
    assert command[:4] == ["docker", "--host", "tcp://builder.example:2376", "run"]


def test_a_sysroot_mounts_each_file_and_each_symlinked_directory_at_its_path(tmp_path, write):
    sysroot = tmp_path / "sysroot"
    write(sysroot / "etc/kantoo/conf", "x\n")
    write(tmp_path / "gitrepo/HEAD", "ref\n")
    (sysroot / "var").mkdir()
    os.symlink("../../gitrepo", sysroot / "var/git")
    assert sysroot_mounts(str(sysroot)) == [
        {"source": str(tmp_path / "sysroot/etc/kantoo/conf"), "target": "/etc/kantoo/conf", "read_only": True},
        {"source": str(tmp_path / "gitrepo"), "target": "/var/git", "read_only": True}]
    assert sysroot_mounts(str(tmp_path / "none")) == [] and sysroot_mounts("") == []


def test_directory_plugins_are_bind_mounts_and_a_missing_read_only_one_is_an_error(tmp_path):
    (tmp_path / "repo").mkdir()
    plugins = {"repo": {"path": "repo", "bind": "/var/repo"}, "out": {"path": "artifacts", "mode": "rw"},
               "script": {"exec": True, "text": "#!/bin/sh\n"}, "file": {"text": "x", "bind": "/tmp/x"}}
    assert directory_mounts(plugins, str(tmp_path), "s.hjson") == [
        {"source": str(tmp_path / "repo"), "target": "/var/repo", "read_only": True},
        {"source": str(tmp_path / "artifacts"), "target": "/entropy/plugins/out", "read_only": False}]
    with pytest.raises(TreeError, match="s.hjson: plugins.gone.path 'gone' does not exist"):
        directory_mounts({"gone": {"path": "gone"}}, str(tmp_path), "s.hjson")
    produced = frozenset([os.path.realpath(str(tmp_path / "gone"))])
    assert directory_mounts({"gone": {"path": "gone"}}, str(tmp_path), "s.hjson", produced) == []


def test_a_directory_listing_changes_with_a_name_or_a_size_not_with_nothing(tmp_path, write):
    write(tmp_path / "d/a", "one\n")
    first = listing(str(tmp_path / "d"))
    assert listing(str(tmp_path / "d")) == first
    write(tmp_path / "d/a", "one more\n")
    second = listing(str(tmp_path / "d"))
    assert second != first
    os.rename(tmp_path / "d/a", tmp_path / "d/b")
    assert listing(str(tmp_path / "d")) not in (first, second)
