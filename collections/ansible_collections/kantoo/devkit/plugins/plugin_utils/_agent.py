# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agent: one Python process in a step's container that runs the commands of every task of the step.

It is started once, by `docker exec -i <container> python3 -B -c <a line that reads this file's text from stdin>`
(_agent_relay.py's agent_command), and then answers requests on its stdin and stdout, one at a time, until its
stdin closes: a command costs a fork in the container instead of a `docker exec` (about 0.1 s here).  Standard
library only, Python 3.6 and later: it runs on the container's Python.  The relay on the controller
(_agent_relay.py) and the connection plugin (connection/docker_agent.py) use the same framing, imported from here.

A frame is one JSON line (the header) followed by the raw bytes whose sizes the header gives.
  {"op": "exec", "cmd": "...", "executable": "/bin/sh", "stdin": N}   -> {"rc": R, "stdout": N, "stderr": N}
  {"op": "put", "path": "...", "size": N}                             -> {"rc": 0} or {"rc": 1, "error": "..."}
  {"op": "fetch", "path": "..."}                                      -> {"rc": 0, "size": N} or an error
A command gets the environment that `docker exec` gave the agent, as it was before Python started (Python sets
LC_CTYPE when it finds the C locale), so it runs as it would under its own `docker exec`.
"""

import base64
import importlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import traceback

CHUNK = 1 << 16
_WRAPPER = b"_ANSIBALLZ_WRAPPER = True"
_ZIP_DATA = re.compile(rb"^zip_data='([A-Za-z0-9+/=]+)'", re.MULTILINE)
# what every module imports first, imported once by the agent
_PRELOADED = ("ansible.module_utils.basic", "ansible.module_utils._internal._ansiballz._loader")
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# seconds to wait for the rest of a command's output once it exited
LINGER = 2


def read_header(stream):
    """The next header, or None at the end of the stream."""
    line = stream.readline()
    if not line:
        return None
    return json.loads(line.decode("utf-8"))


def write_header(stream, header):
    stream.write(json.dumps(header).encode("utf-8") + b"\n")


def read_exact(stream, size):
    data = stream.read(size) if size else b""
    if len(data) != size:
        raise EOFError("the stream ended %d bytes short" % (size - len(data)))
    return data


def copy_exact(source, target, size):
    """Copy size bytes from one stream to the other (target None: read and drop them)."""
    while size:
        chunk = source.read(min(size, CHUNK))
        if not chunk:
            raise EOFError("the stream ended %d bytes short" % size)
        if target is not None:
            target.write(chunk)
        size -= len(chunk)


def _environment():
    try:
        with open("/proc/self/environ", "rb") as handle:
            pairs = [item.split(b"=", 1) for item in handle.read().split(b"\0") if b"=" in item]
        return dict((os.fsdecode(k), os.fsdecode(v)) for k, v in pairs)
    except OSError:
        return dict(os.environ)


def _drain(fd, chunks):
    for chunk in iter(lambda: os.read(fd, CHUNK), b""):
        chunks.append(chunk)


def _collect(stdout_fd, stderr_fd, wait):
    """A command's return code and both outputs: read while it runs, returned once wait() gave its code (a
    daemon the command started may hold its output open)."""
    output = ([], [])
    readers = [threading.Thread(target=_drain, args=pair) for pair in zip((stdout_fd, stderr_fd), output)]
    for reader in readers:
        reader.daemon = True
        reader.start()
    returncode = wait()
    for reader in readers:
        reader.join(LINGER)
    return returncode, b"".join(output[0]), b"".join(output[1])


def _spawn(cmd, executable, data, env):
    process = subprocess.Popen([executable, "-c", cmd], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)

    def wait():
        try:
            process.stdin.write(data)
            process.stdin.close()
        except BrokenPipeError:  # the command did not read all its input, as under docker exec
            pass
        return process.wait()

    return _collect(process.stdout.fileno(), process.stderr.fileno(), wait)


def _exec(header, stdin, stdout, env, modules):
    data = read_exact(stdin, header["stdin"])
    executable = header.get("executable") or "/bin/sh"
    module = modules.accepts(header["cmd"], data)
    answer = modules.run(module, env) if module else None
    rc, out, err = answer or _spawn(header["cmd"], executable, data, env)
    write_header(stdout, {"rc": rc, "stdout": len(out), "stderr": len(err)})
    stdout.write(out)
    stdout.write(err)


def _put(header, stdin, stdout):
    size = header["size"]
    try:
        target = open(header["path"], "wb")
    except OSError as exc:
        copy_exact(stdin, None, size)
        write_header(stdout, {"rc": 1, "error": str(exc)})
        return
    with target:
        copy_exact(stdin, target, size)
    write_header(stdout, {"rc": 0})


def _fetch(header, stdout):
    try:
        source = open(header["path"], "rb")
        size = os.fstat(source.fileno()).st_size
    except OSError as exc:
        write_header(stdout, {"rc": 1, "error": str(exc)})
        return
    with source:
        write_header(stdout, {"rc": 0, "size": size})
        copy_exact(source, stdout, size)


class Modules:
    """Ansible's Python modules, each run in a fork of the agent instead of a new interpreter.

    A module comes as the AnsiballZ wrapper on the stdin of `<python> && sleep 0` (pipelining), with the task's
    environment as assignments before it.  Once the agent imported what every module imports (ansible's
    module_utils.basic, from the first module's own zip) a fork of it runs the wrapper as that Python would run
    it from its stdin: about 0.2 s less per module here, the time a new interpreter takes to compile and import
    them.  The zips are kept in /dev/shm (not in the container's file system); anything unexpected (another
    Python, become, an unknown wrapper, no /dev/shm) and the command runs as any other.
    """

    def __init__(self):
        self.python = os.path.realpath(sys.executable)
        self.directory = None
        self.ready = None  # unknown until the first module; then whether the agent imported basic

    def accepts(self, cmd, data):
        """(assignments, zip bytes, wrapper source) when cmd runs a module this way, else None."""
        if self.ready is False or _WRAPPER not in data:
            return None
        try:
            words = shlex.split(cmd)
            if len(words) != 3 or words[1] != "-c":
                return None
            words = shlex.split(words[2])
        except ValueError:
            return None
        if words[-3:] != ["&&", "sleep", "0"] or len(words) < 4:
            return None
        assignments = words[:-4]
        if not all(_ASSIGNMENT.match(word) for word in assignments) or not self._ours(words[-4]):
            return None
        found = _ZIP_DATA.search(data)
        if not found:
            return None
        return dict(word.split("=", 1) for word in assignments), base64.b64decode(found.group(1)), data

    def _ours(self, interpreter):
        path = interpreter if os.path.isabs(interpreter) else shutil.which(interpreter)
        return bool(path) and os.path.realpath(path) == self.python

    def _warm(self, zip_path):
        """Import what every module imports, once, from the first module's zip (kept: later imports need it)."""
        sys.path.insert(0, zip_path)
        try:
            for name in _PRELOADED:
                importlib.import_module(name)
            return True
        except Exception:  # pylint: disable=broad-except
            sys.path.remove(zip_path)
            for name in [n for n in sys.modules if n == "ansible" or n.startswith("ansible.")]:
                del sys.modules[name]
            return False

    def run(self, module, env):
        """The module's return code and outputs, or None when it must run as any other command."""
        assignments, zip_data, source = module
        if self.directory is None:
            try:
                self.directory = tempfile.mkdtemp(prefix="kantoo-agent-", dir="/dev/shm")
            except OSError:
                self.ready = False
                return None
        zip_path = os.path.join(self.directory, "%d.zip" % len(os.listdir(self.directory)))
        with open(zip_path, "wb") as handle:
            handle.write(zip_data)
        if self.ready is None:
            self.ready = self._warm(zip_path)
            if not self.ready:
                os.unlink(zip_path)
                return None
        try:
            return _fork_module(zip_path, dict(env, **assignments), source)
        finally:
            if zip_path not in sys.path:
                os.unlink(zip_path)

    def close(self):
        if self.directory:
            shutil.rmtree(self.directory, ignore_errors=True)


def _fork_module(zip_path, env, source):
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the module's process
        os.close(out_read)
        os.close(err_read)
        _run_module(zip_path, env, source, out_write, err_write)
    os.close(out_write)
    os.close(err_write)
    try:
        return _collect(out_read, err_read, lambda: _exit_code(os.waitpid(pid, 0)[1]))
    finally:
        os.close(out_read)
        os.close(err_read)


def _exit_code(status):
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _run_module(zip_path, env, source, out_fd, err_fd):
    """In the fork: stdio and environment as a new interpreter reading the wrapper from stdin would have them,
    the packages already imported also looking in this module's zip, then the wrapper; never returns."""
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        for fd, target in ((null, 0), (out_fd, 1), (err_fd, 2)):
            os.dup2(fd, target)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), line_buffering=False)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), line_buffering=True)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = [""]
        for name, package in list(sys.modules.items()):
            if (name == "ansible" or name.startswith("ansible.")) and hasattr(package, "__path__"):
                package.__path__.insert(0, os.path.join(zip_path, *name.split(".")))
        exec(compile(source, "<stdin>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})  # pylint: disable=exec-used
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, (int, type(None))):
            sys.stderr.write("%s\n" % (exc.code,))
    except BaseException:  # pylint: disable=broad-except
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)  # pylint: disable=protected-access


def serve(stdin, stdout):
    env = _environment()
    modules = Modules()
    write_header(stdout, {"ready": True, "python": sys.version.split()[0]})
    stdout.flush()
    try:
        _loop(stdin, stdout, env, modules)
    finally:
        modules.close()


def _loop(stdin, stdout, env, modules):
    while True:
        header = read_header(stdin)
        if header is None:
            return
        if header["op"] == "exec":
            _exec(header, stdin, stdout, env, modules)
        elif header["op"] == "put":
            _put(header, stdin, stdout)
        elif header["op"] == "fetch":
            _fetch(header, stdout)
        else:
            write_header(stdout, {"rc": 1, "error": "unknown request %r" % header["op"]})
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
    # ended, its zips removed and its answers flushed: the interpreter's own teardown of what the modules imported
    # (18 ms here) would only delay the commit, which waits for the agent to be gone
    sys.stderr.flush()
    os._exit(0)  # pylint: disable=protected-access
