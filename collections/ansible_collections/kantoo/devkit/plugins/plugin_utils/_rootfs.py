# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Re-pack the tar stream of `docker export` into byte-stable root file system tarballs.

Docker's stream is the container's file system as its storage driver has it, in no particular order and
with what Docker adds when it creates a container (its init layer: /.dockerenv, /etc/hosts, /etc/hostname,
/etc/resolv.conf, /etc/mtab, a few /dev entries, and the creation time as the mtime of /etc and /dev).
The same file system must give the same bytes, whichever container it was exported from: names sorted,
numeric owners only, no access or change times, Docker's files left out and its times replaced.
"""

from __future__ import annotations

import fnmatch
import io
import posixpath
import re
import tarfile

# The mtime of what the export makes up (kept-empty directories, overlay files, the root entry) and of what
# Docker touches when it creates a container, so that two containers of one image give the same bytes.
FIXED_MTIME = 0
# Docker's own files: its init layer hides the image's, so they are never the system's.
DOCKER_FILES = frozenset(("/.dockerenv", "/etc/hostname", "/etc/hosts", "/etc/resolv.conf"))
# What its init layer writes when it creates a container, and so stamps with that time.
DOCKER_TOUCHED = frozenset(("/etc", "/etc/mtab"))
# Mount points of the kernel's file systems: always in, always empty.
ALWAYS_EMPTY = ("/dev", "/proc", "/sys")
BOOT = "/boot"


class ExportError(Exception):
    """Bad arguments, said in words a person can act on."""


def absolute(name):
    """The absolute path of a member name ('etc/hosts', './etc/hosts/', '/etc/hosts')."""
    return posixpath.normpath("/" + name.lstrip("/"))


def member_name(path):
    return "." + path if path != "/" else "./"


def _ancestors(path):
    while path != "/":
        path = posixpath.dirname(path)
        yield path


def _sort_key(path):
    # component-wise, so that a directory's entries follow it: 'etc', 'etc/a', 'etc-b'
    return path.split("/")


class Selection:
    """What goes where: exclusions, kept-empty directories, paths added back, overlay files, the boot split."""

    def __init__(self, exclude=(), include=(), overlay=(), boot=False, leave_out=()):
        self.kept_empty = set(ALWAYS_EMPTY)
        patterns = []
        for entry in exclude:
            if not entry.startswith("/"):
                raise ExportError("exclude: '%s' is not an absolute path" % entry)
            if entry.endswith("/*") and not any(c in entry[:-2] for c in "*?["):
                self.kept_empty.add(posixpath.normpath(entry[:-2]))
            else:
                patterns.append(fnmatch.translate(posixpath.normpath(entry)))
        self._excluded = re.compile("|".join(patterns)) if patterns else None
        self.include = {posixpath.normpath(p) for p in include}
        for path in self.include:
            if not path.startswith("/"):
                raise ExportError("include: '%s' is not an absolute path" % path)
        self._include_ancestors = {a for p in self.include for a in _ancestors(p)}
        self.overlay = {posixpath.normpath(p): v for p, v in overlay}
        if boot:
            self.kept_empty.add(BOOT)
        self.boot = boot
        self.leave_out = DOCKER_FILES | {posixpath.normpath(p) for p in leave_out}
        # writing a destination inside the container changes its directory's mtime
        self.touched = DOCKER_TOUCHED | {posixpath.dirname(p) for p in self.leave_out}
        self._directories = {}

    def _above(self, directory):
        """Whether directory or one of its ancestors is included, excluded, kept empty; worked out once for each
        directory, as an export has a few thousand entries for each of them."""
        known = self._directories.get(directory)
        if known is None:
            if directory == "/":  # no pattern is matched against the root
                known = (directory in self.include, False, directory in self.kept_empty)
            else:
                included, excluded, emptied = self._above(posixpath.dirname(directory))
                known = (included or directory in self.include,
                         excluded or bool(self._excluded and self._excluded.match(directory)),
                         emptied or directory in self.kept_empty)
            self._directories[directory] = known
        return known

    def verdict(self, path):
        """'keep', 'empty' (a kept-empty directory) or 'out'."""
        if path == "/" or path in self.overlay or path in self.leave_out:
            return "out"
        if self.tarball(path) == "boot":
            return "keep"  # the boot tarball is all of /boot
        included, excluded, emptied = self._above(posixpath.dirname(path))
        if included or path in self.include:
            return "keep"
        if path in self._include_ancestors:
            return "keep"  # the directory only: its other entries are judged one by one
        if excluded or (self._excluded and self._excluded.match(path)):
            return "out"
        if path in self.kept_empty:
            return "empty"
        if emptied:
            return "out"
        return "keep"

    def tarball(self, path):
        """'root' or 'boot': where an entry goes."""
        return "boot" if self.boot and path.startswith(BOOT + "/") else "root"


def _clean(member, path, mtime=None):
    """A copy of member under its new name with only what is stable: numeric owners, whole-second mtime,
    extended attributes (file capabilities), no access or change times."""
    info = tarfile.TarInfo(member_name(path))
    info.type = tarfile.REGTYPE if member.type == tarfile.AREGTYPE else member.type
    info.mode = member.mode
    info.uid, info.gid = member.uid, member.gid
    info.uname = info.gname = ""
    info.mtime = int(member.mtime) if mtime is None else mtime
    info.size = member.size if info.isreg() else 0
    info.linkname = member.linkname
    info.devmajor, info.devminor = member.devmajor, member.devminor
    info.pax_headers = {k: v for k, v in sorted(member.pax_headers.items()) if k.startswith("SCHILY.xattr.")}
    return info


def _made_up(path, kind, mode, size=0):
    """An entry the export makes up (an overlay file, the root directory): root's, with the fixed mtime."""
    info = tarfile.TarInfo(member_name(path))
    info.type, info.mode, info.size, info.mtime, info.uname, info.gname = kind, mode, size, FIXED_MTIME, "", ""
    return info


