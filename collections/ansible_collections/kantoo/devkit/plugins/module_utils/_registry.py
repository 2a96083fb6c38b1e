# -*- coding: utf-8 -*-
# Copyright: kantoo-devkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's client of an image registry (Docker distribution's v2 API), and the moves of images between
an engine and a registry.

A tree's REGISTRY is ``host:port``, optionally followed by ``/prefix``: a repository ``debian/amd64/bookworm/base``
is ``<REGISTRY>/debian/amd64/bookworm/base`` there.  The controller asks the registry what it holds (a manifest, a
config, tags) over plain HTTP for a registry on 127.0.0.0/8 or ``localhost``, as Docker does, else over https
(then plain HTTP when the registry does not speak TLS: what Docker does for its insecure-registries).  Images
themselves travel through the engine (Engine.push, Engine.pull), which reaches the registry by the same name.

An image is the same in the registry when the config its manifest names has the image's id as its digest: Docker
gives an image the id of its config, and a push or a pull keeps it.  Besides its tags, every step image is held
under ``key-<its cache key>``, so that a cache lookup can ask the registry for a key.
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import ssl
from urllib.parse import quote, urljoin

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, find_image
from ansible_collections.kantoo.devkit.plugins.module_utils._names import (
    FAILED_LABEL, FINAL_TAG, INITIAL_TAG, KEY_LABEL, image as image_name, split_image)

# What a lookup accepts: an image's manifest (Docker v2, OCI) or a list of them (multi-platform).
MANIFESTS = ("application/vnd.docker.distribution.manifest.v2+json",
             "application/vnd.docker.distribution.manifest.list.v2+json",
             "application/vnd.oci.image.manifest.v1+json",
             "application/vnd.oci.image.index.v1+json")
ACCEPT = ", ".join(MANIFESTS)
KEY_TAG_PREFIX = "key-"
# host[:port] (a host that Docker takes for a registry: with a '.' or a port, or localhost), then /prefix
_HOST = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
REGISTRY_RE = re.compile(r"^(?P<host>%s)(?::(?P<port>[0-9]{1,5}))?(?P<prefix>(?:/%s)*)$" % (_HOST, _COMPONENT))
INSECURE = ("A registry outside 127.0.0.0/8 must serve https, or be listed in the insecure-registries of every "
            "engine (/etc/docker/daemon.json)")


def key_tag(key):
    """The tag that names a step image by its cache key (a sha256 in hex): 68 characters, within Docker's 128."""
    return KEY_TAG_PREFIX + key


def registry_problem(value):
    """Why value cannot be a REGISTRY, or None when it can."""
    if not isinstance(value, str):
        return "it is not a string"
    if "://" in value:
        return "it is host:port[/prefix], without a scheme"
    match = REGISTRY_RE.match(value)
    if not match:
        return "it is not host:port[/prefix] (a prefix in lowercase letters, digits, '.', '_' and '-')"
    if match.group("port") is None and "." not in match.group("host") and match.group("host") != "localhost":
        # Docker reads a first name component without '.' or ':' as a repository of Docker Hub
        return "a host without a '.' needs a port (Docker would take '%s' for a name on Docker Hub)" % value
    if match.group("port") is not None and not 0 < int(match.group("port")) < 65536:
        return "its port is not one"
    return None


