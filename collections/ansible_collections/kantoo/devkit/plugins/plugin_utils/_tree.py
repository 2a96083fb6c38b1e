# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading a kantoo tree: hjson with clear errors, stalk manifests, precedence.

A tree file (seed format) has ``architecture``, ``paths``, ``globals`` (variables
for every stalk) and ``stalks``, nested stalk nodes.  In a node, ALL-CAPS keys
are variables for that stalk and its descendants, whatever their value; other keys holding a
mapping are child stalks, and the rest are options (``pretend``, ``skip_until``, ...).
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlparse

from ansible_collections.kantoo.devkit.plugins.module_utils._names import (
    FAILED_SUFFIX, FINAL_TAG, INITIAL_TAG, image, repository as repository_of)
from ansible_collections.kantoo.devkit.plugins.module_utils._registry import registry_problem

try:
    import hjson
except ImportError:  # reported by load_hjson, so that the message says what to do
    hjson = None


class TreeError(Exception):
    """Bad input, with one message that names the file and the key."""


TREE_SECTIONS = ("architecture", "paths", "globals")
NODE_OPTIONS = ("pretend", "skip_until", "interactive")
# Variables that belong to one node only: a child starts from its parent's final.
NODE_LOCAL_VARIABLES = ("DOCKER_INIT_IMG",)
# Docker's reference grammar (github.com/distribution/reference): a path component, a registry host, a tag.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?"
_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
COMPONENT_RE = re.compile(r"^%s$" % _COMPONENT)
REPOSITORY_RE = re.compile(r"^%s(?:/%s)*$" % (_COMPONENT, _COMPONENT))
REFERENCE_RE = re.compile(r"^(?P<name>(?:%s/)?%s(?:/%s)*)(?::%s)?(?:@%s)?$"
                          % (_DOMAIN, _COMPONENT, _COMPONENT, _TAG, _DIGEST))
TAGGED_RE = re.compile(r"(?::%s|@%s)$" % (_TAG, _DIGEST))
# A step's name is a tag, and so is '<step>-failed', the tag of its failure: 128 - len('-failed') characters at most.
STEP_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,%d}$" % (127 - len(FAILED_SUFFIX)))


def is_variable(key):
    """The seed's rule: a key written in capitals is a variable."""
    return isinstance(key, str) and key == key.upper() and any(c.isalpha() for c in key)


def load_hjson(path):
    """Load a hjson file keeping key order, or raise TreeError naming file, line and column."""
    if hjson is None:
        raise TreeError("the Python package 'hjson' is missing: install it with 'pip install hjson'")
    try:
        with open(path, encoding="utf-8") as handle:
            return hjson.load(handle)
    except OSError as exc:
        raise TreeError("%s: cannot read the file: %s" % (path, exc.strerror))
    except hjson.HjsonDecodeError as exc:
        raise TreeError("%s:%d:%d: hjson syntax error: %s" % (path, exc.lineno, exc.colno, exc.msg))


def project_dir(tree_file):
    """The nearest ancestor of the tree file that holds a stalks/ directory, else the file's own directory."""
    start = os.path.dirname(os.path.abspath(tree_file))
    here = start
    while True:
        if os.path.isdir(os.path.join(here, "stalks")):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return start
        here = parent


def log_dir(stalk_vars):
    """{LOG_DIR} of a stalk's host variables, relative to the tree's project; logs/ when the tree sets none."""
    variables = stalk_vars.get("kantoo_variables") or {}
    return os.path.join(stalk_vars.get("kantoo_project_dir", "."), str(variables.get("LOG_DIR") or "logs"))


def manifest_path(project, stalk):
    return os.path.join(project, "stalks", stalk, stalk + ".hjson")


def load_manifest(path):
    """A stalk file: its variables, container options, env and plugins. Missing file: empty manifest."""
    if not os.path.exists(path):
        return {"path": None, "variables": {}, "docker_opts": {}, "env": {}, "plugins": {}}
    data = load_hjson(path)
    if not isinstance(data, dict):
        raise TreeError("%s: a stalk file must be a mapping" % path)
    for key in ("DOCKER_OPTS", "envplugins", "plugins"):
        if not isinstance(data.get(key) or {}, dict):
            raise TreeError("%s: key '%s' must be a mapping" % (path, key))
    docker_opts = dict(data.get("DOCKER_OPTS") or {})
    env = environment(docker_opts.get("environment"), path)
    env.update({k: str(v) for k, v in (data.get("envplugins") or {}).items()})
    return {
        "path": path,
        "variables": {k: v for k, v in data.items() if is_variable(k) and k != "DOCKER_OPTS"},
        "docker_opts": docker_opts,
        "env": env,
        "plugins": data.get("plugins") or {},
    }


