"""The re-packing of an export, without an engine: the one pass over a stream in the tarballs' order writes
the same bytes as the sorting pass, and says Unsorted, rather than writing other bytes, for what only the
sorting pass can place. Also the readers that feed it the engine's stream."""

import hashlib
import io
import random
import tarfile
import threading

import pytest

from ansible_collections.kantoo.devkit.plugins.action.rootfs_export import _Chunks, _Hashing, _ReadAhead, _repack
from ansible_collections.kantoo.devkit.plugins.plugin_utils._rootfs import (
    Selection, Unsorted, _sort_key, absolute, repack, repack_sorted)

# (name, kind, extra): a small system as an engine's walk gives it, names sorted component-wise
SYSTEM = [
    ("./.dockerenv", "file", b""),
    ("./bin", "symlink", "usr/bin"),
    ("./boot", "dir", None),
    ("./boot/vmlinuz", "file", b"kernel\n"),
    ("./dev", "dir", None),
    ("./dev/console", "file", b""),
    ("./etc", "dir", None),
    ("./etc/hostname", "file", b"docker\n"),
    ("./etc/hosts", "file", b"127.0.0.1 docker\n"),
    ("./etc/mtab", "symlink", "/proc/mounts"),
    ("./etc/passwd", "file", b"root:x:0:0::/root:/bin/sh\n"),
    ("./etc-other", "file", b"after etc/ in the order\n"),
    ("./kantoo", "dir", None),
    ("./kantoo/stage4.tar", "file", b"the last export\n"),
    ("./tmp", "dir", None),
    ("./tmp/junk", "file", b"junk\n"),
    ("./usr", "dir", None),
    ("./usr/bin", "dir", None),
    ("./usr/bin/dpkg", "file", b"dpkg\n" * 5000),
    ("./usr/bin/dpkg-link", "link", "./usr/bin/dpkg"),
    ("./usr/share", "dir", None),
    ("./usr/share/doc", "dir", None),
    ("./usr/share/doc/bash", "dir", None),
    ("./usr/share/doc/bash/copyright", "file", b"GPL\n"),
    ("./usr/share/doc/dpkg", "dir", None),
    ("./usr/share/doc/dpkg/copyright", "file", b"GPL too\n"),
]


def stream(entries):
    """The bytes of a tar stream of entries, as GNU tar does it, with owners' names and times to be dropped."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w", format=tarfile.GNU_FORMAT) as tar:
        for name, kind, extra in entries:
            info = tarfile.TarInfo(name)
            info.mtime, info.uname, info.uid = 1700000000 + len(name), "root", 0
            if kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, extra
            elif kind == "link":
                info.type, info.linkname = tarfile.LNKTYPE, extra
            else:
                info.size, info.mode = len(extra), 0o644
            tar.addfile(info, io.BytesIO(extra) if kind == "file" else None)
    return data.getvalue()


def selection(**changes):
    args = dict(exclude=["/tmp/*", "/usr/share/doc"], include=["/usr/share/doc/dpkg"],
                overlay=[("/etc/hostname", (b"stage4\n", 0o644)), ("/etc/zz-new", (b"new\n", 0o600))],
                boot=True, leave_out=["/kantoo/stage4.tar"])
    args.update(changes)
    return Selection(**args)


def outputs_for(chosen):
    return {"root": io.BytesIO(), "boot": io.BytesIO()} if chosen.boot else {"root": io.BytesIO()}


def sorting_pass(data, chosen, tmp_path):
    """(bytes of each tarball, counts) of repack, which reads the export from a file."""
    source, outputs = tmp_path / "export.tar", outputs_for(chosen)
    source.write_bytes(data)
    counts = repack(str(source), outputs, chosen)
    return {where: out.getvalue() for where, out in outputs.items()}, counts


def one_pass(data, chosen):
    outputs = outputs_for(chosen)
    counts = repack_sorted(io.BytesIO(data), outputs, chosen)
    return {where: out.getvalue() for where, out in outputs.items()}, counts


def members(tarball):
    """name -> (TarInfo, content) of a tarball's bytes, in its order."""
    with tarfile.open(fileobj=io.BytesIO(tarball)) as tar:
        return {m.name: (m, tar.extractfile(m).read() if m.isreg() else None) for m in tar.getmembers()}


@pytest.mark.parametrize("chosen", [selection(), selection(boot=False), selection(exclude=[], include=[])],
                         ids=["boot split", "one tarball", "nothing excluded"])
def test_one_pass_over_a_sorted_stream_writes_what_the_sorting_pass_writes(chosen, tmp_path):
    data = stream(SYSTEM)
    assert one_pass(data, chosen) == sorting_pass(data, chosen, tmp_path)
    root = members(one_pass(data, chosen)[0]["root"])
    assert list(root)[0] == "." and root["./etc/hostname"][1] == b"stage4\n" and "./etc/zz-new" in root
    assert root["./usr/bin/dpkg-link"][0].linkname == "./usr/bin/dpkg"
    assert root["./dev"][0].mtime == 0 and "./dev/console" not in root
    assert "./usr/share/doc/dpkg/copyright" in root and "./kantoo/stage4.tar" not in root
    assert ("./boot/vmlinuz" in root) is not chosen.boot


