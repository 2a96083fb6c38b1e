"""The commit of a step's container, against an engine that lives in a dict: the labels its image gets, the
record of what the step left in the host directories it writes among them."""

import json

from ansible_collections.kantoo.devkit.plugins.module_utils._commit import commit_container, holding_something
from ansible_collections.kantoo.devkit.plugins.module_utils._names import ARTIFACTS_LABEL


class Engine:
    def __init__(self):
        self.committed = None

    def inspect_container(self, name):
        return {"Id": "c-" + name, "Image": "sha256:parent"}

    def inspect_image(self, _reference):
        return {"Config": {"Entrypoint": ["/bin/sh"], "Labels": {"from.parent": "yes"}}}

    def commit(self, container, **fields):
        self.committed = dict(fields, container=container)
        return {"Id": "sha256:new"}


def params(**changes):
    return dict({"container": "box", "repository": "r/s", "tag": "one", "extra_tags": [], "labels": {"a": "b"},
                 "changes": [], "keep_image_config": True, "author": None, "comment": None}, **changes)


def test_holding_something_is_the_directories_that_exist_and_are_not_empty(tmp_path):
    full, empty, a_file = tmp_path / "full", tmp_path / "empty", tmp_path / "a-file"
    full.mkdir()
    empty.mkdir()
    (full / ".hidden").write_text("")
    a_file.write_text("not a directory")
    paths = [str(p) for p in (tmp_path / "gone", empty, a_file, full)]
    assert holding_something(paths) == [str(full)]


def test_the_image_records_the_artifacts_directories_the_step_left_something_in(tmp_path):
    written, untouched = tmp_path / "written", tmp_path / "untouched"
    written.mkdir()
    untouched.mkdir()
    (written / "package.deb").write_text("")
    engine = Engine()
    commit_container(engine, params(artifacts=[str(untouched), str(written), str(tmp_path / "gone")]))
    labels = engine.committed["conf"]["Labels"]
    assert json.loads(labels[ARTIFACTS_LABEL]) == [str(written)]
    assert labels["a"] == "b" and labels["from.parent"] == "yes"


def test_without_artifacts_the_image_gets_no_such_label():
    engine = Engine()
    commit_container(engine, params())
    assert ARTIFACTS_LABEL not in engine.committed["conf"]["Labels"]
    commit_container(engine, params(artifacts=[]))
    assert json.loads(engine.committed["conf"]["Labels"][ARTIFACTS_LABEL]) == []
