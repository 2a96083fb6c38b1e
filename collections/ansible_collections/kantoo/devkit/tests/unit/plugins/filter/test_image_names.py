"""The image-name filters give the names the runner gives (module_utils/_names.py), and refuse what is no name."""

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.kantoo.devkit.plugins.filter.image_names import FilterModule
from ansible_collections.kantoo.devkit.plugins.module_utils import _names as names

FILTERS = FilterModule().filters()
ARCHITECTURE = {"OS": "debian", "ARCH": "amd64", "SUBARCH": "bookworm"}


def test_the_plugin_offers_the_image_name_filters():
    assert sorted(FILTERS) == ["failed_tag", "image", "image_parts", "repository", "step_of_tag"]


def test_repository_is_os_arch_subarch_and_the_stalk():
    assert FILTERS["repository"](ARCHITECTURE, "hello_world") == "debian/amd64/bookworm/hello_world"
    # any mapping will do, such as a stalk's hostvars, and other variables in it do not matter
    assert FILTERS["repository"](dict(ARCHITECTURE, ARCH="arm-32bit", LOG_DIR="logs"), "stage4") \
        == "debian/arm-32bit/bookworm/stage4"
    assert FILTERS["repository"](ARCHITECTURE, "writer") == names.repository(ARCHITECTURE, "writer")


@pytest.mark.parametrize("variables, stalk, says", [
    ({"OS": "debian"}, "s", "do not set ARCH, SUBARCH"),
    (dict(ARCHITECTURE, SUBARCH=""), "s", "do not set SUBARCH"),
    (dict(ARCHITECTURE, OS=None), "s", "do not set OS"),
    ("debian/amd64/bookworm", "s", "must be a mapping"),
    (ARCHITECTURE, "", "the stalk must be a non-empty string"),
    (ARCHITECTURE, None, "the stalk must be a non-empty string"),
])
def test_repository_says_what_is_missing(variables, stalk, says):
    with pytest.raises(AnsibleFilterError, match=says):
        FILTERS["repository"](variables, stalk)


def test_image_is_the_final_one_unless_a_tag_is_given():
    repository = "debian/amd64/bookworm/hello_world"
    assert FILTERS["image"](repository) == repository + ":final"
    assert FILTERS["image"](repository, "initial") == repository + ":initial"
    assert FILTERS["image"](repository, "hello_from_sh") == repository + ":hello_from_sh"
    assert FILTERS["image"](repository, names.INITIAL_TAG) == names.image(repository, names.INITIAL_TAG)


@pytest.mark.parametrize("repository, tag", [("", "final"), (None, "final"), ("r/s", ""), ("r/s", 3)])
def test_image_refuses_an_empty_repository_or_tag(repository, tag):
    with pytest.raises(AnsibleFilterError, match="kantoo.devkit.image: the (repository|tag) must be"):
        FILTERS["image"](repository, tag)


def test_failed_tag_and_step_of_tag_are_each_others_inverse():
    assert FILTERS["failed_tag"]("collect") == "collect-failed"
    assert FILTERS["step_of_tag"]("collect-failed") == {"step": "collect", "failed": True}
    assert FILTERS["step_of_tag"]("collect") == {"step": "collect", "failed": False}
    assert FILTERS["step_of_tag"]("final") == {"step": "final", "failed": False}
    # a step whose name ends like a failure's tag is still told apart from it
    assert FILTERS["step_of_tag"](FILTERS["failed_tag"]("x-failed")) == {"step": "x-failed", "failed": True}
    with pytest.raises(AnsibleFilterError):
        FILTERS["failed_tag"]("")


# the splitting itself is names.split_image's, tested in module_utils/test_names.py
@pytest.mark.parametrize("name, parts", [
    ("debian/amd64/bookworm/writer:collect-failed", ("debian/amd64/bookworm/writer", "collect-failed")),
    ("registry.example.org:5000/kantoo/debian", ("registry.example.org:5000/kantoo/debian", "latest")),
])
def test_image_parts_splits_what_image_joins(name, parts):
    assert FILTERS["image_parts"](name) == {"repository": parts[0], "tag": parts[1]}
    if ":" in name.rsplit("/", 1)[-1]:
        assert FILTERS["image"](*parts) == name
