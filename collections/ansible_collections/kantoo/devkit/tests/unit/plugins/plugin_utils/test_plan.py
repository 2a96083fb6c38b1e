"""The plan's types and planning itself, against an engine that lives in a dict: which steps are reused, which run
from what, their cache keys and labels, and what crosses into YAML."""

import json

import pytest

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError
from ansible_collections.kantoo.devkit.plugins.module_utils._names import (
    ARTIFACTS_LABEL, FAILED_LABEL, INPUTS_LABEL, KEY_LABEL, REPOSITORY_LABEL, RUN_LABEL, STALK_LABEL, STEP_LABEL,
    TREE_LABEL)
from ansible_collections.kantoo.devkit.plugins.plugin_utils import _events as events, _shared
from ansible_collections.kantoo.devkit.plugins.plugin_utils._cache import cache_key
from ansible_collections.kantoo.devkit.plugins.plugin_utils._check import up_to_date
from ansible_collections.kantoo.devkit.plugins.plugin_utils._inputs import sha256
from ansible_collections.kantoo.devkit.plugins.plugin_utils._plan import Source, Step, plan_stalk
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError

REPOSITORY = "debian/amd64/bookworm/top"
BASE = "kantoo/debian:bookworm"


class Engine:
    """Images by id, with labels and tags; tags moved are recorded."""

    def __init__(self):
        self.labels, self.created, self.tags, self.moved = {}, {}, {}, []
        self.listings = 0
        self.api = self

    def add(self, image_id, labels=None, *tags):
        self.labels[image_id] = labels or {}
        self.created[image_id] = len(self.created)
        for tag in tags:
            self.tags[tag] = image_id
        return image_id

    def inspect_image(self, reference):
        image_id = self.tags.get(reference, reference)
        if image_id not in self.labels:
            raise EngineError(404, "No such image: %s" % reference)
        return {"Id": image_id, "Config": {"Labels": self.labels[image_id]}, "Created": self.created[image_id]}

    def images(self, all=False, filters=None):  # pylint: disable=redefined-builtin,unused-argument
        self.listings += 1
        name, value = filters["label"].split("=", 1)
        return [{"Id": i, "Created": self.created[i], "Labels": labels} for i, labels in self.labels.items()
                if labels.get(name) == value]

    def tag(self, image, repository, tag="latest", **_ignored):
        self.tags["%s:%s" % (repository, tag)] = image
        self.moved.append(tag)
        return True


def stalk(**extra):
    return dict({"kantoo_stalk": "top", "kantoo_tree": "t", "kantoo_repository": REPOSITORY,
                 "kantoo_initial_image": BASE, "kantoo_tree_file": "t.hjson", "kantoo_parent": None,
                 "kantoo_variables": {}}, **extra)


def step(name, last=False, **extra):
    return Step(name=name, stalk="top", tree="t", repository=REPOSITORY, inputs={"step": name, "files": {"f": name}},
                last=last, **extra)


def source(*names):
    return Source("role", [step(n, last=n == names[-1]) for n in names], {"options": {}, "mounts": [], "files": {}})


def built(engine, image_id, one_step, parent):
    """An image of one_step built on parent, as the commit labels it."""
    return engine.add(image_id, one_step.labels(parent), "%s:%s" % (REPOSITORY, one_step.name))


@pytest.fixture
def engine():
    found = Engine()
    found.add("sha256:base", {}, BASE)
    return found


def test_a_steps_digest_is_that_of_its_inputs_and_its_key_chains_on_the_parent_image_id():
    one = step("one")
    assert one.digest == sha256(json.dumps(one.inputs, sort_keys=True))
    assert one.key("sha256:a") == cache_key("sha256:a", one.digest) == sha256("sha256:a" + one.digest)
    assert one.key("sha256:a") != one.key("sha256:b")


