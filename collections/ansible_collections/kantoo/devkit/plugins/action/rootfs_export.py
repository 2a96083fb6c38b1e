# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Export a container's file system as byte-stable tarballs, on the controller (documented in
modules/rootfs_export.py)."""

from __future__ import annotations

import contextlib
import filecmp
import hashlib
import os
import posixpath
import queue
import shutil
import tarfile
import tempfile
import threading
import time

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, connect, find_image, local_engine
from ansible_collections.kantoo.devkit.plugins.modules.rootfs_export import ARGUMENT_SPEC, MUTUALLY_EXCLUSIVE
from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import ControllerAction
from ansible_collections.kantoo.devkit.plugins.plugin_utils._rootfs import (
    ExportError, Selection, Unsorted, repack, repack_sorted)

DOCKER_CONNECTIONS = frozenset(("kantoo.devkit.docker_agent", "community.docker.docker", "community.docker.docker_api",
                                "docker", "docker_api"))
LOCAL_CONNECTIONS = frozenset(("local", "ansible.builtin.local", "ansible.legacy.local"))
CHUNK = 1 << 20


class ActionModule(ControllerAction):
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC, mutually_exclusive=MUTUALLY_EXCLUSIVE)[1]
        workdir = tempfile.mkdtemp(prefix="kantoo-export-")
        client = created = None
        try:
            target = self._target(task_vars)
            if target is None and not (args["container"] or args["image"]):
                raise ExportError("nothing to export: the target is the controller; give container or image")
            dests = [p for p in (args["dest"], args["boot_dest"]) if p]
            selection = Selection(args["exclude"], args["include"], _overlay(args["overlay"]),
                                  boot=bool(args["boot_dest"]), leave_out=dests)
            # a step's container is on its stalk's engine
            args["docker_host"] = args["docker_host"] or task_vars.get("kantoo_docker_host") or None
            client = connect(args["docker_host"])
            source = args["container"] or target
            if args["image"]:
                if find_image(client, args["image"]) is None:
                    raise ExportError("image '%s' does not exist" % args["image"])
                # created, never started: its file system is the image's, plus Docker's init layer
                source = created = client.create_container({"Image": args["image"], "Entrypoint": ["/bin/true"]})
            tarballs = self._export(client, source, target, args, selection, workdir)
        except ExportError as exc:
            return dict(result, failed=True, msg="rootfs_export: %s" % exc)
        except EngineError as exc:
            return dict(result, failed=True, msg=exc.message("rootfs_export: docker refused a request of the export"))
        except OSError as exc:
            return dict(result, failed=True, msg="rootfs_export: %s" % exc)
        except tarfile.TarError as exc:
            return dict(result, failed=True, msg="rootfs_export: the engine's export of %s is not a tar stream that "
                        "reads to its end (%s); look at the engine's log" % (args["image"] or source, exc))
        finally:
            if created:
                # a leftover is only litter: it must not fail an export that is done
                with contextlib.suppress(EngineError):
                    client.remove_container(created, v=True, force=True)
            shutil.rmtree(workdir, ignore_errors=True)
        return dict(result, changed=any(t["changed"] for t in tarballs), tarballs=tarballs)

    def _target(self, task_vars):
        """The target container's name, or None when the target is the controller."""
        connection = {self._connection.transport, getattr(self._connection, "_load_name", None)}
        if connection & LOCAL_CONNECTIONS:
            return None
        if not connection & DOCKER_CONNECTIONS:
            raise ExportError("the export needs a Docker container target (connection kantoo.devkit.docker_agent, community.docker.docker or "
                              "community.docker.docker_api), or the controller (connection local); host '%s' is "
                              "reached over %s" % (task_vars.get("inventory_hostname"), self._connection.transport))
        name = task_vars.get("ansible_docker_host") or task_vars.get("ansible_host") or task_vars["inventory_hostname"]
        return self._templar.template(name)

    def _export(self, client, source, target, args, selection, workdir):
        places = {"root": _place(client, target, args["dest"], args["docker_host"])}
        if args["boot_dest"]:
            places["boot"] = _place(client, target, args["boot_dest"], args["docker_host"])
        files = {}
        for kind, (where, path) in places.items():
            # on the host, beside the destination, so that replacing it is a rename
            near = os.path.dirname(path) if where == "host" and not self._task.check_mode else workdir
            if not os.path.isdir(near):
                raise ExportError("directory %s does not exist" % near)
            files[kind] = _Hashing(tempfile.NamedTemporaryFile(dir=near, prefix=".%s." % os.path.basename(path),
                                                               delete=False))
        try:
            try:
                counts = _repack(client, source, files, selection, workdir)
            finally:
                for out in files.values():
                    out.close()
            tarballs = []
            for kind, (where, path) in places.items():
                new = files[kind].name
                dest = args["dest"] if kind == "root" else args["boot_dest"]
                tarballs.append(dict(dest=dest, sha256=files[kind].digest.hexdigest(), size=os.path.getsize(new),
                                     entries=counts[kind], written_to="%s:%s" % (where, path)))
                if where == "host":
                    changed = not (os.path.isfile(path) and filecmp.cmp(new, path, shallow=False))
                    if changed and not self._task.check_mode:
                        os.chmod(new, 0o644)
                        os.replace(new, path)
                else:
                    changed = _differs_in_container(client, path, dest, new)
                    if changed and not self._task.check_mode:
                        _put(client, path, dest, new, workdir)
                tarballs[-1]["changed"] = changed
            return tarballs
        finally:
            for out in files.values():
                if os.path.exists(out.name):
                    os.unlink(out.name)


