"""The docker_agent connection's documentation and the relay agree: the Pythons a step's agent is begun on (when its
container starts, before any task) are those the connection's agent_python option names by default."""

import yaml

from ansible_collections.kantoo.devkit.plugins.connection import docker_agent
from ansible_collections.kantoo.devkit.plugins.plugin_utils._agent_relay import PYTHONS


def test_the_agent_begun_with_a_container_uses_the_connections_default_pythons():
    options = yaml.safe_load(docker_agent.DOCUMENTATION)["options"]
    assert options["agent_python"]["default"] == PYTHONS
