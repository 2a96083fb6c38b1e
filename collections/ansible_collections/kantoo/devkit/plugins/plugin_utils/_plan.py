# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a stalk has to do: its steps (a Source, see source.py), which of them are already images, and what is
left to run (a Plan).

These are the types planning works with; they become dicts only where they cross into YAML: Plan.as_dict() is
what kantoo.devkit.stalk_plan returns, each step to run is one Step.as_dict() of it, and step_container reads
that back with Step.from_dict().
"""

from __future__ import annotations

import dataclasses
import json

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import find_image, tag_image
from ansible_collections.kantoo.devkit.plugins.module_utils._names import (
    FAILED_LABEL, FINAL_TAG, INITIAL_TAG, INPUTS_LABEL, KEY_LABEL, REPOSITORY_LABEL, RUN_LABEL, STALK_LABEL,
    STEP_LABEL, TREE_LABEL, failed_tag, image)
from ansible_collections.kantoo.devkit.plugins.plugin_utils._cache import (
    artifacts_gone, cache_key, explain_miss, find_cached)
from ansible_collections.kantoo.devkit.plugins.plugin_utils._inputs import sha256
from ansible_collections.kantoo.devkit.plugins.plugin_utils._reuse import forced_from, reused_by_tag, tagged_image
from ansible_collections.kantoo.devkit.plugins.plugin_utils._shared import SharedCache
from ansible_collections.kantoo.devkit.plugins.plugin_utils._stalk_config import will_create
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


@dataclasses.dataclass(frozen=True)
class Step:
    """One step of a stalk: what it runs and reads and, once planned, the image it starts from."""

    name: str
    stalk: str
    tree: str
    repository: str
    inputs: dict  # what the step reads, as digests (source.py); with its parent image, its cache key
    last: bool = False  # its image is the stalk's final one too
    # an exec plugin of a seed-format stalk file (a role's step is its task file of the same name)
    interpreter: str = ""
    script: str = ""
    env: dict = dataclasses.field(default_factory=dict)
    daemonize: bool = False  # its container goes on running
    skip: bool = False  # taken by its tag, not run
    # set by the plan for a step to run: its parent, an image id or the tag the step before it commits in
    # this run; and the parent's id when it is known at plan time (no step before it runs)
    parent: str = ""
    parent_id: str | None = None
    digest: str = ""  # of inputs; computed when not given

    def __post_init__(self):
        if not self.digest:
            object.__setattr__(self, "digest", sha256(json.dumps(self.inputs, sort_keys=True)))

    @property
    def tag(self):
        return self.name

    @property
    def extra_tags(self):
        return [FINAL_TAG] if self.last else []

    @property
    def failed_tag(self):
        return failed_tag(self.name)

    def planned(self, parent, parent_id):
        """This step, to run from parent (parent_id None when the parent is not built yet)."""
        return dataclasses.replace(self, parent=parent, parent_id=parent_id)

    def key(self, parent_id):
        """The cache key of this step started from the image parent_id."""
        return cache_key(parent_id, self.digest)

    def labels(self, parent_id=None):
        """The labels of the step's image, its cache key among them; parent_id: the image it started from, by
        default the one the plan knew.  Keys are chained on image ids, so a step whose parent is built in the
        same run gets its labels once that image exists."""
        parent_id = parent_id or self.parent_id
        if not parent_id:
            raise ValueError("step '%s': no labels before its parent image is built" % self.name)
        return {
            KEY_LABEL: self.key(parent_id),
            INPUTS_LABEL: json.dumps(dict(self.inputs, parent=parent_id), sort_keys=True),
            REPOSITORY_LABEL: self.repository,
            TREE_LABEL: self.tree,
            STALK_LABEL: self.stalk,
            STEP_LABEL: self.name,
            # the image must not name the run: Docker would give that label to every container started from it
            RUN_LABEL: "",
        }

    def failed_labels(self, parent_id=None):
        """The labels of the image a failed step leaves: no cache key, a failed step is never reused."""
        return dict(self.labels(parent_id), **{KEY_LABEL: "", FAILED_LABEL: "true"})

    def as_dict(self):
        data = dataclasses.asdict(self)
        if self.parent_id:
            data.update(key=self.key(self.parent_id), labels=self.labels())
        return data

    @classmethod
    def from_dict(cls, data):
        names = {field.name for field in dataclasses.fields(cls)}
        return cls(**{name: value for name, value in data.items() if name in names})


@dataclasses.dataclass
class Source:
    """A stalk's steps, in order, and the config of its containers (stalk_config.container_config, with a seed
    stalk's rendered files mounted); mode is role or seed, where the steps come from."""

    mode: str
    steps: list
    container: dict

    @property
    def names(self):
        return [step.name for step in self.steps]


