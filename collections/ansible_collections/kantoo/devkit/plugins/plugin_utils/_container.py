# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A stalk's container: its options from DOCKER_OPTS, its bind mounts, and starting one for a step."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import os
import shutil
import subprocess
import uuid

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError
from ansible_collections.kantoo.devkit.plugins.module_utils._names import DAEMON_LABEL, STALK_LABEL, STEP_LABEL
from ansible_collections.kantoo.devkit.plugins.plugin_utils._engine_options import create_fields
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError

# containers.run arguments the runner sets itself, accepted and ignored: a step container is kept alive by a
# shell on a tty, detached, and removed after its commit; its environment is given to each step's tasks instead.
RUNNER_OPTIONS = frozenset(("detach", "remove", "auto_remove", "tty", "stdin_open", "entrypoint", "command", "name",
                            "image", "environment", "stdout", "stderr", "stream"))
CONTAINER_OPTIONS = frozenset((
    "blkio_weight", "blkio_weight_device", "cap_add", "cap_drop", "cgroup_parent", "cgroupns", "cpu_count",
    "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpuset_cpus",
    "cpuset_mems", "device_cgroup_rules", "device_read_bps", "device_read_iops", "device_requests",
    "device_write_bps", "device_write_iops", "devices", "dns", "dns_opt", "dns_search", "domainname", "extra_hosts",
    "group_add", "hostname", "init", "ipc_mode", "isolation", "mac_address", "mem_limit", "mem_reservation",
    "mem_swappiness", "memswap_limit", "nano_cpus", "network_disabled", "network_mode", "oom_kill_disable",
    "oom_score_adj", "pid_mode", "pids_limit", "platform", "privileged", "runtime", "security_opt", "shm_size",
    "storage_opt", "sysctls", "tmpfs", "ulimits", "user", "userns_mode", "uts_mode", "volume_driver", "volumes",
    "volumes_from", "working_dir",
))
# containers.run arguments a step container cannot take, and why.
_SERVICE = "it concerns a container kept running as a service, not a step whose file system is committed"
UNSUPPORTED_OPTIONS = dict({
    "labels": "the runner labels step containers itself, and a container's labels are committed into its image",
    "mounts": "mount a directory with a plugin's path: and bind: instead (mode: rw for artifacts)",
    "read_only": "a step writes its container's file system, which is what its commit keeps",
    "version": "it is the Docker API version of the client, not a container option",
}, **dict.fromkeys(("ports", "publish_all_ports", "healthcheck", "stop_signal", "restart_policy", "log_config",
                    "links", "networking_config", "use_config_proxy", "init_path", "kernel_memory", "lxc_conf"),
                   _SERVICE))
# The SDK's name for the network mode: containers.run(network=...) sets network_mode.
ALIASES = {"network": "network_mode"}
# Options that need a network namespace of the container's own; without any, a step shares the host's network.
OWN_NETWORK_OPTIONS = frozenset(("network_mode", "hostname", "domainname", "dns", "dns_opt", "dns_search",
                                 "extra_hosts", "mac_address", "network_disabled"))


def container_options(docker_opts, where):
    """DOCKER_OPTS of a stalk file as keyword arguments of the Docker SDK.

    The environment is not a container option here: each step gets it (see tree.environment),
    because Docker would bake a container's environment into every commit.
    """
    options = {}
    for key, value in docker_opts.items():
        if key in RUNNER_OPTIONS:
            continue
        name = ALIASES.get(key, key)
        if name in UNSUPPORTED_OPTIONS:
            raise TreeError("%s: DOCKER_OPTS.%s cannot be given to a step container: %s; remove it"
                            % (where, key, UNSUPPORTED_OPTIONS[name]))
        if name not in CONTAINER_OPTIONS:
            raise TreeError("%s: DOCKER_OPTS.%s is not a container option this runner knows; known: %s"
                            % (where, key, ", ".join(sorted(CONTAINER_OPTIONS | set(ALIASES)))))
        if name in options:
            raise TreeError("%s: DOCKER_OPTS has both %s and %s, which mean the same; keep one"
                            % (where, key, next(k for k in docker_opts if ALIASES.get(k, k) == name and k != key)))
        options[name] = value
    return options


def bind(source, target, mode="ro"):
    return {"source": source, "target": target, "read_only": mode != "rw"}


def sysroot_mounts(sysroot):
    """The seed's SYSROOT_DIR: every file, and every symlinked directory, at the same path under /."""
    mounts = []
    if not sysroot or not os.path.isdir(sysroot):
        return mounts
    for dirpath, dirnames, filenames in os.walk(sysroot):
        for name in sorted(dirnames):
            path = os.path.join(dirpath, name)
            if os.path.islink(path):
                mounts.append(bind(os.path.realpath(path), "/" + os.path.relpath(path, sysroot)))
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            mounts.append(bind(os.path.realpath(path), "/" + os.path.relpath(path, sysroot)))
    return mounts