def test_labels_name_the_step_and_keep_its_inputs_with_the_parent():
    labels = step("one").labels("sha256:a")
    assert labels[KEY_LABEL] == step("one").key("sha256:a")
    assert json.loads(labels[INPUTS_LABEL]) == {"step": "one", "files": {"f": "one"}, "parent": "sha256:a"}
    assert (labels[REPOSITORY_LABEL], labels[TREE_LABEL], labels[STALK_LABEL], labels[STEP_LABEL]) == (
        REPOSITORY, "t", "top", "one")
    assert labels[RUN_LABEL] == ""  # an image names no run
    failed = step("one").failed_labels("sha256:a")
    assert failed[KEY_LABEL] == "" and failed[FAILED_LABEL] == "true" and failed[STEP_LABEL] == "one"


def test_a_step_has_no_labels_before_its_parent_image_exists():
    with pytest.raises(ValueError):
        step("two").planned("%s:one" % REPOSITORY, None).labels()
    assert step("two").planned("sha256:a", "sha256:a").labels() == step("two").labels("sha256:a")


def test_tags_of_a_step():
    assert (step("one").tag, step("one").extra_tags, step("one").failed_tag) == ("one", [], "one-failed")
    assert step("two", last=True).extra_tags == ["final"]


def test_a_step_crosses_yaml_as_a_dict_and_comes_back_the_same():
    planned = step("one", last=True, env={"A": "b"}).planned("sha256:a", "sha256:a")
    data = json.loads(json.dumps(planned.as_dict()))
    assert data["key"] == planned.key("sha256:a") and data["labels"] == planned.labels()
    assert Step.from_dict(data) == planned
    unknown = step("two").planned("%s:one" % REPOSITORY, None).as_dict()
    assert "key" not in unknown and "labels" not in unknown


def test_nothing_cached_runs_every_step_and_only_the_first_knows_its_parent(engine):
    plan = plan_stalk(engine, stalk(), source("one", "two"))
    assert [s.name for s in plan.todo] == ["one", "two"] and plan.cached == []
    first, second = plan.todo
    assert (first.parent, first.parent_id) == ("sha256:base", "sha256:base")
    assert (second.parent, second.parent_id) == ("%s:one" % REPOSITORY, None)
    assert plan.explain == ["one: rebuilt, never built", "two: rebuilt, after an earlier step"]
    assert engine.moved == ["initial"]  # final moves with the last step's commit


def test_cached_steps_are_reused_and_the_next_one_starts_from_the_last_of_them(engine):
    steps = source("one", "two", "three")
    built(engine, "sha256:one", steps.steps[0], "sha256:base")
    plan = plan_stalk(engine, stalk(), steps)
    assert plan.cached == ["one"] and plan.images == {"one": "sha256:one"} and plan.image == "sha256:one"
    assert [(s.name, s.parent_id) for s in plan.todo] == [("two", "sha256:one"), ("three", None)]
    assert plan.explain[0] == "one: cached"
    assert engine.tags[REPOSITORY + ":initial"] == "sha256:base" and "final" not in engine.moved


def test_a_step_at_its_own_tag_is_found_without_listing_images_and_one_elsewhere_by_its_key(engine):
    steps = source("one", "two")
    built(engine, "sha256:one", steps.steps[0], "sha256:base")
    engine.add("sha256:two-by-another-tree", steps.steps[1].labels("sha256:one"), "other/repository:two")
    plan = plan_stalk(engine, stalk(), steps)
    assert plan.images == {"one": "sha256:one", "two": "sha256:two-by-another-tree"}
    assert engine.listings == 1, "only the step whose tag is not its image searched the engine's images"
    plan_stalk(engine, stalk(), steps)
    assert engine.listings == 1, "a rerun reads the tags alone"


def test_a_step_built_on_another_parent_is_not_reused_and_the_plan_says_why(engine):
    steps = source("one")
    built(engine, "sha256:old", steps.steps[0], "sha256:older-base")
    plan = plan_stalk(engine, stalk(), steps)
    assert plan.explain == ["one: rebuilt, its parent image changed (an earlier step, or the parent stalk, "
                            "was rebuilt)"]


