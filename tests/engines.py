"""Extra Docker engines, and image registries, for tests, on this machine only, each stopped by its pid.

Each has its own data root, exec root, pid file, unix socket and bridge. Never `--bridge none`: that deletes the
default engine's docker0. No iptables rules, so the default engine's are left alone; steps use the host's network.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid

import docker


class ExtraEngine:
    def __init__(self, root, name=None):
        self.name = name or "kt" + uuid.uuid4().hex[:6]
        self.root = root
        self.socket = str(root / "docker.sock")
        self.url = "unix://" + self.socket
        self.bridge = self.name + "br"
        self.proc = None

    def start(self, timeout=60):
        if subprocess.run(["ip", "link", "show", self.bridge], capture_output=True).returncode != 0:
            subprocess.run(["ip", "link", "add", "name", self.bridge, "type", "bridge"], check=True)
        self.root.mkdir(parents=True, exist_ok=True)
        # exec roots live under /run on a short path: containerd's sockets must fit in 108 characters
        self.proc = subprocess.Popen(
            ["dockerd", "--data-root", str(self.root / "data"), "--exec-root", "/run/%s" % self.name,
             "--pidfile", str(self.root / "docker.pid"), "--host", self.url, "--bridge", self.bridge,
             "--iptables=false", "--ip-masq=false", "--ip-forward=false"],
            stdout=open(self.root / "dockerd.log", "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                self.client().ping()
                return self
            except docker.errors.DockerException:
                assert self.proc.poll() is None, (self.root / "dockerd.log").read_text()[-3000:]
                time.sleep(0.3)
        raise AssertionError("dockerd at %s did not start:\n%s" % (self.url, (self.root / "dockerd.log").read_text()))

    def client(self):
        return docker.DockerClient(base_url=self.url, timeout=120)

    def load(self, image):
        """Copy an image of the default engine into this one."""
        save = subprocess.Popen(["docker", "save", image], stdout=subprocess.PIPE)
        subprocess.run(["docker", "-H", self.url, "load", "-q"], stdin=save.stdout, check=True, capture_output=True)
        assert save.wait() == 0

    def stop(self, signum=signal.SIGTERM, timeout=60):
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signum)
        self.proc.wait(timeout=timeout)

    def close(self):
        """Stop it, remove its bridge and its exec root (unmounting what dockerd left mounted there, its netns)."""
        self.stop()
        subprocess.run(["ip", "link", "delete", self.bridge], capture_output=True)
        remove_exec_root("/run/" + self.name)


def remove_exec_root(path):
    """Lazily unmount every mount below path, deepest first, then remove it."""
    with open("/proc/mounts") as mounts:
        below = [line.split()[1] for line in mounts]
    below = [m.replace("\\040", " ") for m in below if m == path or m.startswith(path + "/")]
    for mount in sorted(below, key=len, reverse=True):
        subprocess.run(["umount", "-l", mount], capture_output=True)
    shutil.rmtree(path, ignore_errors=True)


class Registry:
    """Debian's docker-registry (Docker distribution) on 127.0.0.1, with its own config and storage under root:
    no authentication, deletes enabled. Engines reach it over plain HTTP, as Docker does any registry on
    127.0.0.0/8. `with Registry(root) as registry:` starts it and stops it by its pid."""

    def __init__(self, root, port=None):
        self.root = root
        self.port = port or free_port()
        self.address = "127.0.0.1:%d" % self.port  # what a tree's REGISTRY names
        self.url = "http://" + self.address
        self.proc = None

    def start(self, timeout=30):
        self.root.mkdir(parents=True, exist_ok=True)
        config = {"version": 0.1, "log": {"level": "warn", "accesslog": {"disabled": True}},
                  "storage": {"filesystem": {"rootdirectory": str(self.root / "data")}, "delete": {"enabled": True}},
                  "http": {"addr": self.address}}
        (self.root / "config.yml").write_text(json.dumps(config))  # YAML reads JSON
        self.proc = subprocess.Popen(["docker-registry", "serve", str(self.root / "config.yml")],
                                     stdout=open(self.root / "registry.log", "ab"), stderr=subprocess.STDOUT)  # noqa: SIM115
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/v2/", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                assert self.proc.poll() is None, (self.root / "registry.log").read_text()[-3000:]
                time.sleep(0.1)
        self.stop()
        raise AssertionError("the registry at %s did not start:\n%s"
                             % (self.url, (self.root / "registry.log").read_text()))

    def stop(self, timeout=30):
        if self.proc is None or self.proc.poll() is not None:
            return
        os.kill(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *_exc):
        self.stop()


def free_port():
    """A port of 127.0.0.1 nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