def directory_mounts(plugins, project, where, produced=frozenset()):
    """Plugins whose path is a directory: bind mounts, read-only unless mode says rw.

    A missing rw directory is an artifacts directory no step has written yet: it is created when the
    first container starts (never in check mode, never removed).  A missing read-only one is a mistake,
    unless another stalk of the tree writes it (produced: the sources of the tree's rw mounts)."""
    mounts = []
    for name, plugin in plugins.items():
        if not isinstance(plugin, dict) or plugin.get("exec") or "path" not in plugin:
            continue
        source = os.path.join(project, str(plugin["path"]))
        writable = plugin.get("mode", "ro") == "rw"
        if not os.path.exists(source) and not writable and os.path.realpath(source) not in produced:
            raise TreeError("%s: plugins.%s.path '%s' does not exist (looked for %s); create it, fix the path, "
                            "or give it mode: rw if a step writes it" % (where, name, plugin["path"], source))
        if writable or os.path.isdir(source):
            target = plugin.get("bind") or "/entropy/plugins/" + name
            mounts.append(bind(os.path.realpath(source), target, plugin.get("mode", "ro")))
    return mounts


def listing(directory):
    """A digest of a directory's names, sizes and modification times: a read-only mount is an input of the
    steps that see it, and hashing every byte of a package repository on each run would cost more than it saves."""
    entries = []
    for dirpath, dirnames, filenames in os.walk(directory):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                stat = os.stat(path)
            except OSError:  # a dangling link
                continue
            entries.append("%s %d %d" % (os.path.relpath(path, directory), stat.st_size, stat.st_mtime_ns))
    return hashlib.sha256("\n".join(entries).encode()).hexdigest()


def start_options(options):
    """The stalk's options, with the host's network unless they ask for a network of the container's own:
    creating a network namespace and its bridge port is half of what starting a container costs (0.28 against
    0.14 s here), and a build step needs the network, not a network of its own."""
    if OWN_NETWORK_OPTIONS.intersection(options):
        return options
    return dict(options, network_mode="host")


Started = collections.namedtuple("Started", "id name")


def container_name(stalk, step):
    """A new step container's name: its stalk and step, and a part of its own."""
    return "kantoo-%s-%s-%s" % (stalk, step, uuid.uuid4().hex[:8])


def start_container(client, image, stalk, step, options, mounts, daemon=False, owner=None, name=None):
    """A container for one step, kept alive by a shell waiting on its tty; a daemon one is never cleaned up.
    owner labels it with its run and repository, so that what a run that is gone left is found and removed.
    name: container_name's, chosen before (a new one when None).  Returns its id and name."""
    fields, platform = create_fields(start_options(options))
    for mount in mounts:
        if not mount["read_only"]:
            os.makedirs(mount["source"], exist_ok=True)
    labels = dict({STALK_LABEL: stalk, STEP_LABEL: step}, **(owner or {}))
    if daemon:
        labels[DAEMON_LABEL] = "true"
    fields["HostConfig"]["Mounts"] = [{"Type": "bind", "Source": m["source"], "Target": m["target"],
                                       "ReadOnly": m["read_only"]} for m in mounts]
    name = name or container_name(stalk, step)
    container = client.create_container(dict(fields, Image=image, Entrypoint=["/bin/sh"], Tty=True, Labels=labels),
                                        name=name, platform=platform)
    try:
        client.start_container(container)
    except EngineError:
        with contextlib.suppress(EngineError):  # what the engine said of the start is what matters
            client.remove_container(container, v=True, force=True)
        raise
    return Started(container, name)


def remove_container(client, name):
    """Remove a container and its anonymous volumes, in the background when the docker CLI is there: the next
    step need not wait.  The stalk's last task (kantoo.devkit.stalk_done) sweeps up whatever is left.
    False when there was no such container."""
    docker_cli = shutil.which("docker")
    if docker_cli:
        # the client's engine, not whatever the CLI's context would name
        command = [docker_cli, "--host", client.url, "rm", "--force", "--volumes", name]
        subprocess.Popen(command,  # pylint: disable=consider-using-with
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        return True
    try:
        client.remove_container(name, v=True, force=True)
        return True
    except EngineError as exc:
        if exc.status_code == 404:
            return False
        raise


# docker run flags of the container options a shell command needs to repeat
SHELL_FLAGS = {"privileged": "--privileged", "init": "--init", "read_only": "--read-only", "hostname": "--hostname",
               "network_mode": "--network", "user": "--user", "working_dir": "--workdir", "shm_size": "--shm-size",
               "ipc_mode": "--ipc", "pid_mode": "--pid", "cap_add": "--cap-add", "cap_drop": "--cap-drop",
               "devices": "--device", "security_opt": "--security-opt", "dns": "--dns", "tmpfs": "--tmpfs",
               "platform": "--platform", "mem_limit": "--memory"}


def shell_command(image, options, mounts, env, secret, docker_host=None):
    """The docker run command of an interactive shell in image, with the stalk's options, mounts and env; on the
    engine at docker_host when given (the docker CLI's own otherwise)."""
    command = ["docker"] + (["--host", docker_host] if docker_host else []) + ["run", "--rm", "-it"]
    for key, value in sorted(options.items()):
        flag = SHELL_FLAGS.get(key)
        if flag is None or value in (False, None):
            continue
        if value is True:
            command.append(flag)
        elif isinstance(value, dict):
            command += [part for k, v in value.items() for part in (flag, "%s:%s" % (k, v) if v else k)]
        elif isinstance(value, list):
            command += [part for v in value for part in (flag, str(v))]
        else:
            command += [flag, str(value)]
    for mount in mounts:
        readonly = ",readonly" if mount["read_only"] else ""
        command += ["--mount", "type=bind,src=%s,dst=%s%s" % (mount["source"], mount["target"], readonly)]
    for name, value in sorted(env.items()):
        # a secret's value is taken from the caller's environment, never printed
        command += ["-e", name if secret(name) else "%s=%s" % (name, value)]
    return command + ["--entrypoint", "/bin/sh", image]