def environment(value, where):
    """DOCKER_OPTS.environment, a mapping or a list of NAME=value, as a mapping."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {k: str(v) for k, v in value.items()}
    if isinstance(value, list) and all(isinstance(v, str) and "=" in v for v in value):
        return dict(v.split("=", 1) for v in value)
    raise TreeError("%s: DOCKER_OPTS.environment must be a mapping or a list of NAME=value" % where)


def _section(tree, name, tree_file):
    value = tree.get(name) or {}
    if not isinstance(value, dict):
        raise TreeError("%s: key '%s' must be a mapping of variables" % (tree_file, name))
    return value


def walk_nodes(node, tree_file, parent=None, inherited=None, keychain="stalks"):
    """Yield (name, node, parent, overrides, key) parent before child, overrides from the ancestors down."""
    inherited = inherited or {}
    for name, child in node.items():
        if is_variable(name):  # the seed's rule: an ALL-CAPS key is a variable, even when it holds a mapping
            continue
        if not isinstance(child, dict):
            if name in NODE_OPTIONS:
                continue
            raise TreeError("%s: key '%s.%s' is neither a variable (ALL-CAPS), an option (%s) nor a stalk"
                            % (tree_file, keychain, name, ", ".join(NODE_OPTIONS)))
        own = {k: v for k, v in child.items() if is_variable(k)}
        overrides = dict((k, v) for k, v in inherited.items() if k not in NODE_LOCAL_VARIABLES)
        overrides.update(own)
        check_stalk_name(name, tree_file, keychain + "." + name)
        yield name, child, parent, overrides, keychain + "." + name
        yield from walk_nodes(child, tree_file, name, overrides, keychain + "." + name)


def check_stalk_name(name, tree_file, key):
    """A stalk's name is the last component of its image repository and part of its containers' names."""
    if not COMPONENT_RE.match(name):
        raise TreeError("%s: key '%s': stalk name '%s' cannot be part of a Docker image or container name; "
                        "rename the stalk (and its role and stalk file) using lowercase letters and digits, "
                        "separated by a single '.' or '_', by '__', or by '-'" % (tree_file, key, name))


def check_step_name(name, where):
    """A step's name becomes the tag of its image (and '<step>-failed' the tag of its failure)."""
    if not isinstance(name, str) or not STEP_RE.match(name):
        raise TreeError("%s: step name '%s' cannot be a Docker image tag (nor '%s%s'); rename it using letters, "
                        "digits, '_', '.' and '-', starting with a letter, digit or '_', at most %d characters"
                        % (where, name, name, FAILED_SUFFIX, 128 - len(FAILED_SUFFIX)))


KINDS = ((bool, "a boolean"), ((int, float), "a number"), (list, "a list"), (dict, "a mapping"))


def kind(value):
    """What a value is, in words; hjson gives OrderedDicts and bools are ints."""
    return next((words for types, words in KINDS if isinstance(value, types)), "not a string")


def initial_image(value, variables, where):
    """The image a DOCKER_INIT_IMG names, checked against Docker's reference format."""
    example = "such as 'stage3:final' (relative to {OS}/{ARCH}/{SUBARCH}/) or 'kantoo/debian:bookworm'"
    if not isinstance(value, str):
        raise TreeError("%s is %s; write one image as a string, %s" % (where, kind(value), example))
    if not TAGGED_RE.search(value):
        raise TreeError("%s '%s' needs a tag, as in 'stage3:final'" % (where, value))
    reference = image_reference(value, variables)
    if not REFERENCE_RE.match(reference) or len(REFERENCE_RE.match(reference).group("name")) > 255:
        raise TreeError("%s '%s' is not a valid Docker image reference (%s); write lowercase 'name:tag', %s"
                        % (where, value, reference, example))
    return reference


# DOCKER_HOST: the engine a stalk's containers, tasks and commits use; as the docker CLI takes it.
ENGINE_SCHEMES = ("unix", "tcp", "ssh", "http", "https")


def engine_of(value, where):
    """A DOCKER_HOST of the tree, checked: '' (or none) for the controller's engine, else an engine's URL."""
    if value in (None, ""):
        return ""
    example = ("write unix:///path/to/docker.sock, tcp://host:2376, ssh://user@host or https://host:2376, or "
               "remove the key to use the controller's engine")
    if not isinstance(value, str):
        raise TreeError("%s is %s; %s" % (where, kind(value), example))
    parsed = urlparse(value)
    if parsed.scheme not in ENGINE_SCHEMES or not (parsed.path if parsed.scheme == "unix" else parsed.hostname):
        raise TreeError("%s '%s' is not the URL of a Docker engine; %s" % (where, value, example))
    return value


def tree_registry(tree, tree_file):
    """The tree's REGISTRY (host:port[/prefix], in globals), checked; '' when it has none."""
    for section in reversed(TREE_SECTIONS):
        value = _section(tree, section, tree_file).get("REGISTRY")
        if value in (None, ""):
            continue
        problem = registry_problem(value)
        if problem:
            raise TreeError("%s: %s.REGISTRY '%s' is not a registry: %s; write host:port, such as 127.0.0.1:5000, "
                            "optionally followed by /prefix" % (tree_file, section, value, problem))
        return value
    return ""


