#!/usr/bin/env python3
"""The original kantoo devkit against ours: the four-step hello world tree, cold and warm, in the same run.

Not a test: it prints the times and the ratio original / kantoo, with the target (>= 5x cold).
  python bench/original.py --original PATH [--python PYTHON]   (or KANTOO_ORIGINAL, KANTOO_ORIGINAL_PYTHON)
PATH is a checkout of github.com/d4g33z/kantoo-devkit, never vendored here; PYTHON has its requirements.txt.
The original runs on a copy in a temporary directory, changed as little as it can be:
  OS        a name of its own in the tree, so no image is shared with anyone
  base      the stalk's DOCKER_INIT_IMG is BASE: the original prefixes it with <OS>/<ARCH>/<SUBARCH>/, so BASE gets
            that name as an extra tag, untagged at the end (BASE itself is never removed)
  README    logs/ and the sysroot link that lets its python plugins import lib/python/kantoo in the container
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import docker

from bench import BASE, ROUNDS, remove_repositories, timed
from compare import kantoo

URL = "https://github.com/d4g33z/kantoo-devkit.git"
TREE = "trees/hello_world/hello_world.hjson"
STALK = "hello_world"
TARGET = 5.0


def how_to_get_it():
    print("The original is not measured: give a checkout of it with --original PATH (or KANTOO_ORIGINAL):\n"
          "  git clone %s /tmp/kantoo-devkit\n"
          "  python3 -m venv /tmp/kantoo-devkit-venv\n"
          "  /tmp/kantoo-devkit-venv/bin/pip install -r /tmp/kantoo-devkit/requirements.txt\n"
          "  %s bench/original.py --original /tmp/kantoo-devkit --python /tmp/kantoo-devkit-venv/bin/python"
          % (URL, sys.executable))


def copy_checkout(original, directory):
    """The checkout without its .git, logs, tmpfs or a virtualenv at its top."""
    def ignore(folder, names):
        return [n for n in names if Path(folder) == original
                and (n in (".git", "logs", "tmpfs") or (Path(folder, n, "pyvenv.cfg").exists()))]
    copy = directory / "kantoo-devkit"
    shutil.copytree(original, copy, symlinks=True, ignore=ignore)
    (copy / "logs").mkdir()  # the stalker opens logs/eliot.txt before anything else
    link = copy / "lib/sysroot/entropy/plugins/kantoo"  # bound to /entropy/plugins/kantoo, next to the plugins
    if not os.path.lexists(link):
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to("../../../../lib/python/kantoo")
    return copy


def configure(tree, os_name):
    """Set the tree's OS and the stalk's initial image; returns <OS>/<ARCH>/<SUBARCH> and that image's name."""
    text = tree.read_text()
    arch, subarch = (re.search(r"^\s*%s:\s*(\S+)" % key, text, re.M).group(1) for key in ("ARCH", "SUBARCH"))
    initial = BASE.rsplit("/", 1)[-1]  # e.g. debian:bookworm, under the tree's <OS>/<ARCH>/<SUBARCH>/
    initial = initial if ":" in initial else initial + ":latest"  # the original asserts a tag
    text = re.sub(r"^\s*DOCKER_INIT_IMG:.*\n", "", text, flags=re.M)
    text, found_os = re.subn(r"^(\s*OS:\s*)\S+", r"\g<1>" + os_name, text, count=1, flags=re.M)
    text, found_stalk = re.subn(r"^(\s*%s:\s*\{\n)" % STALK, r"\g<1>        DOCKER_INIT_IMG: %s\n" % initial,
                                text, count=1, flags=re.M)
    if not (found_os and found_stalk):
        raise SystemExit("original.py: no OS or no %s stalk in %s" % (STALK, tree))
    tree.write_text(text)
    return "%s/%s/%s" % (os_name, arch, subarch), initial


def clean(client, os_name, made):
    """Containers a failed step left, every tag under <OS>/ (BASE only loses its extra tag), then the cold
    run's images, which the warm run untagged, newest first; never an image that still has a tag."""
    for box in client.containers.list(all=True):
        if box.attrs["Config"]["Image"].startswith(os_name + "/"):
            box.remove(force=True)
    remove_repositories(client, os_name)
    for image_id in sorted(made, key=lambda i: made[i], reverse=True):
        try:
            if not client.images.get(image_id).tags:
                client.images.remove(image_id)
        except docker.errors.NotFound:
            pass  # removed with its child already
        except docker.errors.APIError as error:
            if error.status_code != 409:
                raise  # 409: an image of someone else's that the original reused, which other images need