def test_a_step_whose_artifacts_directory_was_emptied_runs_again_from_there(engine, tmp_path):
    """What a step wrote to a host directory is not in its image: when the directory is emptied or removed, the
    first step that had left something there runs again, and the steps after it, though their keys match."""
    packages, keys = tmp_path / "packages", tmp_path / "keys"
    steps = source("tools", "download", "release")
    parent = "sha256:base"
    for one_step, held in zip(steps.steps, ([], [packages], [packages, keys])):
        labels = dict(one_step.labels(parent), **{ARTIFACTS_LABEL: json.dumps([str(d) for d in held])})
        parent = engine.add("sha256:" + one_step.name, labels, "%s:%s" % (REPOSITORY, one_step.name))
    for directory in (packages, keys):
        directory.mkdir()
        (directory / "made").write_text("by a step")
    assert plan_stalk(engine, stalk(), steps).cached == ["tools", "download", "release"]

    (packages / "made").unlink()
    plan = plan_stalk(engine, stalk(), steps)
    assert plan.cached == ["tools"] and [s.name for s in plan.todo] == ["download", "release"]
    assert plan.explain[1] == ("download: rebuilt, what it wrote to %s is gone (the directory is empty or missing, "
                               "and its image does not hold it)" % packages)
    assert plan.explain[2] == "release: rebuilt, after an earlier step"

    packages.rmdir()
    (keys / "made").unlink()
    assert plan_stalk(engine, stalk(), steps).explain[1].startswith("download: rebuilt, what it wrote to %s is gone"
                                                                    % packages)


def test_a_changed_input_is_named(engine):
    steps = source("one")
    engine.add("sha256:old", dict(steps.steps[0].labels("sha256:base"),
                                  **{INPUTS_LABEL: json.dumps({"step": "one", "files": {"f": "before"},
                                                               "parent": "sha256:base"})}), REPOSITORY + ":one")
    plan = plan_stalk(engine, stalk(), Source("role", [Step(**dict(step("one", last=True).as_dict(), inputs=dict(
        step("one").inputs, defaults={}, variables={}, overrides={}, container="c"), digest=""))], steps.container))
    assert plan.explain[0].startswith("one: rebuilt, file f changed")


def test_everything_cached_moves_final_and_is_up_to_date_once_tags_point_there(engine):
    steps = source("one", "two")
    built(engine, "sha256:one", steps.steps[0], "sha256:base")
    built(engine, "sha256:two", steps.steps[1], "sha256:one")
    assert not up_to_date(engine, stalk(), steps)  # initial and final do not point there yet
    plan = plan_stalk(engine, stalk(), steps)
    assert plan.todo == [] and engine.tags[REPOSITORY + ":final"] == "sha256:two"
    assert up_to_date(engine, stalk(), steps)
    moved = list(engine.moved)
    plan_stalk(engine, stalk(), steps, dry=True)
    assert engine.moved == moved


def test_force_runs_a_step_and_those_after_it(engine):
    steps = source("one", "two")
    built(engine, "sha256:one", steps.steps[0], "sha256:base")
    built(engine, "sha256:two", steps.steps[1], "sha256:one")
    plan = plan_stalk(engine, stalk(), steps, force=["top:two"])
    assert plan.cached == ["one"] and [s.name for s in plan.todo] == ["two"]
    assert plan.explain[1] == "two: forced"


def test_a_step_taken_by_its_tag_is_reused_without_its_key(engine):
    engine.add("sha256:tagged", {}, REPOSITORY + ":one")
    plan = plan_stalk(engine, stalk(kantoo_skip="one"), source("one", "two"))
    assert plan.cached == ["one"] and plan.todo[0].parent_id == "sha256:tagged"
    assert plan.explain[0] == "one: reused by tag (kantoo_skip names it)"


