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

    def _matches(self, path):
        return self._excluded is not None and any(
            self._excluded.match(p) for p in (path, *_ancestors(path)) if p != "/")

    def verdict(self, path):
        """'keep', 'empty' (a kept-empty directory) or 'out'."""
        if path == "/" or path in self.overlay or path in self.leave_out:
            return "out"
        if self.tarball(path) == "boot":
            return "keep"  # the boot tarball is all of /boot
        if path in self.include or any(a in self.include for a in _ancestors(path)):
            return "keep"
        if path in self._include_ancestors:
            return "keep"  # the directory only: its other entries are judged one by one
        if self._matches(path):
            return "out"
        if path in self.kept_empty:
            return "empty"
        if any(a in self.kept_empty for a in _ancestors(path)):
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
        where = selection.tarball(path)
        if verdict == "empty" and member.isdir():  # a link in its place holds nothing: it goes in as it is
            plan[where].append((path, _clean(member, path, FIXED_MTIME), None))
            if selection.boot and path == BOOT:  # /boot itself heads the boot tarball, as it is
                plan["boot"].append((path, _clean(member, path), None))
        elif member.islnk() or (member.isreg() and path in targets):
            groups.setdefault((where, absolute(member.linkname) if member.islnk() else path), []).append(path)
        else:
            mtime = FIXED_MTIME if path in selection.touched else None
            plan[where].append((path, _clean(member, path, mtime), member if member.isreg() else None))
    # The first of a group of hard links in sorted order carries the data and the others link to it, so that
    # the tarball extracts whichever of them was left out and whatever order the stream had.
    for (where, target), paths in groups.items():
        if target not in by_path:
            raise ExportError("the export is broken: %s is a hard link to %s, which it does not hold" % (paths[0], target))
        paths.sort(key=_sort_key)
        plan[where].append((paths[0], _clean(by_path[target], paths[0]), by_path[target]))
        for path in paths[1:]:
            info = _clean(by_path[path], path)
            info.type, info.size, info.linkname = tarfile.LNKTYPE, 0, member_name(paths[0])
            plan[where].append((path, info, None))
    for path, (content, mode) in selection.overlay.items():
        plan[selection.tarball(path)].append((path, _made_up(path, tarfile.REGTYPE, mode, len(content)), content))
    plan["root"].append(("/", _made_up("/", tarfile.DIRTYPE, 0o755), None))
    return plan


def repack(source, outputs, selection):
    """Read the export at path source and write outputs['root'] (and outputs['boot'], with a boot split), each
    a binary file object. Returns the number of entries of each tarball."""
    counts = {}
    with tarfile.open(source, "r:", errors="surrogateescape") as src:
        plan = _plan(src.getmembers(), selection)
        for where, out in outputs.items():
            entries = sorted(plan[where], key=lambda entry: _sort_key(entry[0]))
            with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT, encoding="utf-8",
                              errors="surrogateescape") as tar:
                for _path, info, data in entries:
                    if isinstance(data, bytes):
                        tar.addfile(info, io.BytesIO(data))
                    else:
                        tar.addfile(info, src.extractfile(data) if data is not None else None)
            counts[where] = len(entries)
    return counts
