# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The few calls of the Docker Engine API that planning makes, over the standard library.

Importing the Docker SDK (requests, urllib3) takes about 0.12 s, more than a whole run with nothing to do
spends on its own work; so finding out what is cached, moving tags and sweeping leftover containers use this
client, and the SDK is imported only when a container starts.  Its methods have the names, arguments and
results of the SDK's low-level APIClient, and client.api is the client itself, so the helpers below take
either kind of client.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
from urllib.parse import quote, urlencode, urlparse

DEFAULT_SOCKET = "/var/run/docker.sock"


class DockerUnavailable(Exception):
    """No Docker SDK or no daemon."""


class EngineError(Exception):
    """An error answer of the engine, with the status code and explanation the SDK's APIError has too."""

    def __init__(self, status_code, explanation):
        super().__init__("%s: %s" % (status_code, explanation))
        self.status_code = status_code
        self.explanation = explanation


def unavailable(where, exc):
    return DockerUnavailable("cannot reach the Docker daemon at %s: %s. Start it ('make setup' starts dockerd) "
                             "or point DOCKER_HOST at a running one." % (where, exc))


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


class Engine:
    """One keep-alive connection to the engine; not to be shared between processes."""

    def __init__(self, connection):
        self._connection = connection
        self.api = self

    def _call(self, method, path, query=None):
        url = path + ("?" + urlencode(query) if query else "")
        self._connection.request(method, url)
        response = self._connection.getresponse()
        body = response.read()
        if response.status >= 400:
            try:
                explanation = json.loads(body).get("message", "")
            except ValueError:
                explanation = body.decode(errors="replace")
            raise EngineError(response.status, explanation)
        return json.loads(body) if body and response.getheader("Content-Type", "").startswith("application/json") \
            else body

    def ping(self):
        return self._call("GET", "/_ping") == b"OK"

    def inspect_image(self, image):
        return self._call("GET", "/images/%s/json" % quote(image, safe="/:@"))

    def images(self, all=False, filters=None):  # pylint: disable=redefined-builtin
        return self._call("GET", "/images/json", _listing(all, filters))

    def containers(self, all=False, filters=None):  # pylint: disable=redefined-builtin
        return self._call("GET", "/containers/json", _listing(all, filters))

    def tag(self, image, repository, tag=None, force=False):  # pylint: disable=unused-argument
        self._call("POST", "/images/%s/tag" % quote(image, safe="/:@"), {"repo": repository, "tag": tag or "latest"})
        return True

    def remove_container(self, container, v=False, force=False):
        self._call("DELETE", "/containers/%s" % quote(container), {"v": int(v), "force": int(force)})


def _listing(everything, filters):
    query = {"all": 1} if everything else {}
    if filters:
        query["filters"] = json.dumps({k: v if isinstance(v, list) else [v] for k, v in filters.items()})
    return query


def connect(docker_host=None, timeout=600):
    """An Engine for a local socket or plain TCP; for TLS or SSH (DOCKER_TLS_VERIFY, ssh://) the SDK's client."""
    host = docker_host or os.environ.get("DOCKER_HOST") or "unix://" + DEFAULT_SOCKET
    where = host
    url = urlparse(host)
    if url.scheme == "unix":
        engine = Engine(_UnixConnection(url.path, timeout))
    elif url.scheme == "tcp" and not os.environ.get("DOCKER_TLS_VERIFY"):
        engine = Engine(http.client.HTTPConnection(url.hostname, url.port or 2375, timeout=timeout))
    else:
        from ansible_collections.kantoo.devkit.plugins.module_utils.docker_client import connect as sdk_connect

        return sdk_connect(docker_host, timeout)
    try:
        engine.ping()
    except (OSError, http.client.HTTPException, EngineError) as exc:
        raise unavailable(where, exc)
    return engine


def status(exc):
    """The HTTP status of an error of either client; None for anything else."""
    return getattr(exc, "status_code", None)


def find_image(client, reference):
    """The image's id, or None when there is no such image."""
    try:
        return client.api.inspect_image(reference)["Id"]
    except Exception as exc:  # the SDK's NotFound or an EngineError: both say 404
        if status(exc) == 404:
            return None
        raise


def tag_image(client, image_id, repository, tag):
    """Point repository:tag at image_id; True when the tag moved."""
    if find_image(client, "%s:%s" % (repository, tag)) == image_id:
        return False
    client.api.tag(image_id, repository, tag, force=True)
    return True
