"""The names of images, tags and labels (module_utils/_names.py)."""

import pytest

from ansible_collections.kantoo.devkit.plugins.module_utils import _names as names

VARIABLES = {"OS": "kantoo", "ARCH": "amd64", "SUBARCH": "bookworm", "OTHER": "x"}


def test_a_stalks_repository_is_os_arch_subarch_and_its_name():
    assert names.repository_prefix(VARIABLES) == "kantoo/amd64/bookworm"
    assert names.repository(VARIABLES, "stage3") == "kantoo/amd64/bookworm/stage3"
    assert names.repository({"OS": "os", "ARCH": 7, "SUBARCH": "sub"}, "s") == "os/7/sub/s", "values become text"
    with pytest.raises(KeyError):
        names.repository({"OS": "os", "ARCH": "arch"}, "s")


def test_an_image_is_repository_colon_tag():
    assert names.image("kantoo/amd64/bookworm/stage3", names.FINAL_TAG) == "kantoo/amd64/bookworm/stage3:final"
    assert names.image("localhost:5000/base", names.INITIAL_TAG) == "localhost:5000/base:initial"


@pytest.mark.parametrize("step", ["build", "install-failed", "a.b_c"])
def test_a_failed_tag_gives_back_its_step(step):
    tag = names.failed_tag(step)
    assert tag == step + "-failed"
    assert names.step_of_tag(tag) == (step, True)


@pytest.mark.parametrize("tag", ["build", "initial", "final", "failed", "build-failed-not"])
def test_a_tag_that_is_not_a_failure_is_its_own_step(tag):
    assert names.step_of_tag(tag) == (tag, False)


def test_every_label_is_the_collections_own():
    labels = [value for key, value in vars(names).items() if key.endswith("_LABEL")]
    assert len(labels) >= 10 and len(set(labels)) == len(labels), "each label is named once"
    assert all(label.startswith(names.LABEL_PREFIX + ".") for label in labels)


@pytest.mark.parametrize("name, parts", [
    ("kantoo/amd64/bookworm/stage3:final", ("kantoo/amd64/bookworm/stage3", "final")),
    ("kantoo/amd64/bookworm/stage3:build-failed", ("kantoo/amd64/bookworm/stage3", "build-failed")),
    ("localhost:5000/base:initial", ("localhost:5000/base", "initial")),
    ("localhost:5000/base", ("localhost:5000/base", "latest")),
    ("base", ("base", "latest")),
])
def test_an_image_splits_into_its_repository_and_tag(name, parts):
    assert names.split_image(name) == parts
    if name.endswith(":" + parts[1]):
        assert names.image(*parts) == name