@pytest.mark.parametrize("entries, chosen", [
    (SYSTEM[:3] + SYSTEM[4:5] + SYSTEM[3:4] + SYSTEM[5:], selection()),
    (SYSTEM + SYSTEM[-1:], selection()),
    (SYSTEM, selection(exclude=["/usr/bin/dpkg"])),
    (SYSTEM, selection(boot=False, leave_out=["/usr/bin/dpkg/x"])),
    (SYSTEM[:1] + [("./a-file", "file", b"a\n")] + SYSTEM[1:4] + [("./boot/vmlinuz-link", "link", "./a-file")]
     + SYSTEM[4:], selection()),
], ids=["out of order", "a name twice", "a hard link's target left out", "a hard link's target's mtime fixed",
        "a hard link in the other tarball"])
def test_what_only_the_sorting_pass_can_place_stops_the_one_pass(entries, chosen, tmp_path):
    """The sorting pass gives the first kept path of a group of hard links the data, and the target its own
    mtime: a one pass that had gone past the target would write other bytes."""
    data = stream(entries)
    with pytest.raises(Unsorted):
        one_pass(data, chosen)
    root = members(sorting_pass(data, chosen, tmp_path)[0]["root"])
    assert list(root) == sorted(root, key=lambda name: _sort_key(absolute(name)))
    assert [content for name, (_m, content) in root.items() if name.startswith("./usr/bin/dpkg") and content] \
        == [b"dpkg\n" * 5000], "one of the hard links carries the data"


def test_a_shuffled_stream_gives_the_sorting_pass_the_bytes_of_the_sorted_one(tmp_path):
    entries = [entry for entry in SYSTEM if entry[2] != "./usr/bin/dpkg"]
    random.Random(7).shuffle(entries)
    entries.append(("./usr/bin/dpkg-link", "link", "./usr/bin/dpkg"))  # a hard link follows its target
    with pytest.raises(Unsorted):
        one_pass(stream(entries), selection())
    assert sorting_pass(stream(entries), selection(), tmp_path) == one_pass(stream(SYSTEM), selection())


def test_names_sort_component_by_component():
    paths = [absolute(name) for name, _kind, _extra in SYSTEM]
    assert paths == sorted(paths, key=_sort_key) and paths.index("/etc-other") > paths.index("/etc/passwd")


def test_the_chunk_reader_returns_exactly_what_is_asked_across_chunks():
    data = bytes(range(256)) * 40
    chunks = [data[i:i + 1000] for i in range(0, len(data), 1000)]
    reader, got = _Chunks(iter(chunks)), []
    for size in (1, 999, 1000, 1, 2500, 3):
        got.append(reader.read(size))
        assert len(got[-1]) == size
    got.append(reader.read())
    assert b"".join(got) == data and reader.read(10) == b""


def test_read_ahead_gives_the_chunks_in_order_and_raises_what_the_stream_raised():
    def broken():
        yield b"one"
        yield b"two"
        raise OSError("the engine went away")

    with _ReadAhead(broken()) as chunks:
        got = []
        with pytest.raises(OSError, match="went away"):
            for chunk in chunks:
                got.append(chunk)
    assert got == [b"one", b"two"]


def test_leaving_read_ahead_early_stops_the_reading_and_closes_the_stream():
    closed = threading.Event()

    def endless():
        try:
            while True:
                yield b"x" * 1024
        finally:
            closed.set()

    with _ReadAhead(endless()) as chunks:
        assert next(iter(chunks)) == b"x" * 1024
    assert closed.wait(5), "the stream is closed when the block is left"


class Engine:
    """The one call of the engine's that re-packing makes: export, a container's file system in chunks."""

    def __init__(self, data):
        self.data, self.exports = data, 0

    def export(self, _container, chunk_size):
        """A generator, as the client's: closing it ends the request."""
        self.exports += 1
        for start in range(0, len(self.data), chunk_size):
            yield self.data[start:start + chunk_size]


@pytest.mark.parametrize("shuffled", [False, True], ids=["sorted: one export", "shuffled: exported again"])
def test_the_action_writes_the_same_tarballs_and_digests_whatever_the_engine_s_order(shuffled, tmp_path):
    entries = [entry for entry in SYSTEM if entry[1] != "link"]
    if shuffled:
        random.Random(3).shuffle(entries)
    engine = Engine(stream(entries))
    files = {where: _Hashing(open(tmp_path / where, "wb")) for where in ("root", "boot")}
    counts = _repack(engine, "box", files, selection(), str(tmp_path))
    for out in files.values():
        out.close()
    assert engine.exports == (2 if shuffled else 1)
    expected = one_pass(stream([entry for entry in SYSTEM if entry[1] != "link"]), selection())
    assert ({where: (tmp_path / where).read_bytes() for where in files}, counts) == expected
    assert files["root"].digest.hexdigest() == hashlib.sha256(expected[0]["root"]).hexdigest()
    assert not (tmp_path / "export.tar").exists() or shuffled
