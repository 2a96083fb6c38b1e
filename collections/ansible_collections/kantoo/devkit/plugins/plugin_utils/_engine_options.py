# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DOCKER_OPTS (the keyword arguments of the Docker SDK's containers.run, as container.container_options takes
them) as fields of the Engine API's container create.

The SDK's docker/types/containers.py (HostConfig, ContainerConfig) is the reference: the same fields, and the
same conversions of what a person writes (sizes such as "512m", devices as "host:container:rwm", ulimits and
device requests with the SDK's lower-case keys, extra_hosts as a mapping, volumes as the SDK's binds).
"""

from __future__ import annotations

from ansible_collections.kantoo.devkit.plugins.plugin_utils._tree import TreeError

# options that are fields of the container's config; "platform" is a parameter of the create call
CONFIG_FIELDS = {"domainname": "Domainname", "hostname": "Hostname", "mac_address": "MacAddress",
                 "network_disabled": "NetworkDisabled", "user": "User", "working_dir": "WorkingDir"}
# options that are fields of its HostConfig
HOST_CONFIG_FIELDS = {
    "blkio_weight": "BlkioWeight", "blkio_weight_device": "BlkioWeightDevice", "cap_add": "CapAdd",
    "cap_drop": "CapDrop", "cgroup_parent": "CgroupParent", "cgroupns": "CgroupnsMode", "cpu_count": "CpuCount",
    "cpu_percent": "CpuPercent", "cpu_period": "CpuPeriod", "cpu_quota": "CpuQuota",
    "cpu_rt_period": "CPURealtimePeriod", "cpu_rt_runtime": "CPURealtimeRuntime", "cpu_shares": "CpuShares",
    "cpuset_cpus": "CpusetCpus", "cpuset_mems": "CpusetMems", "device_cgroup_rules": "DeviceCgroupRules",
    "device_read_bps": "BlkioDeviceReadBps", "device_read_iops": "BlkioDeviceReadIOps",
    "device_requests": "DeviceRequests", "device_write_bps": "BlkioDeviceWriteBps",
    "device_write_iops": "BlkioDeviceWriteIOps", "devices": "Devices", "dns": "Dns", "dns_opt": "DnsOptions",
    "dns_search": "DnsSearch", "extra_hosts": "ExtraHosts", "group_add": "GroupAdd", "init": "Init",
    "ipc_mode": "IpcMode", "isolation": "Isolation", "mem_limit": "Memory", "mem_reservation": "MemoryReservation",
    "mem_swappiness": "MemorySwappiness", "memswap_limit": "MemorySwap", "nano_cpus": "NanoCpus",
    "network_mode": "NetworkMode", "oom_kill_disable": "OomKillDisable", "oom_score_adj": "OomScoreAdj",
    "pid_mode": "PidMode", "pids_limit": "PidsLimit", "privileged": "Privileged", "runtime": "Runtime",
    "security_opt": "SecurityOpt", "shm_size": "ShmSize", "storage_opt": "StorageOpt", "sysctls": "Sysctls",
    "tmpfs": "Tmpfs", "ulimits": "Ulimits", "userns_mode": "UsernsMode", "uts_mode": "UTSMode",
    "volume_driver": "VolumeDriver", "volumes": "Binds", "volumes_from": "VolumesFrom",
}
UNITS = {"b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def _size(name, value):
    """A size in bytes: a number, or a number and b, k, m or g (512m, 1g, 1gb)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return int(value)
    text = str(value).strip().lower()
    if text[-2:-1].isalpha() and text.endswith("b"):
        text = text[:-1]
    number, unit = (text[:-1], text[-1]) if text[-1:].isalpha() else (text, "b")
    try:
        return int(float(number) * UNITS[unit])
    except (KeyError, ValueError):
        raise TreeError("DOCKER_OPTS.%s: '%s' is not a size: give a number of bytes, or a number and b, k, m or g "
                        "(such as 512m)" % (name, value))