def loopback(host):
    """Whether Docker reaches a registry on host over plain HTTP by default (127.0.0.0/8)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class RegistryError(Exception):
    """What went wrong with a request to the registry, in words a person can act on; status None when nothing
    answered."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class Registry:
    """A client of one registry, REGISTRY being host:port[/prefix]."""

    def __init__(self, registry, timeout=30):
        problem = registry_problem(registry)
        if problem:
            raise RegistryError("REGISTRY '%s' is no registry: %s" % (registry, problem))
        match = REGISTRY_RE.match(registry)
        self.registry = registry
        self.host, self.port = match.group("host"), int(match.group("port") or 0) or None
        self.prefix = match.group("prefix").strip("/")
        self.timeout = timeout
        self.secure = not loopback(self.host)
        self._connection = None

    @property
    def url(self):
        return "%s://%s%s" % ("https" if self.secure else "http", self.host, ":%d" % self.port if self.port else "")

    def name(self, repository):
        """The repository's name in the registry's API."""
        return "%s/%s" % (self.prefix, repository) if self.prefix else repository

    def repository(self, repository):
        """The name the engine gives the repository in this registry: <REGISTRY>/<repository>."""
        return "%s/%s" % (self.registry, repository)

    # requests
    def _connect(self):
        if self.secure:
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                               context=ssl.create_default_context())
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def _request(self, method, path, headers=None):
        """(status, headers, body) of a request; RegistryError when nothing answers."""
        for attempt in range(3):
            if self._connection is None:
                self._connection = self._connect()
            try:
                self._connection.request(method, path, headers=headers or {})
                response = self._connection.getresponse()
                return response.status, response, response.read()
            except ssl.SSLError as exc:
                self._connection.close()
                self._connection = None
                if not self.secure or not any(e in str(exc) for e in ("WRONG_VERSION_NUMBER", "RECORD_LAYER")):
                    raise self._unreachable(exc)
                self.secure = False  # it speaks plain HTTP: an insecure registry, as Docker would try it
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self._connection.close()  # a kept-alive connection the registry closed: once more, anew
                self._connection = None
                if attempt:
                    raise self._unreachable(exc)
            except (OSError, http.client.HTTPException) as exc:
                self._connection.close()
                self._connection = None
                raise self._unreachable(exc)
        raise self._unreachable("no answer")

    def _unreachable(self, reason):
        return RegistryError("cannot reach the registry %s at %s/v2/: %s. Start it, or fix REGISTRY in the tree's "
                             "globals. %s." % (self.registry, self.url, reason or "no answer", INSECURE))

    def _refused(self, what, status, body):
        try:
            errors = json.loads(body)["errors"]
            explanation = "; ".join("%s: %s" % (e.get("code"), e.get("message")) for e in errors)
        except (ValueError, TypeError, KeyError):
            explanation = body.decode(errors="replace").strip() or http.client.responses.get(status, "error")
        if status == 401:
            explanation += " (it asks for credentials: this collection uses registries without authentication)"
        return RegistryError("the registry at %s refused %s: %s %s" % (self.url, what, status, explanation), status)

    def _path(self, repository, kind, reference=""):
        return "/v2/%s/%s/%s" % (quote(self.name(repository), safe="/"), kind, quote(reference, safe=":"))

    def ping(self):
        """Stop with a RegistryError unless a Docker registry answers."""
        status, _response, body = self._request("GET", "/v2/")
        if status != 200:
            raise self._refused("GET /v2/ (is it a Docker registry?)", status, body)

    def manifest_digest(self, repository, tag):
        """The digest of the manifest repository:tag names, or None when the registry has no such tag."""
        status, response, body = self._request("HEAD", self._path(repository, "manifests", tag), {"Accept": ACCEPT})
        if status == 404:
            return None
        if status != 200:
            raise self._refused("HEAD of %s:%s" % (self.name(repository), tag), status, body)
        return response.getheader("Docker-Content-Digest")

    def manifest(self, repository, reference):
        """(digest, manifest) of a tag or digest of repository, or None when the registry has none."""
        status, response, body = self._request("GET", self._path(repository, "manifests", reference),
                                               {"Accept": ACCEPT})
        if status == 404:
            return None
        if status != 200:
            raise self._refused("the manifest %s:%s" % (self.name(repository), reference), status, body)
        return response.getheader("Docker-Content-Digest"), json.loads(body)

    def image_id(self, repository, tag):
        """The id an engine gives the image repository:tag (the digest of its config), or None when the registry
        has no such tag, or only a list of manifests (an image of several platforms, which no step makes)."""
        found = self.manifest(repository, tag)
        if found is None or "config" not in found[1]:
            return None
        return found[1]["config"]["digest"]

    def blob(self, repository, digest):
        """The content of a blob (a config, a layer) of repository."""
        status, response, body = self._request("GET", self._path(repository, "blobs", digest))
        if status in (301, 302, 303, 307, 308) and response.getheader("Location"):
            # a storage that serves blobs from elsewhere (a bucket): follow it, from this registry's URL.  Imported
            # here: ansible's urls (cryptography's x509 with it) would cost every run 25 ms, as the tree reader
            # imports this module, for a redirect few registries make
            from ansible.module_utils.urls import open_url  # pylint: disable=import-outside-toplevel

            location = urljoin(self.url, response.getheader("Location"))
            return open_url(location, timeout=self.timeout).read()
        if status != 200:
            raise self._refused("the blob %s of %s" % (digest, self.name(repository)), status, body)
        return body

    def image_config(self, repository, tag):
        """The config of the image repository:tag (its labels, env, ...), or None when there is no such tag."""
        found = self.manifest(repository, tag)
        if found is None or "config" not in found[1]:
            return None
        return json.loads(self.blob(repository, found[1]["config"]["digest"]))

    def tags(self, repository):
        """The tags of repository, [] when it has none."""
        status, _response, body = self._request("GET", self._path(repository, "tags", "list"))
        if status == 404:
            return []
        if status != 200:
            raise self._refused("the tags of %s" % self.name(repository), status, body)
        return sorted(json.loads(body).get("tags") or [])

    def delete(self, repository, tag):
        """Delete the manifest that repository:tag names, and with it every tag of repository that names it;
        False when there is no such tag.  Its blobs go with the registry's garbage-collect."""
        digest = self.manifest_digest(repository, tag)
        if digest is None:
            return False
        status, _response, body = self._request("DELETE", self._path(repository, "manifests", digest))
        if status == 404:
            return False
        if status == 405:
            raise RegistryError("the registry at %s does not delete: set storage.delete.enabled: true in its "
                                "config (Debian's /etc/docker/registry/config.yml has it)" % self.url, status)
        if status != 202:
            raise self._refused("to delete %s@%s" % (self.name(repository), digest), status, body)
        return True


