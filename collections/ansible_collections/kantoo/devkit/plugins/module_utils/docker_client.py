# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One way to reach the Docker daemon, with a message a person can act on when it is not there."""

from __future__ import annotations

import os

from ansible_collections.kantoo.devkit.plugins.module_utils.engine import (  # noqa: F401, one place for all
    DockerUnavailable, find_image, tag_image, unavailable)

__all__ = ["APIError", "DockerUnavailable", "NotFound", "connect", "find_image", "tag_image"]

try:
    import docker
    from docker.errors import APIError, DockerException, NotFound
except ImportError:  # reported by connect(); the names stay distinct so that except clauses keep their order
    docker = None

    class DockerException(Exception):
        """Stands in for docker.errors.DockerException."""

    class APIError(DockerException):
        """Stands in for docker.errors.APIError."""

    class NotFound(APIError):
        """Stands in for docker.errors.NotFound."""


def connect(docker_host=None, timeout=600):
    if docker is None:
        raise DockerUnavailable("the Python package 'docker' is missing: install it with 'pip install docker'")
    try:
        if docker_host:
            client = docker.DockerClient(base_url=docker_host, version="auto", timeout=timeout)
        else:
            client = docker.from_env(timeout=timeout)
        client.ping()
        return client
    except DockerException as exc:
        raise unavailable(docker_host or os.environ.get("DOCKER_HOST") or "unix:///var/run/docker.sock", exc)