def steps_ran(copy):
    """The original exits 0 whatever its steps do: a run counts when each step logged and none raised."""
    logs = list((copy / "logs" / STALK).glob("*.txt"))
    return logs and not any("Traceback" in log.read_text() for log in logs)


def original_times(client, original, python, scratch):
    """Cold then warm seconds of the original's hello world tree, each None when the stalker failed."""
    os_name = "kantoo-original-" + uuid.uuid4().hex[:8]
    copy = copy_checkout(original, scratch)
    prefix, initial = configure(copy / TREE, os_name)
    (scratch / "tmp").mkdir()  # the original's mkstemp/mkdtemp files, removed with the scratch directory
    args = ["env", "TMPDIR=%s" % (scratch / "tmp"), python, "stalker", "--config", TREE]
    base_id = client.images.get(BASE).id
    times, made = [], {}
    client.api.tag(BASE, prefix + "/" + initial.split(":")[0], initial.split(":")[1])
    try:
        for _ in ("cold", "warm"):
            shutil.rmtree(copy / "logs" / STALK, ignore_errors=True)
            try:
                elapsed = timed(args, copy)
            except subprocess.CalledProcessError:
                elapsed = None
            times.append(elapsed if steps_ran(copy) else None)
            images = client.images.list(prefix + "/" + STALK)
            made.update({image.id: image.attrs["Created"] for image in images if image.id != base_id})
    finally:
        clean(client, os_name, made)
    return tuple(times)


def seconds(value):
    return "%.2fs" % value if value is not None else "failed"


def ratio(original, ours):
    return "%.1fx" % (original / ours) if original and ours else "n/a"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--original", default=os.environ.get("KANTOO_ORIGINAL"), help="a checkout of " + URL)
    parser.add_argument("--python", default=os.environ.get("KANTOO_ORIGINAL_PYTHON") or sys.executable,
                        help="a Python with the original's requirements.txt installed")
    options = parser.parse_args()
    if not options.original:
        how_to_get_it()
        return
    original = Path(options.original).resolve()
    if subprocess.run([options.python, "-c", "import click, docker, eliot, hjson"], capture_output=True).returncode:
        raise SystemExit("original.py: %s lacks the original's requirements: pip install -r %s/requirements.txt"
                         % (options.python, original))
    client = docker.from_env()
    scratch = Path(tempfile.mkdtemp(prefix="kantoo-original-"))
    try:
        (scratch / "original").mkdir()
        for n in range(ROUNDS):
            (scratch / ("kantoo-%d" % n)).mkdir()
        # ours is the short, noisy number: the median of ROUNDS runs, one of them right after the original's
        ours = [kantoo(client, scratch / ("kantoo-%d" % n)) for n in range(ROUNDS // 2)]
        theirs = original_times(client, original, options.python, scratch / "original")
        ours += [kantoo(client, scratch / ("kantoo-%d" % n)) for n in range(ROUNDS // 2, ROUNDS)]
        ours = tuple(median([run[phase] for run in ours]) for phase in (0, 1))
    finally:
        shutil.rmtree(scratch)
    print("%-48s %8s %8s" % ("hello_world tree, 4 steps, on %s" % BASE, "cold", "warm"))
    print("%-48s %8s %8s" % ("original (./stalker, 4 exec plugins)", *map(seconds, theirs)))
    print("%-48s %8s %8s" % ("kantoo (playbooks/hello_world.yml), median of %d" % ROUNDS, *map(seconds, ours)))
    print("%-48s %8s %8s" % ("original / kantoo", ratio(theirs[0], ours[0]), ratio(theirs[1], ours[1])))
    met = theirs[0] and ours[0] and theirs[0] / ours[0] >= TARGET
    print("target: original / kantoo >= %gx cold: %s" % (TARGET, "met" if met else "NOT met"))
    print("load average at the end: %.1f (1 min), on %d CPUs" % (os.getloadavg()[0], os.cpu_count()))


if __name__ == "__main__":
    main()
