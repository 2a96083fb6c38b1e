"""Scratch projects for tests: roles and trees written by the test itself."""

import io
import json
import tarfile
import textwrap
import time

import yaml

from conftest import playbook


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip())
    return path


def make_role(project, name, steps, defaults=None, files=None):
    """A stalk role: steps maps each step name to its list of tasks; files maps role paths to contents."""
    role = project / "roles" / name
    main = [{"name": "Step " + step, "ansible.builtin.import_tasks": step + ".yml"} for step in steps]
    write(role / "tasks" / "main.yml", yaml.safe_dump(main, sort_keys=False))
    for step, tasks in steps.items():
        write(role / "tasks" / (step + ".yml"), yaml.safe_dump(tasks, sort_keys=False))
    if defaults:
        write(role / "defaults" / "main.yml", yaml.safe_dump(defaults))
    for relative, text in (files or {}).items():
        write(role / relative, text)
    (project / "stalks").mkdir(exist_ok=True)
    return role


def make_tree(project, os_name, stalks, name="tree"):
    """A tree file: architecture from os_name, stalks as a JSON-able mapping."""
    tree = {"architecture": {"OS": os_name, "ARCH": "amd64", "SUBARCH": "bookworm"},
            "paths": {"LOG_DIR": "logs"}, "stalks": stalks}
    return write(project / (name + ".hjson"), json.dumps(tree, indent=2))


def grow(tree, *args, check=True, **env):
    return playbook("playbooks/grow.yml", "-i", tree, *args, check=check, **env)


def tags(client, os_name, stalk, arch="amd64", subarch="bookworm"):
    """tag -> image id of one stalk's repository."""
    repository = "%s/%s/%s/%s" % (os_name, arch, subarch, stalk)
    return {t.rsplit(":", 1)[1]: i.id for i in client.images.list(repository) for t in i.tags
            if t.startswith(repository + ":")}


def created_containers(client, since, images=None, os_name=None):
    """Containers created since a time.time(); the engine takes fractions of a second as 'seconds.nanos'.
    images: only those started from these images (names, ids, or repository prefixes ending in '/'); os_name:
    only step containers of the test's own repositories; since other runs may share the engine."""
    events = client.events(since="%.9f" % since, until=int(time.time()) + 1, decode=True,
                           filters={"type": "container", "event": "create"})
    return [e for e in events if (images is None or any(
        e.get("from") == i or (i.endswith("/") and e.get("from", "").startswith(i)) for i in images)) and (
        os_name is None or e["Actor"]["Attributes"].get("kantoo.devkit.repository", "").startswith(os_name + "/"))]


def step_containers(client, os_name):
    """The step containers of the test's own repositories, running or not."""
    return [c for c in client.containers.list(all=True, ignore_removed=True, filters={"label": "kantoo.devkit.repository"})
            if c.labels["kantoo.devkit.repository"].startswith(os_name + "/")]


def until(predicate, timeout=15):
    """Whether predicate() came true within timeout seconds."""
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            return False
        time.sleep(0.2)
    return True


def copy_task(dest, content):
    return {"name": "Write " + dest, "ansible.builtin.copy": {"dest": dest, "content": content, "mode": "0644"}}


def deep_image(client, base, layers, repository):
    """An image with at least `layers` layers, one small file each, made without running anything."""
    image = base
    for number in range(layers):
        container = client.api.create_container(image, entrypoint=["/bin/true"])["Id"]
        data = io.BytesIO()
        with tarfile.open(fileobj=data, mode="w") as tar:
            info = tarfile.TarInfo("layer-%03d" % number)
            info.size = 0
            tar.addfile(info)
        client.api.put_archive(container, "/", data.getvalue())
        image = client.api.commit(container, conf={"Entrypoint": []})["Id"]  # not /bin/true
        client.api.remove_container(container)
    client.api.tag(image, repository, "deep")
    return "%s:deep" % repository