def test_a_missing_initial_image_stops_unless_the_parent_builds_it_in_check_mode(engine):
    child = stalk(kantoo_initial_image="debian/amd64/bookworm/parent:final", kantoo_parent="parent")
    with pytest.raises(TreeError, match="build its parent 'parent' first"):
        plan_stalk(engine, child, source("one"))
    plan = plan_stalk(engine, child, source("one", "two"), dry=True)
    assert plan.initial_image is None and [s.parent_id for s in plan.todo] == [None, None]
    assert engine.moved == []


def test_the_plan_crosses_yaml_as_a_dict(engine):
    data = json.loads(json.dumps(plan_stalk(engine, stalk(), source("one", "two")).as_dict()))
    assert data["steps"] == ["one", "two"] and [s["name"] for s in data["todo"]] == ["one", "two"]
    assert data["todo"][0]["labels"][KEY_LABEL] == step("one").key("sha256:base")
    assert data["container"] == {"options": {}, "mounts": []}  # the digests of mounted files stay in the plan


# With a registry (REGISTRY, kantoo_registry): plugin_utils/_shared.py ----------------------------------------------

class Held:
    """A registry that lives in a dict, (repository, tag) -> image id; what is pulled from it is recorded."""

    def __init__(self):
        self.images, self.pulled = {}, []

    def ping(self):
        return True

    def manifest_digest(self, repository, tag):
        return "sha256:manifest-of-" + self.images[(repository, tag)] if (repository, tag) in self.images else None

    def image_id(self, repository, tag):
        return self.images.get((repository, tag))

    def image_config(self, repository, tag):
        return {"created": self.created[self.images[(repository, tag)]]}


@pytest.fixture
def held(monkeypatch):
    """The registry of stalk(kantoo_registry=...): pulls copy its images into the engine under the name asked."""
    registry = Held()
    monkeypatch.setattr(_shared, "Registry", lambda value: registry)

    def pull(client, _registry, repository, tag, as_repository, as_tag):
        registry.pulled.append("%s:%s" % (repository, tag))
        image_id = registry.images[(repository, tag)]
        if image_id not in client.labels:
            client.add(image_id, registry.labels.get(image_id, {}))
        client.tag(image_id, as_repository, as_tag)
        return image_id
    monkeypatch.setattr(_shared, "pull", pull)
    monkeypatch.setattr(_shared, "same_image", lambda r, repository, tag, image_id: r.image_id(repository, tag)
                        == image_id)
    registry.labels, registry.created = {}, {}
    return registry


def pushed(registry, steps, parent="sha256:base", ids=("sha256:one", "sha256:two")):
    """The registry holds the steps as a run of another engine pushed them: tags, keys, final."""
    for one_step, image_id in zip(steps.steps, ids):
        registry.labels[image_id] = one_step.labels(parent)
        registry.images[(REPOSITORY, one_step.name)] = image_id
        registry.images[(REPOSITORY, "key-" + one_step.key(parent))] = image_id
        parent = image_id
    registry.images[(REPOSITORY, "final")] = parent


def test_a_step_the_engine_lacks_is_pulled_from_the_registry_by_its_key_and_not_run(engine, held):
    steps = source("one", "two")
    pushed(held, steps)
    held.images[("kantoo/debian", "bookworm")] = "sha256:base"
    dry = plan_stalk(engine, stalk(kantoo_registry="127.0.0.1:5000"), steps, dry=True)
    assert dry.todo == [] and dry.images == {"one": "sha256:one", "two": "sha256:two"}
    assert dry.explain == ["one: cached in the registry", "two: cached in the registry"]
    assert held.pulled == [] and engine.moved == [], "check mode pulls nothing"

    plan = plan_stalk(engine, stalk(kantoo_registry="127.0.0.1:5000"), steps)
    assert plan.todo == [] and plan.explain[1] == "two: cached, pulled from the registry"
    assert held.pulled == [REPOSITORY + ":key-" + steps.steps[0].key("sha256:base"),
                           REPOSITORY + ":key-" + steps.steps[1].key("sha256:one")]
    assert engine.tags[REPOSITORY + ":two"] == engine.tags[REPOSITORY + ":final"] == "sha256:two"
    assert plan.push == [], "the registry holds all of it"
    assert up_to_date(engine, stalk(kantoo_registry="127.0.0.1:5000"), steps)


