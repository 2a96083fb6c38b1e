"""DOCKER_OPTS: the keyword arguments of the Docker SDK's containers.run, as the seed's stalk files use them."""

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils.container import (
    CONTAINER_OPTIONS, RUNNER_OPTIONS, container_options, start_options)
from ansible_collections.kantoo.devkit.plugins.plugin_utils.tree import TreeError

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
    docker = pytest.importorskip("docker.models.containers")
    run_arguments = set(docker.RUN_CREATE_KWARGS) | set(docker.RUN_HOST_CONFIG_KWARGS) | {
        "network", "remove", "stdout", "stderr", "stream", "volumes", "ports"}
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