def _repack(client, source, files, selection, workdir):
    """The tarballs written from the engine's export of source, as it streams in when the engine gives it in
    their order (its walk of the file system does); otherwise from a second export, copied to disk first."""
    try:
        with _ReadAhead(client.export(source, chunk_size=CHUNK)) as chunks:
            return repack_sorted(_Chunks(chunks), files, selection)
    except Unsorted:
        for out in files.values():
            out.restart()
    exported = os.path.join(workdir, "export.tar")
    with open(exported, "wb") as out:
        for chunk in client.export(source, chunk_size=CHUNK):
            out.write(chunk)
    return repack(exported, files, selection)


def _overlay(overlay):
    files = []
    for item in overlay:
        try:
            mode = int(item["mode"], 8)
        except ValueError:
            raise ExportError("overlay %s: mode '%s' is not an octal number" % (item["path"], item["mode"]))
        if not item["path"].startswith("/"):
            raise ExportError("overlay: '%s' is not an absolute path" % item["path"])
        files.append((item["path"], (item["content"].encode(), mode)))
    return files


def _place(client, container, dest, docker_host):
    """('host', path) when dest can be written on this machine, else ('container', name) to put it there."""
    if not posixpath.isabs(dest):
        raise ExportError("'%s' is not an absolute path" % dest)
    if container is None:
        return "host", dest
    mounts = [m for m in client.inspect_container(container).get("Mounts") or []
              if dest == m["Destination"] or dest.startswith(m["Destination"].rstrip("/") + "/")]
    if not mounts:
        return "container", container
    mount = max(mounts, key=lambda m: len(m["Destination"]))
    if not mount.get("RW", True):
        raise ExportError("%s is on a read-only mount of container '%s' (%s)" % (dest, container, mount["Destination"]))
    host_path = os.path.join(mount["Source"], posixpath.relpath(dest, mount["Destination"]))
    # the mount's source is a path of the engine's host: this machine's only when the engine runs here
    if mount.get("Type") == "bind" and local_engine(docker_host) and os.path.isdir(os.path.dirname(host_path)):
        return "host", os.path.normpath(host_path)
    return "container", container


