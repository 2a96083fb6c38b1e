# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: docker_agent
short_description: community.docker.docker with one Python agent per container across tasks
description:
  - The P(community.docker.docker#connection) connection plugin (the Docker CLI), extended. The first command in a
    container starts one C(docker exec -i <container> python3) agent, and every later command, file put and
    file fetch of every task goes to that agent instead of a C(docker exec) of its own (about 0.1 s each here;
    a task runs three to six of them).
  - The agent is held between tasks by a relay process on the controller, listening on a unix socket in a
    directory of the user's under the temporary directory, as ssh's ControlMaster holds a connection.
  - The agent ends when the container is committed by M(kantoo.devkit.container_commit) (which waits for it to be
    gone), when the container stops, on the C(reset_connection) meta task, or after two minutes without a request.
  - A container without Python 3 gets the plain P(community.docker.docker#connection) behaviour, as does a
    command that waits for a privilege escalation password.
  - Commands get the environment C(docker exec) gives them, in the same working directory, as the same user.
version_added: 0.1.0
notes:
  - The options it shares with P(community.docker.docker#connection) mean the same there and here.
options:
  remote_addr:
    description: The name of the container.
    type: str
    default: inventory_hostname
    vars:
      - name: inventory_hostname
      - name: ansible_host
      - name: ansible_docker_host
  remote_user:
    description: The user to run commands as in the container; the container's own user when not set.
    type: str
    vars:
      - name: ansible_user
      - name: ansible_docker_user
    ini:
      - section: defaults
        key: remote_user
    env:
      - name: ANSIBLE_REMOTE_USER
    cli:
      - name: user
    keyword:
      - name: remote_user
  docker_extra_args:
    description: Extra arguments of the C(docker) command line, such as C(--host <engine>).
    type: str
    default: ''
    vars:
      - name: ansible_docker_extra_args
    ini:
      - section: docker_connection
        key: extra_cli_args
  container_timeout:
    description: Seconds to wait for output to begin, when waiting for a privilege escalation prompt.
    type: int
    default: 10
    env:
      - name: ANSIBLE_TIMEOUT
      - name: ANSIBLE_DOCKER_TIMEOUT
    ini:
      - section: defaults
        key: timeout
      - section: docker_connection
        key: timeout
    vars:
      - name: ansible_docker_timeout
    cli:
      - name: timeout
  extra_env:
    description: Extra environment variables of the commands (and of the agent, which passes them on).
    type: dict
    vars:
      - name: ansible_docker_extra_env
  working_dir:
    description: The directory in the container that commands run in.
    type: str
    env:
      - name: ANSIBLE_DOCKER_WORKING_DIR
    ini:
      - section: docker_connection
        key: working_dir
    vars:
      - name: ansible_docker_working_dir
  privileged:
    description: Whether commands run with extended privileges.
    type: bool
    default: false
    env:
      - name: ANSIBLE_DOCKER_PRIVILEGED
    ini:
      - section: docker_connection
        key: privileged
    vars:
      - name: ansible_docker_privileged
  agent_python:
    description:
      - The container's Python for the agent, as names or paths separated by spaces; the first one found is used.
      - Any Python 3.6 or later; the agent imports the standard library only and writes no bytecode.
    type: str
    default: python3 /usr/bin/python3 python
    vars:
      - name: ansible_docker_agent_python
"""

import os

from ansible.errors import AnsibleError, AnsibleFileNotFound
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.plugins.connection import ConnectionBase
from ansible.utils.display import Display

from ansible_collections.community.docker.plugins.connection.docker import Connection as DockerConnection
from ansible_collections.kantoo.devkit.plugins.plugin_utils import _agent_relay as relay

display = Display()


class Connection(DockerConnection):
    """community.docker.docker, its commands and files through a container's agent when it has one."""

    transport = "kantoo.devkit.docker_agent"

    def _agent(self):
        """The relay's socket and the command that starts it, for this container and exec settings; None when
        the container has no Python for an agent (then the parent's docker exec does the work)."""
        self._set_conn_data()
        prefix = [to_text(arg, errors="surrogate_or_strict") for arg in self._build_exec_cmd([])]
        path = relay.socket_path(self.get_option("remote_addr"), prefix)
        if os.path.exists(path + ".none"):
            return None
        return path, prefix + relay.agent_command(self.get_option("agent_python"))

    def _start(self, path, command):
        """Whether an agent listens at path now: one begun when the step's container started, or one started
        here (a container with no Python for one is remembered by the relay, beside path)."""
        container = self.get_option("remote_addr")
        if relay.wait_started(path):
            return True
        why_not = relay.start(path, command)
        if why_not:
            display.vvv("AGENT not started, plain docker exec instead: %s" % why_not, host=container)
            return False
        display.vvv("AGENT started", host=container)
        return True

    def _call(self, agent, header, payload=None, size=0, sink=None):
        """The agent's answer (header, payload), starting its relay when none listens (the first command, or
        a relay that ended); None when the container cannot have an agent after all."""
        path, command = agent
        start = payload.tell() if hasattr(payload, "tell") else None
        try:
            try:
                return relay.call(path, header, payload=payload, size=size, sink=sink)
            except relay.NoRelay:
                if not self._start(path, command):
                    return None
                if start is not None:
                    payload.seek(start)
                return relay.call(path, header, payload=payload, size=size, sink=sink)
        except relay.AgentError as exc:
            # a failed task, as a docker exec whose engine or container went away is: the step's rescue runs
            raise AnsibleError("Container %s: %s (is the container or its engine gone?)"
                               % (self.get_option("remote_addr"), exc)) from exc

    def exec_command(self, cmd, in_data=None, sudoable=False):
        agent = None if self.become and self.become.expect_prompt() and sudoable else self._agent()
        if agent:
            ConnectionBase.exec_command(self, cmd, in_data=in_data, sudoable=sudoable)
            display.vvv("EXEC (agent) %s" % cmd, host=self.get_option("remote_addr"))
            data = to_bytes(in_data or b"", errors="surrogate_or_strict")
            try:
                reply = self._call(agent, {"op": "exec", "cmd": to_text(cmd, errors="surrogate_or_strict"),
                                           "executable": self._play_context.executable, "stdin": len(data)},
                                   payload=data)
            except AnsibleError as exc:  # the command's failure, as docker exec would report it
                return 1, b"", to_bytes(str(exc), errors="surrogate_or_strict")
            if reply:
                answer, output = reply
                return answer["rc"], output[:answer["stdout"]], output[answer["stdout"]:]
        return super().exec_command(cmd, in_data=in_data, sudoable=sudoable)

    def put_file(self, in_path, out_path):
        agent = self._agent()
        if agent:
            ConnectionBase.put_file(self, in_path, out_path)
            display.vvv("PUT (agent) %s TO %s" % (in_path, out_path), host=self.get_option("remote_addr"))
            if not os.path.exists(to_bytes(in_path, errors="surrogate_or_strict")):
                raise AnsibleFileNotFound("file or module does not exist: %s" % in_path)
            with open(to_bytes(in_path, errors="surrogate_or_strict"), "rb") as source:
                size = os.fstat(source.fileno()).st_size
                reply = self._call(agent, {"op": "put", "path": self._prefix_login_path(out_path), "size": size},
                                   payload=source, size=size)
            if reply:
                if reply[0]["rc"]:
                    raise AnsibleError("failed to transfer file %s to %s: %s"
                                       % (in_path, out_path, reply[0].get("error")))
                return None
        return super().put_file(in_path, out_path)

    def fetch_file(self, in_path, out_path):
        agent = self._agent()
        if agent:
            ConnectionBase.fetch_file(self, in_path, out_path)
            display.vvv("FETCH (agent) %s TO %s" % (in_path, out_path), host=self.get_option("remote_addr"))
            with open(to_bytes(out_path, errors="surrogate_or_strict"), "wb") as sink:
                reply = self._call(agent, {"op": "fetch", "path": self._prefix_login_path(in_path)}, sink=sink)
            if reply:
                if reply[0]["rc"]:
                    os.unlink(to_bytes(out_path, errors="surrogate_or_strict"))
                    raise AnsibleError("failed to fetch file %s to %s: %s"
                                       % (in_path, out_path, reply[0].get("error")))
                return None
        return super().fetch_file(in_path, out_path)

    def reset(self):
        super().reset()
        relay.close_agents(self.get_option("remote_addr"))