def _as_is(member, path, verdict, selection):
    """The entries of a kept member that is neither a hard link nor the target of one: (tarball, info, data)."""
    where = selection.tarball(path)
    if verdict == "empty" and member.isdir():  # a link in its place holds nothing: it goes in as it is
        yield where, _clean(member, path, FIXED_MTIME), None
        if selection.boot and path == BOOT:  # /boot itself heads the boot tarball, as it is
            yield "boot", _clean(member, path), None
    else:
        mtime = FIXED_MTIME if path in selection.touched else None
        yield where, _clean(member, path, mtime), member if member.isreg() else None


def _link(member, path, data_path):
    """member at path, as a hard link to data_path, the entry that carries the data."""
    info = _clean(member, path)
    info.type, info.size, info.linkname = tarfile.LNKTYPE, 0, member_name(data_path)
    return info


def _made_up_entries(selection):
    """(tarball, path, info, content) of what the export adds: the overlay files and the root directory."""
    for path, (content, mode) in selection.overlay.items():
        yield selection.tarball(path), path, _made_up(path, tarfile.REGTYPE, mode, len(content)), content
    yield "root", "/", _made_up("/", tarfile.DIRTYPE, 0o755), None


def _plan(members, selection):
    """(path, TarInfo, data) of each tarball's entries, unsorted; data is a source member, bytes or None."""
    by_path = {}
    for member in members:
        by_path.setdefault(absolute(member.name), member)
    targets = {absolute(m.linkname) for m in members if m.islnk()}
    plan = {"root": [], "boot": []}
    groups = {}  # (tarball, the path a group of hard links points at) -> the kept paths of the group
    for path, member in by_path.items():
        verdict = selection.verdict(path)
        if verdict == "out":
            continue
        if member.islnk() or (member.isreg() and path in targets):
            where = selection.tarball(path)
            groups.setdefault((where, absolute(member.linkname) if member.islnk() else path), []).append(path)
        else:
            for where, info, data in _as_is(member, path, verdict, selection):
                plan[where].append((path, info, data))
    # The first of a group of hard links in sorted order carries the data and the others link to it, so that
    # the tarball extracts whichever of them was left out and whatever order the stream had.
    for (where, target), paths in groups.items():
        if target not in by_path:
            raise ExportError("the export is broken: %s is a hard link to %s, which it does not hold" % (paths[0], target))
        paths.sort(key=_sort_key)
        plan[where].append((paths[0], _clean(by_path[target], paths[0]), by_path[target]))
        plan[where].extend((path, _link(by_path[path], path, paths[0]), None) for path in paths[1:])
    for where, path, info, content in _made_up_entries(selection):
        plan[where].append((path, info, content))
    return plan


