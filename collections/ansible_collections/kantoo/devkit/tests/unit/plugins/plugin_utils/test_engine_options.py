"""DOCKER_OPTS as the Engine API's container create fields, with the Docker SDK's conversions (its
docker/types/containers.py is the reference); the container they make is tested in the project's tests/."""

import pytest

from ansible_collections.kantoo.devkit.plugins.plugin_utils._container import CONTAINER_OPTIONS
from ansible_collections.kantoo.devkit.plugins.plugin_utils._engine_options import (
    CONFIG_FIELDS, CONVERSIONS, HOST_CONFIG_FIELDS, create_fields)
from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError


def test_every_container_option_has_its_field_in_the_api():
    assert set(CONFIG_FIELDS) | set(HOST_CONFIG_FIELDS) | {"platform"} == CONTAINER_OPTIONS
    assert not set(CONFIG_FIELDS) & set(HOST_CONFIG_FIELDS)
    assert set(CONVERSIONS) <= CONTAINER_OPTIONS


def test_the_options_of_a_seed_stalk_file():
    fields, platform = create_fields({"privileged": True, "init": True, "network_mode": "host", "hostname": "box",
                                      "user": 0, "working_dir": "/root", "platform": "linux/arm64"})
    assert platform == "linux/arm64"
    assert fields == {"Hostname": "box", "User": "0", "WorkingDir": "/root",
                      "HostConfig": {"Privileged": True, "Init": True, "NetworkMode": "host"}}
    assert create_fields({}) == ({"HostConfig": {"NetworkMode": "default"}}, None)


@pytest.mark.parametrize("value, size", [("512m", 512 << 20), ("1g", 1 << 30), ("1GB", 1 << 30), ("100", 100),
                                         (2048, 2048), ("1.5k", 1536), ("10b", 10)])
def test_sizes_are_read_as_the_sdk_reads_them(value, size):
    assert create_fields({"mem_limit": value})[0]["HostConfig"]["Memory"] == size


def test_a_size_that_is_none_says_what_a_size_is():
    with pytest.raises(TreeError) as error:
        create_fields({"shm_size": "lots"})
    assert str(error.value) == "DOCKER_OPTS.shm_size: 'lots' is not a size: give a number of bytes, or a number " \
                               "and b, k, m or g (such as 512m)"


def test_what_the_sdk_converts_is_converted_alike():
    host = create_fields({
        "devices": ["/dev/fuse", "/dev/sda:/dev/xvda:r", {"PathOnHost": "/dev/a", "PathInContainer": "/dev/b",
                                                          "CgroupPermissions": "rw"}],
        "ulimits": [{"name": "nofile", "soft": 1024, "hard": 2048}],
        "device_requests": [{"count": -1, "capabilities": [["gpu"]]}],
        "extra_hosts": {"b": "10.0.0.2", "a": "10.0.0.1"},
        "group_add": [1000, "audio"],
        "sysctls": {"net.ipv4.ip_forward": 1},
        "tmpfs": ["/run:size=64m", "/tmp"],
        "volumes_from": "one,two",
        "cap_add": ["SYS_ADMIN"],
    })[0]["HostConfig"]
    assert host["Devices"] == [
        {"PathOnHost": "/dev/fuse", "PathInContainer": "/dev/fuse", "CgroupPermissions": "rwm"},
        {"PathOnHost": "/dev/sda", "PathInContainer": "/dev/xvda", "CgroupPermissions": "r"},
        {"PathOnHost": "/dev/a", "PathInContainer": "/dev/b", "CgroupPermissions": "rw"}]
    assert host["Ulimits"] == [{"Name": "nofile", "Soft": 1024, "Hard": 2048}]
    assert host["DeviceRequests"] == [{"Driver": "", "Count": -1, "DeviceIDs": [], "Capabilities": [["gpu"]],
                                       "Options": {}}]
    assert host["ExtraHosts"] == ["a:10.0.0.1", "b:10.0.0.2"]
    assert host["GroupAdd"] == ["1000", "audio"]
    assert host["Sysctls"] == {"net.ipv4.ip_forward": "1"}
    assert host["Tmpfs"] == {"/run": "size=64m", "/tmp": ""}
    assert host["VolumesFrom"] == ["one", "two"]
    assert host["CapAdd"] == ["SYS_ADMIN"]


def test_volumes_are_binds_and_their_container_paths_volumes_as_with_the_sdk():
    fields = create_fields({"volumes": {"/srv/a": {"bind": "/a", "mode": "ro"}, "/srv/b": "/b",
                                        "/srv/c": {"bind": "/c", "ro": False, "propagation": "rslave"}}})[0]
    assert fields["HostConfig"]["Binds"] == ["/srv/a:/a:ro", "/srv/b:/b:rw", "/srv/c:/c:rw,rslave"]
    assert fields["Volumes"] == {"/a": {}, "/b": {}, "/c": {}}
    fields = create_fields({"volumes": ["/srv/a:/a:ro", "/data"]})[0]
    assert fields["HostConfig"]["Binds"] == ["/srv/a:/a:ro", "/data"] and fields["Volumes"] == {"/a": {}, "/data": {}}


def test_a_list_of_mappings_that_is_not_says_so():
    with pytest.raises(TreeError) as error:
        create_fields({"ulimits": "nofile=1024"})
    assert str(error.value) == "DOCKER_OPTS.ulimits: give a list of mappings with the keys name, soft, hard"
