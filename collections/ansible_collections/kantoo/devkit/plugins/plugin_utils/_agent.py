# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The agent: one Python process in a step's container that runs the commands of every task of the step.

It is started once, by `docker exec -i <container> python3 -B -c <this file's text>`, and then answers requests
on its stdin and stdout, one at a time, until its stdin closes: a command costs a fork in the container instead
of a `docker exec` (about 0.1 s here).  Standard library only, Python 3.6 and later: it runs on the container's
Python.  The relay on the controller (_agent_relay.py) and the connection plugin (connection/docker_agent.py)
use the same framing, imported from here.

A frame is one JSON line (the header) followed by the raw bytes whose sizes the header gives.
  {"op": "exec", "cmd": "...", "executable": "/bin/sh", "stdin": N}   -> {"rc": R, "stdout": N, "stderr": N}
  {"op": "put", "path": "...", "size": N}                             -> {"rc": 0} or {"rc": 1, "error": "..."}
  {"op": "fetch", "path": "..."}                                      -> {"rc": 0, "size": N} or an error
A command gets the environment that `docker exec` gave the agent, as it was before Python started (Python sets
LC_CTYPE when it finds the C locale), so it runs as it would under its own `docker exec`.
"""

import json
import os
import subprocess
import sys
import threading

CHUNK = 1 << 16
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


def _drain(pipe, chunks):
    for chunk in iter(lambda: os.read(pipe.fileno(), CHUNK), b""):
        chunks.append(chunk)


def _exec(header, stdin, stdout, env):
    data = read_exact(stdin, header["stdin"])
    process = subprocess.Popen([header.get("executable") or "/bin/sh", "-c", header["cmd"]], env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    output = ([], [])
    readers = [threading.Thread(target=_drain, args=(pipe, chunks)) for pipe, chunks
               in zip((process.stdout, process.stderr), output)]
    for reader in readers:
        reader.daemon = True
        reader.start()
    try:
        process.stdin.write(data)
        process.stdin.close()
    except BrokenPipeError:  # the command did not read all its input, as under docker exec
        pass
    process.wait()
    # a daemon the command started may hold its output open: answer once the command itself is done
    for reader in readers:
        reader.join(LINGER)
    out, err = (b"".join(chunks) for chunks in output)
    write_header(stdout, {"rc": process.returncode, "stdout": len(out), "stderr": len(err)})
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


def serve(stdin, stdout):
    env = _environment()
    write_header(stdout, {"ready": True, "python": sys.version.split()[0]})
    stdout.flush()
    while True:
        header = read_header(stdin)
        if header is None:
            return
        if header["op"] == "exec":
            _exec(header, stdin, stdout, env)
        elif header["op"] == "put":
            _put(header, stdin, stdout)
        elif header["op"] == "fetch":
            _fetch(header, stdout)
        else:
            write_header(stdout, {"rc": 1, "error": "unknown request %r" % header["op"]})
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