# Between an engine and a registry ---------------------------------------------------------------------------------

def same_image(registry, repository, tag, image_id):
    """Whether the registry's repository:tag is the image image_id."""
    found = registry.manifest(repository, tag)
    return found is not None and image_id in (found[0], (found[1].get("config") or {}).get("digest"))


def _transfer_failed(client, what, exc):
    return RegistryError("the Docker engine at %s could not %s: %s. %s, and the engines reach it by the same "
                         "name as the controller." % (client.url, what, exc.explanation, INSECURE), exc.status_code)


def push_plan(client, repository, tags=None, image=None, key_tags=True):
    """(image id, tag) pairs to push, in order: each image's key tag first, then its tags, final last; so that a
    registry holding final holds the rest.  tags None: every tag of repository on the engine but initial and those
    of failed steps; image: push that one image under every tag, instead of each tag's own."""
    if tags is None:
        listed = client.images(name=repository)
        found = {split_image(name)[1]: entry["Id"] for entry in listed
                 if (entry.get("Labels") or {}).get(FAILED_LABEL) != "true"
                 for name in entry.get("RepoTags") or [] if split_image(name)[0] == repository}
        found.pop(INITIAL_TAG, None)
        # oldest first: a step before the steps built on it
        order = {entry["Id"]: entry["Created"] for entry in listed}
        tags = sorted(found, key=lambda t: (t == FINAL_TAG, order[found[t]], t))
        images = [(found[tag], tag) for tag in tags]
    else:
        tags = sorted(tags, key=lambda t: t == FINAL_TAG)
        images = []
        for tag in tags:
            reference = image or image_name(repository, tag)
            image_id = find_image(client, reference)
            if image_id is None:
                raise RegistryError("there is no image %s on the Docker engine at %s to push" % (reference, client.url))
            images.append((image_id, tag))
    if not key_tags:
        return images
    pairs, keyed = [], set()
    for image_id, tag in images:
        if image_id not in keyed:
            keyed.add(image_id)
            key = (client.inspect_image(image_id)["Config"].get("Labels") or {}).get(KEY_LABEL)
            if key:
                pairs.append((image_id, key_tag(key)))
        pairs.append((image_id, tag))
    return pairs


def push(client, registry, repository, pairs, check_mode=False):
    """Push each (image id, tag) of pairs as <REGISTRY>/<repository>:<tag>, unless the registry has that image
    there already.  Returns the references pushed (or, in check mode, to push) and those the registry had.
    The engine keeps no name of the registry's: a push tags the image for it, then removes that tag."""
    pushed, present = [], []
    remote = registry.repository(repository)
    for image_id, tag in pairs:
        reference = image_name(remote, tag)
        if same_image(registry, repository, tag, image_id):
            present.append(reference)
            continue
        pushed.append(reference)
        if check_mode:
            continue
        named = bool(client.inspect_image(image_id).get("RepoTags"))
        client.tag(image_id, remote, tag)
        try:
            client.push(remote, tag)
        except EngineError as exc:
            raise _transfer_failed(client, "push %s" % reference, exc)
        finally:
            if named:  # it keeps its other names; an image that had none keeps this one, not to be deleted
                client.remove_image(reference)
    return pushed, present


def pull(client, registry, repository, tag, as_repository, as_tag):
    """Pull <REGISTRY>/<repository>:<tag> through the engine and name it as_repository:as_tag there (the registry's
    name is removed again); the image's id."""
    remote = registry.repository(repository)
    try:
        image_id = client.pull(remote, tag)
    except EngineError as exc:
        raise _transfer_failed(client, "pull %s:%s" % (remote, tag), exc)
    client.tag(image_id, as_repository, as_tag)
    client.remove_image(image_name(remote, tag))
    return image_id


def delete_tags(registry, repository, tags=None):
    """Delete the manifests of repository's tags (every tag, unless tags are given) from the registry; the tags
    deleted, those that named a manifest deleted with another among them."""
    held = registry.tags(repository)
    wanted = [tag for tag in held if tags is None or tag in tags]
    for tag in wanted:
        registry.delete(repository, tag)
    left = set(registry.tags(repository)) if wanted else set(held)
    return [image_name(registry.repository(repository), tag) for tag in wanted if tag not in left]