def _writer(out):
    return tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT, encoding="utf-8", errors="surrogateescape")


def _add(tar, info, data):
    """Write an entry; data is bytes, a file object to read info.size bytes from, or None."""
    tar.addfile(info, io.BytesIO(data) if isinstance(data, bytes) else data)


def repack(source, outputs, selection):
    """Read the export at path source and write outputs['root'] (and outputs['boot'], with a boot split), each
    a binary file object. Returns the number of entries of each tarball."""
    counts = {}
    with tarfile.open(source, "r:", errors="surrogateescape") as src:
        plan = _plan(src.getmembers(), selection)
        for where, out in outputs.items():
            entries = sorted(plan[where], key=lambda entry: _sort_key(entry[0]))
            with _writer(out) as tar:
                for _path, info, data in entries:
                    _add(tar, info, src.extractfile(data) if isinstance(data, tarfile.TarInfo) else data)
            counts[where] = len(entries)
    return counts


class Unsorted(Exception):
    """The stream is not in the tarballs' order, or holds a hard link whose data repack would move."""


def repack_sorted(stream, outputs, selection):
    """What repack writes, in one pass over a stream already in the tarballs' order, as the engine's walk of
    a file system gives it: no copy of the export on disk, and the tarballs written while the engine reads.
    stream is a file object read in order. Raises Unsorted at the first entry that only repack can place
    (out of order, a duplicate, sparse, or a hard link whose data is not already in its tarball as it is);
    what was written by then is to be thrown away."""
    tars = {where: _writer(out) for where, out in outputs.items()}
    counts = dict.fromkeys(outputs, 0)
    # (sort key, tarball, info, content), the first to write last, to be popped
    made_up = sorted(((_sort_key(path), where, info, content)
                      for where, path, info, content in _made_up_entries(selection)),
                     key=lambda entry: entry[0], reverse=True)
    as_is = {}  # path -> (tarball, whether its mtime is the fixed one) of the regular files written with data
    last = None

    def write(where, info, data):
        _add(tars[where], info, data)
        counts[where] += 1

    def made_up_before(key):
        """Write the made-up entries that sort before key (all that are left when key is None)."""
        while made_up and (key is None or made_up[-1][0] < key):
            _key, where, info, content = made_up.pop()
            write(where, info, content)

    with tarfile.open(fileobj=stream, mode="r|", errors="surrogateescape") as src:
        for member in src:
            path = absolute(member.name)
            key = _sort_key(path)
            if (last is not None and key <= last) or member.issparse():
                raise Unsorted(path)
            last = key
            verdict = selection.verdict(path)
            if member.islnk():
                written = as_is.get(absolute(member.linkname))
                # repack gives a linked file its own mtime, and the first kept path of a group its data
                if written is not None and written[1]:
                    raise Unsorted(path)
                if verdict == "out":
                    continue
                if written is None or written[0] != selection.tarball(path):
                    raise Unsorted(path)
                made_up_before(key)
                write(written[0], _link(member, path, absolute(member.linkname)), None)
                continue
            if verdict == "out":
                continue
            made_up_before(key)
            for where, info, data in _as_is(member, path, verdict, selection):
                write(where, info, src.extractfile(member) if data is not None else None)
            if member.isreg():
                as_is[path] = (selection.tarball(path), path in selection.touched)
    made_up_before(None)
    for tar in tars.values():
        tar.close()
    return counts