def image_reference(value, variables):
    """The seed's DOCKER_INIT_IMG: 'stalk:tag' is relative to {OS}/{ARCH}/{SUBARCH}/, a value with a '/' is a full reference."""
    if "/" in value:
        return value
    return repository_of(variables, value)  # 'stage3:final': the stalk stage3's repository, with the tag


def ancestors_of(parent, stalks):
    """Names of the ancestors of a stalk whose parent is parent, nearest first."""
    by_name = {s["name"]: s for s in stalks}
    return [parent] + by_name[parent]["ancestors"] if parent else []


def read_tree(tree_file):
    """Every stalk of a tree, parent before child, with its merged configuration.

    Precedence, low to high: stalk file, architecture, paths, globals, ancestors' nodes, the node.
    """
    tree = load_hjson(tree_file)
    if not isinstance(tree, dict) or not isinstance(tree.get("stalks"), dict):
        raise TreeError("%s: a tree needs a 'stalks' mapping at the top level" % tree_file)
    tree_name = os.path.splitext(os.path.basename(tree_file))[0]
    project = project_dir(tree_file)
    common = {}
    for section in TREE_SECTIONS:
        common.update(_section(tree, section, tree_file))
        if "DOCKER_HOST" in common:
            engine_of(common["DOCKER_HOST"], "%s: %s.DOCKER_HOST" % (tree_file, section))
    registry = tree_registry(tree, tree_file)
    stalks = []
    repositories = {}
    for name, node, parent, overrides, node_key in walk_nodes(tree["stalks"], tree_file):
        if "REGISTRY" in node:  # a child pulls what its parent pushed: one registry for the whole tree
            raise TreeError("%s: %s.REGISTRY: a tree has one registry; set REGISTRY in its globals"
                            % (tree_file, node_key))
        if name in repositories:
            raise TreeError("%s: stalk '%s' appears twice; stalk names must be unique" % (tree_file, name))
        manifest = load_manifest(manifest_path(project, name))
        variables = dict(manifest["variables"])
        variables.update(common)
        variables.update(overrides)
        where = "%s: stalk '%s'" % (tree_file, name)
        for key in ("OS", "ARCH", "SUBARCH"):
            if variables.get(key) in (None, ""):
                raise TreeError("%s: variable %s is not set; set it under 'architecture'" % (where, key))
        repository = repository_of(variables, name)
        if not REPOSITORY_RE.match(repository):
            raise TreeError("%s: image repository '%s' (from OS/ARCH/SUBARCH and the stalk name) is not a valid "
                            "Docker name; use lowercase letters, digits, '.', '_' and '-'" % (where, repository))
        repositories[name] = repository
        if node.get("DOCKER_INIT_IMG") not in (None, ""):
            initial = initial_image(node["DOCKER_INIT_IMG"], variables,
                                    "%s: %s.DOCKER_INIT_IMG" % (tree_file, node_key))
        elif manifest["variables"].get("DOCKER_INIT_IMG") not in (None, ""):
            initial = initial_image(manifest["variables"]["DOCKER_INIT_IMG"], variables,
                                    "%s: DOCKER_INIT_IMG" % manifest["path"])
        elif parent is not None:
            initial = image(repositories[parent], FINAL_TAG)
        else:
            # the seed's rule: a root starts from its own repository's initial, a base image made beforehand
            initial = image(repository, INITIAL_TAG)
        variables.pop("DOCKER_INIT_IMG", None)
        variables.pop("REGISTRY", None)  # where images are pushed: no step's input, as kantoo_registry
        # the engine is where a step runs, not one of its inputs: no step sees it, no cache key holds it
        if "DOCKER_HOST" in node:
            engine_of(node["DOCKER_HOST"], "%s: %s.DOCKER_HOST" % (tree_file, node_key))
        docker_host = engine_of(variables.pop("DOCKER_HOST", ""), "%s: DOCKER_HOST" % manifest["path"])
        stalks.append({
            "name": name,
            "parent": parent,
            "ancestors": ancestors_of(parent, stalks),
            "tree": tree_name,
            "tree_file": os.path.abspath(tree_file),
            "project_dir": project,
            "manifest": manifest["path"],
            "variables": variables,
            "docker_opts": manifest["docker_opts"],
            "env": manifest["env"],
            "repository": repository,
            "initial_image": initial,
            "pretend": bool(node.get("pretend", False)),
            "skip_until": node.get("skip_until") or "",
            "docker_host": docker_host,
            "registry": registry,
        })
    if not stalks:
        raise TreeError("%s: key 'stalks' holds no stalk; add one, such as 'stalks: { hello_world: {} }', "
                        "or remove the file from the inventory" % tree_file)
    return tree_name, stalks