def test_what_the_registry_lacks_is_not_up_to_date_and_the_plan_pushes_it(engine, held):
    steps = source("one", "two")
    built(engine, "sha256:one", steps.steps[0], "sha256:base")
    built(engine, "sha256:two", steps.steps[1], "sha256:one")
    plan_stalk(engine, stalk(), steps)
    assert up_to_date(engine, stalk(), steps)
    assert not up_to_date(engine, stalk(kantoo_registry="127.0.0.1:5000"), steps), "REGISTRY just set"
    plan = plan_stalk(engine, stalk(kantoo_registry="127.0.0.1:5000"), steps)
    assert plan.todo == [] and plan.push == [{"repository": "kantoo/debian", "tags": ["bookworm"]},
                                             {"repository": REPOSITORY, "tags": ["one", "two", "final"]}]
    assert plan.as_dict()["push"] == plan.push
    pushed(held, steps)
    held.images[("kantoo/debian", "bookworm")] = "sha256:base"
    assert up_to_date(engine, stalk(kantoo_registry="127.0.0.1:5000"), steps)
    assert plan_stalk(engine, stalk(kantoo_registry="127.0.0.1:5000"), steps).push == []


def test_an_initial_image_a_stalk_made_is_the_registrys_and_a_base_the_engines(engine, held):
    parent = "debian/amd64/bookworm/parent"
    child = stalk(kantoo_initial_image=parent + ":final", kantoo_parent="parent", kantoo_registry="127.0.0.1:5000")
    # the parent grew again on another engine: this engine's final of it is an old one
    engine.add("sha256:old", {REPOSITORY_LABEL: parent}, parent + ":final")
    held.images[(parent, "final")] = "sha256:new"
    held.created["sha256:new"] = "2026-12-02T15:00:00.5Z"
    engine.created["sha256:old"] = "2026-12-02T15:00:00.25Z"
    assert plan_stalk(engine, child, source("one"), dry=True).initial_image == "sha256:new"
    # ... or the registry's is the old one, as when it was not pushed to: the engine's stays
    engine.created["sha256:old"] = "2026-12-02T15:00:00.500000001Z"
    assert plan_stalk(engine, child, source("one")).initial_image == "sha256:old" and held.pulled == []
    engine.created["sha256:old"] = "2026-12-02T15:00:00Z"
    assert plan_stalk(engine, child, source("one"), dry=True).initial_image == "sha256:new"
    assert held.pulled == []
    assert plan_stalk(engine, child, source("one")).initial_image == "sha256:new"
    assert held.pulled == [parent + ":final"] and engine.tags[parent + ":final"] == "sha256:new"
    # a base of the engine's own stays, whatever the registry holds under its name
    held.images[("kantoo/debian", "bookworm")] = "sha256:another-base"
    assert plan_stalk(engine, stalk(kantoo_registry="127.0.0.1:5000"), source("one")).initial_image == "sha256:base"
    del engine.tags[BASE]
    del engine.labels["sha256:base"]
    assert plan_stalk(engine, stalk(kantoo_registry="127.0.0.1:5000"), source("one")).initial_image == \
        "sha256:another-base", "a base the engine lacks is pulled"


def test_an_event_is_found_in_an_actions_result():
    result = dict(changed=True, **events.event(events.STALK_DONE, failed=False))
    assert events.of(result) == {"event": events.STALK_DONE, "failed": False}
    assert events.of({"changed": True}) is None
    timed = events.of(events.timed(events.STEP_STARTED, 1.0, step="one"))
    assert timed["started"] == 1.0 and timed["ended"] > 1.0