def _devices(_name, value):
    """host[:container[:permissions]] strings, or the API's mappings as they are."""
    devices = []
    for device in value:
        if isinstance(device, dict):
            devices.append(device)
            continue
        parts = str(device).split(":")
        devices.append({"PathOnHost": parts[0], "PathInContainer": parts[1] if len(parts) > 1 else parts[0],
                        "CgroupPermissions": parts[2] if len(parts) > 2 else "rwm"})
    return devices


def _keys(names):
    """A conversion of a list of mappings with the SDK's lower-case keys (or the API's own) to the API's;
    names: {SDK key: (API key, default)}."""
    def convert(name, value):
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise TreeError("DOCKER_OPTS.%s: give a list of mappings with the keys %s" % (name, ", ".join(names)))
        return [{api: item.get(sdk, item.get(api, default)) for sdk, (api, default) in names.items()}
                for item in value]
    return convert


def _extra_hosts(_name, value):
    return ["%s:%s" % item for item in sorted(value.items())] if isinstance(value, dict) else value


def _tmpfs(_name, value):
    """path[:options] strings, or {path: options}."""
    if isinstance(value, dict):
        return value
    return dict((str(mount).split(":", 1) + [""])[:2] for mount in value)


def _binds(_name, value):
    """The SDK's volumes: a list of host:container[:mode] strings, or {host: {bind, mode or ro}} / {host: bind}."""
    if isinstance(value, list):
        return value
    binds = []
    for host, bind in value.items():
        if isinstance(bind, dict):
            mode = ("ro" if bind["ro"] else "rw") if "ro" in bind else bind.get("mode", "rw")
            if bind.get("propagation"):
                mode += "," + bind["propagation"]
            binds.append("%s:%s:%s" % (host, bind["bind"], mode))
        else:
            binds.append("%s:%s:rw" % (host, bind))
    return binds


def _volume_target(bind):
    """The container's path of a bind as the SDK reads it (for the config's Volumes)."""
    parts = bind.split(":")
    if len(parts) == 1 or parts[1] in ("ro", "rw"):
        return parts[0]
    return parts[1]


CONVERSIONS = {
    "mem_limit": _size, "memswap_limit": _size, "mem_reservation": _size, "shm_size": _size,
    "devices": _devices,
    "ulimits": _keys({"name": ("Name", None), "soft": ("Soft", None), "hard": ("Hard", None)}),
    "device_requests": _keys({"driver": ("Driver", ""), "count": ("Count", 0), "device_ids": ("DeviceIDs", []),
                              "capabilities": ("Capabilities", []), "options": ("Options", {})}),
    "extra_hosts": _extra_hosts,
    "group_add": lambda _name, value: [str(group) for group in value],
    "sysctls": lambda _name, value: {k: str(v) for k, v in value.items()},
    "tmpfs": _tmpfs,
    "user": lambda _name, value: str(value),
    "volumes": _binds,
    "volumes_from": lambda _name, value: value.split(",") if isinstance(value, str) else value,
}


def create_fields(options):
    """The fields of a container create body that the options set, HostConfig among them (NetworkMode "default"
    unless they say), and the platform (None unless they say)."""
    fields, host_config = {}, {"NetworkMode": "default"}
    for name, value in options.items():
        if name == "platform" or value is None:
            continue
        convert = CONVERSIONS.get(name)
        if convert is not None:
            value = convert(name, value)
        if name in CONFIG_FIELDS:
            fields[CONFIG_FIELDS[name]] = value
        else:
            host_config[HOST_CONFIG_FIELDS[name]] = value
    if "Binds" in host_config:  # the SDK declares the container's paths of its binds as volumes too
        fields["Volumes"] = {_volume_target(bind): {} for bind in host_config["Binds"]}
    fields["HostConfig"] = host_config
    return fields, options.get("platform")