class _ReadAhead:
    """The chunks of a stream, read by a thread of their own up to AHEAD chunks ahead, so that the engine goes
    on writing the export while this process re-packs what came (reading the socket lets go of the GIL). In a
    with block; leaving it stops the reading and closes the stream."""

    AHEAD = 32

    def __init__(self, chunks):
        self._chunks, self._queue, self._stop = chunks, queue.Queue(self.AHEAD), threading.Event()
        self._thread = threading.Thread(target=self._read, name="kantoo-export-read-ahead", daemon=True)

    def _read(self):
        try:
            for chunk in self._chunks:
                if self._stop.is_set():
                    break
                self._queue.put(chunk)
            self._queue.put(None)
        except BaseException as exc:  # pylint: disable=broad-exception-caught  # raised again in the reader
            self._queue.put(exc)
        finally:
            self._chunks.close()

    def __enter__(self):
        self._thread.start()
        return self

    def __iter__(self):
        while True:
            chunk = self._queue.get()
            if chunk is None:
                return
            if isinstance(chunk, BaseException):
                raise chunk
            yield chunk

    def __exit__(self, *exc_info):
        self._stop.set()
        while self._thread.is_alive():  # a put waiting for room ends, and the reader sees the stop
            with contextlib.suppress(queue.Empty):
                self._queue.get(timeout=0.1)
        self._thread.join()


class _Chunks:
    """A file-like reader of a stream of chunks. A read copies only what it returns: tarfile reads a stream
    10 KiB at a time, and slicing the rest of a 1 MiB chunk off at each read doubled the time of reading it."""

    def __init__(self, chunks):
        self._chunks, self._chunk, self._at = iter(chunks), b"", 0

    def read(self, size=-1):
        pieces, wanted = [], size
        while wanted:
            if self._at == len(self._chunk):
                self._chunk, self._at = next(self._chunks, b""), 0
                if not self._chunk:
                    break
            end = len(self._chunk) if wanted < 0 else min(len(self._chunk), self._at + wanted)
            pieces.append(self._chunk[self._at:end])
            wanted -= (end - self._at) if wanted > 0 else 0
            self._at = end
        return b"".join(pieces)


def _differs_in_container(client, container, dest, new):
    try:
        stream, stat = client.get_archive(container, dest, chunk_size=CHUNK)
    except EngineError as exc:
        if exc.status_code == 404:
            return True
        raise
    if stat.get("size") != os.path.getsize(new):
        return True
    with tarfile.open(fileobj=_Chunks(stream), mode="r|") as tar, open(new, "rb") as mine:
        theirs = tar.extractfile(tar.next())
        while True:
            a, b = theirs.read(CHUNK), mine.read(CHUNK)
            if a != b:
                return True
            if not a:
                return False


def _put(client, container, dest, new, workdir):
    wrapped = os.path.join(workdir, "put.tar")
    with tarfile.open(wrapped, "w", format=tarfile.PAX_FORMAT) as tar:
        info = tar.gettarinfo(new, arcname=posixpath.basename(dest))
        info.mode, info.uid, info.gid, info.uname, info.gname, info.mtime = 0o644, 0, 0, "", "", int(time.time())
        with open(new, "rb") as data:
            tar.addfile(info, data)
    directory = posixpath.dirname(dest)
    try:
        with open(wrapped, "rb") as data:
            client.put_archive(container, directory, data)
    except EngineError as exc:
        if exc.status_code == 404:
            raise ExportError("directory %s does not exist in container '%s'" % (directory, container))
        raise
    finally:
        os.unlink(wrapped)


class _Hashing:
    """A file being written, and the digest of what was written to it."""

    def __init__(self, out):
        self._out, self.digest, self.name = out, hashlib.sha256(), out.name

    def write(self, data):
        self.digest.update(data)
        return self._out.write(data)

    def tell(self):
        return self._out.tell()

    def restart(self):
        """Throw away what was written: the file empty again, and its digest."""
        self._out.seek(0)
        self._out.truncate()
        self.digest = hashlib.sha256()

    def close(self):
        self._out.close()
