"""Extra Docker engines for tests, on this machine only, each stopped by its pid.

Each has its own data root, exec root, pid file, unix socket and bridge. Never `--bridge none`: that deletes the
default engine's docker0. No iptables rules, so the default engine's are left alone; steps use the host's network.
"""

import os
import signal
import subprocess
import time
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
        self.stop()
        subprocess.run(["ip", "link", "delete", self.bridge], capture_output=True)