@dataclasses.dataclass
class Plan:
    """Which steps of a stalk are reused, which run, and why."""

    source: Source
    initial_image: str | None  # its id; None in check mode, while the parent stalk is still to build it
    cached: list = dataclasses.field(default_factory=list)  # the steps reused, from the cache or by tag
    images: dict = dataclasses.field(default_factory=dict)  # step -> the id of the image reused
    todo: list = dataclasses.field(default_factory=list)  # the Steps to run, each with its parent
    explain: list = dataclasses.field(default_factory=list)  # per step, "<step>: cached" or why not
    image: str | None = None  # the image reused last: final, when no step runs after it
    creates: list = dataclasses.field(default_factory=list)  # rw directories its first container makes
    push: list = dataclasses.field(default_factory=list)  # what the registry lacks, for kantoo.devkit.image_push

    def reuse(self, step, image_id):
        self.cached.append(step)
        self.images[step] = self.image = image_id

    def as_dict(self):
        container = self.source.container
        return {"mode": self.source.mode, "steps": self.source.names, "cached": self.cached,
                "todo": [step.as_dict() for step in self.todo], "explain": self.explain, "images": self.images,
                "initial_image": self.initial_image, "image": self.image, "creates": self.creates, "push": self.push,
                "container": {"options": container["options"], "mounts": container["mounts"]}}


def plan_stalk(client, stalk, source, force=None, dry=False):
    """Resolve the initial image, reuse every step found in the cache or taken by its tag, and say what is left
    to run; with a registry, the engine's misses are asked there (shared.py).  dry (check mode): find and explain,
    but move no tag and pull nothing."""
    retag = _keep_tags if dry else tag_image
    repository = stalk["kantoo_repository"]
    shared = SharedCache(client, stalk, dry)
    plan = Plan(source, _initial_image(client, stalk, dry, shared))
    if plan.initial_image:
        retag(client, plan.initial_image, repository, INITIAL_TAG)
    by_tag = reused_by_tag(stalk, source)
    first_forced = forced_from(force, stalk["kantoo_stalk"], source.names)
    # what the next step to run starts from: the image reused last, or the tag the step before it commits
    parent, parent_id = plan.initial_image or stalk["kantoo_initial_image"], plan.initial_image
    for number, step in enumerate(source.steps):
        if step.name in by_tag:
            found = tagged_image(client, stalk, step.name, by_tag[step.name])
            why = "reused by tag (%s)" % by_tag[step.name]
        elif parent_id is None and plan.todo:
            found, why = None, "rebuilt, after an earlier step"
        elif number >= first_forced:
            found, why = None, "forced"
        else:
            found, why = _cached(client, step, parent_id, shared)
        plan.explain.append("%s: %s" % (step.name, why))
        if found is None:
            plan.todo.append(step.planned(parent, parent_id))
            parent, parent_id = image(repository, step.name), None
        else:
            retag(client, found, repository, step.name)
            plan.reuse(step.name, found)
            parent = parent_id = found
    if parent_id is not None:  # the last step is not run: final is known now
        retag(client, parent_id, repository, FINAL_TAG)
    plan.creates = will_create(source.container) if plan.todo else []
    plan.push = shared.pushes(plan)
    return plan


def _keep_tags(*_args):
    return False


def _initial_image(client, stalk, dry, shared):
    """The id of the stalk's initial image; None in check mode when its parent stalk would build it first."""
    found = shared.initial(find_image(client, stalk["kantoo_initial_image"]))
    if found is None and not (dry and stalk.get("kantoo_parent")):
        hint = ("build its parent '%s' first" % stalk["kantoo_parent"] if stalk.get("kantoo_parent")
                else "make it first, for example with 'make setup' (kantoo.devkit.base_image)")
        raise TreeError("%s: stalk '%s': its initial image '%s' does not exist; %s"
                        % (stalk["kantoo_tree_file"], stalk["kantoo_stalk"], stalk["kantoo_initial_image"], hint))
    return found


def _cached(client, step, parent_id, shared):
    """The step's image in the cache, the engine's or the registry's, or None; and what to say about it."""
    found = find_cached(client, step.key(parent_id), image(step.repository, step.name)) if parent_id else None
    if found:
        return _unless_artifacts_gone(*found, "cached")
    found = shared.step(step, step.key(parent_id)) if parent_id else None
    if found:
        labels = {} if shared.dry else client.inspect_image(found)["Config"].get("Labels") or {}
        return _unless_artifacts_gone(found, labels, "cached in the registry" if shared.dry
                                      else "cached, pulled from the registry")
    return None, "rebuilt, " + explain_miss(client, image(step.repository, step.name), step.inputs, parent_id)


def _unless_artifacts_gone(found, labels, why):
    gone = artifacts_gone(labels)
    if gone:
        return None, ("rebuilt, what it wrote to %s is gone (the directory is empty or missing, and its image does "
                      "not hold it)" % ", ".join(gone))
    return found, why
