"""The collection's registry client without a registry: what a REGISTRY may be, how it is reached (plain HTTP on
loopback, https elsewhere, plain HTTP when https gets no TLS answer), the v2 API requests it makes against a fake
registry on a local port, and the moves between an engine (a fake client) and a registry: what is pushed, in which
order, what is left alone, and which names the engine keeps."""

import hashlib
import http.server
import json
import socket
import socketserver
import threading

import pytest

from ansible_collections.kantoo.devkit.plugins.module_utils import _registry as registry
from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError
from ansible_collections.kantoo.devkit.plugins.module_utils._names import FAILED_LABEL, KEY_LABEL

MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"


def digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class FakeRegistry(http.server.BaseHTTPRequestHandler):
    """Answers as Docker distribution does: manifests maps (name, tag) to manifest bytes, blobs digest to bytes;
    deletes and requests are kept."""

    protocol_version = "HTTP/1.1"
    manifests, blobs, seen = {}, {}, []
    status = None  # every answer's status, when set (401, 500...)
    deletes = True
    redirect = False  # blobs are served from elsewhere

    def _send(self, status, body=b"", headers=None):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status, code):
        self._send(status, json.dumps({"errors": [{"code": code, "message": code.lower()}]}).encode(),
                   {"Content-Type": "application/json"})

    def _answer(self):
        self.seen.append((self.command, self.path, dict(self.headers)))
        if self.status:
            return self._error(self.status, "UNAUTHORIZED" if self.status == 401 else "UNKNOWN")
        if self.path == "/v2/":
            return self._send(200, b"{}", {"Content-Type": "application/json"})
        if self.path.startswith("/storage/"):  # where a registry whose blobs live elsewhere sends a client
            return self._send(200, self.blobs[self.path[len("/storage/"):]])
        name, kind, reference = self.path[len("/v2/"):].rsplit("/", 2)
        if kind == "tags":
            tags = sorted(tag for (n, tag) in self.manifests if n == name)
            if not tags:
                return self._error(404, "NAME_UNKNOWN")
            return self._send(200, json.dumps({"name": name, "tags": tags}).encode())
        if kind == "blobs":
            if reference not in self.blobs:
                return self._error(404, "BLOB_UNKNOWN")
            if self.redirect:
                return self._send(307, b"", {"Location": "/storage/" + reference})
            return self._send(200, self.blobs[reference])
        if self.command == "DELETE":
            if not self.deletes:
                return self._error(405, "UNSUPPORTED")
            gone = [key for key, body in self.manifests.items() if key[0] == name and digest(body) == reference]
            for key in gone:
                del self.manifests[key]
            return self._send(202 if gone else 404)
        body = next((b for (n, tag), b in self.manifests.items()
                     if n == name and reference in (tag, digest(b))), None)
        if body is None:
            return self._error(404, "MANIFEST_UNKNOWN")
        return self._send(200, body, {"Content-Type": MANIFEST_V2, "Docker-Content-Digest": digest(body)})

    do_GET = do_HEAD = do_DELETE = _answer

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


@pytest.fixture
def fake():
    """A fake registry on 127.0.0.1: (its REGISTRY, the handler class holding its state)."""
    FakeRegistry.manifests, FakeRegistry.blobs, FakeRegistry.seen = {}, {}, []
    FakeRegistry.status, FakeRegistry.deletes, FakeRegistry.redirect = None, True, False
    server = Server(("127.0.0.1", 0), FakeRegistry)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield "127.0.0.1:%d" % server.server_address[1], FakeRegistry
    server.shutdown()
    server.server_close()


def hold(state, name, tag, config):
    """Put an image whose config is config under name:tag; its id (the config's digest)."""
    data = json.dumps(config).encode()
    state.blobs[digest(data)] = data
    state.manifests[(name, tag)] = json.dumps({"schemaVersion": 2, "mediaType": MANIFEST_V2, "config": {
        "mediaType": "application/vnd.docker.container.image.v1+json", "digest": digest(data), "size": len(data)},
        "layers": []}).encode()
    return digest(data)


# What a REGISTRY is -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["127.0.0.1:5000", "localhost:5000", "localhost", "registry.example.org",
                                   "registry.example.org:443/builds/kantoo", "10.0.0.2:5000/a_b"])
def test_a_registry_is_host_port_and_a_prefix(value):
    assert registry.registry_problem(value) is None


@pytest.mark.parametrize("value, problem", [
    ("http://127.0.0.1:5000", "without a scheme"), ("builder", "needs a port"), ("127.0.0.1:5000/Upper", "prefix"),
    ("127.0.0.1:99999", "port"), ("host:port", "host:port[/prefix]"), (5000, "not a string"),
    ("127.0.0.1:5000/", "host:port[/prefix]")])
def test_a_bad_registry_says_why(value, problem):
    assert problem in registry.registry_problem(value)


def test_loopback_is_plain_http_as_docker_has_it_and_anything_else_https():
    assert registry.Registry("127.0.0.1:5000").url == "http://127.0.0.1:5000"
    assert registry.Registry("127.3.2.1:5000").url == "http://127.3.2.1:5000"
    assert registry.Registry("localhost:5000/pre").url == "http://localhost:5000"
    assert registry.Registry("registry.example.org").url == "https://registry.example.org"
    assert registry.Registry("10.0.0.2:5000").url == "https://10.0.0.2:5000"
    with pytest.raises(registry.RegistryError, match="no registry"):
        registry.Registry("nothing")


def test_names_under_a_prefix():
    prefixed = registry.Registry("127.0.0.1:5000/builds/kantoo")
    assert prefixed.name("debian/amd64/bookworm/base") == "builds/kantoo/debian/amd64/bookworm/base"
    assert prefixed.repository("debian/base") == "127.0.0.1:5000/builds/kantoo/debian/base"
    assert registry.Registry("127.0.0.1:5000").name("debian/base") == "debian/base"


def test_a_key_tag_is_a_docker_tag():
    key = hashlib.sha256(b"parent and inputs").hexdigest()
    assert registry.key_tag(key) == "key-" + key and len(registry.key_tag(key)) == 68 <= 128


# The v2 API ---------------------------------------------------------------------------------------------------

def test_a_lookup_is_a_head_that_accepts_docker_and_oci_manifests_and_lists(fake):
    address, state = fake
    image_id = hold(state, "pre/debian/base", "key-abc", {"config": {"Labels": {KEY_LABEL: "abc"}}})
    client = registry.Registry(address + "/pre")
    client.ping()
    found = client.manifest_digest("debian/base", "key-abc")
    assert found == digest(state.manifests[("pre/debian/base", "key-abc")])
    method, path, headers = state.seen[-1]
    assert (method, path) == ("HEAD", "/v2/pre/debian/base/manifests/key-abc")
    assert set(headers["Accept"].split(", ")) == {
        MANIFEST_V2, "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json"}
    assert client.manifest_digest("debian/base", "key-other") is None
    assert client.manifest_digest("debian/other", "final") is None
    assert client.image_id("debian/base", "key-abc") == image_id
    assert client.image_id("debian/base", "final") is None


def test_the_config_of_an_image_is_its_manifest_then_its_config_blob(fake):
    address, state = fake
    hold(state, "debian/base", "final", {"config": {"Env": ["PATH=/bin"], "Labels": {"a": "b"}}})
    config = registry.Registry(address).image_config("debian/base", "final")
    assert config["config"]["Labels"] == {"a": "b"}
    assert [(m, p.split("/")[-2]) for m, p, _h in state.seen] == [("GET", "manifests"), ("GET", "blobs")]
    assert registry.Registry(address).image_config("debian/base", "nothing") is None
    state.redirect = True
    assert registry.Registry(address).image_config("debian/base", "final")["config"]["Labels"] == {"a": "b"}
    assert state.seen[-1][1].startswith("/storage/sha256:")


def test_tags_and_a_delete_by_digest_which_takes_every_tag_of_that_manifest(fake):
    address, state = fake
    client = registry.Registry(address)
    assert client.tags("debian/base") == []
    hold(state, "debian/base", "one", {"n": 1})
    hold(state, "debian/base", "final", {"n": 2})
    state.manifests[("debian/base", "two")] = state.manifests[("debian/base", "final")]
    assert client.tags("debian/base") == ["final", "one", "two"]
    manifests = [digest(state.manifests[("debian/base", tag)]) for tag in ("final", "one")]
    assert registry.delete_tags(client, "debian/base", ["final", "one"]) == [
        address + "/debian/base:final", address + "/debian/base:one"]
    assert [p for m, p, _h in state.seen if m == "DELETE"] == ["/v2/debian/base/manifests/" + d for d in manifests]
    assert client.tags("debian/base") == [], "'two' named the manifest that final named"
    assert client.delete("debian/base", "one") is False


def test_a_registry_that_does_not_delete_says_what_to_set(fake):
    address, state = fake
    hold(state, "debian/base", "one", {"n": 1})
    state.deletes = False
    with pytest.raises(registry.RegistryError, match="storage.delete.enabled: true"):
        registry.Registry(address).delete("debian/base", "one")


def test_a_registry_that_asks_for_credentials_says_so(fake):
    address, state = fake
    state.status = 401
    with pytest.raises(registry.RegistryError) as error:
        registry.Registry(address).ping()
    assert "401" in str(error.value) and "without authentication" in str(error.value)
    assert error.value.status == 401


def test_no_registry_names_the_url_and_what_to_do():
    address = "127.0.0.1:%d" % unused_port()
    with pytest.raises(registry.RegistryError) as error:
        registry.Registry(address).ping()
    message = str(error.value)
    assert "cannot reach the registry %s at http://%s/v2/" % (address, address) in message
    assert "Start it, or fix REGISTRY" in message and "insecure-registries" in message
    assert error.value.status is None


def test_https_that_gets_a_plain_http_answer_speaks_plain_http_as_for_an_insecure_registry(fake):
    address, state = fake
    hold(state, "debian/base", "final", {"n": 1})
    client = registry.Registry(address)
    client.secure = True  # as for a registry elsewhere, whose https this plain server cannot answer
    assert client.manifest_digest("debian/base", "final") is not None
    assert client.secure is False and client.url.startswith("http://")


def unused_port():
    """A port of 127.0.0.1 that was free a moment ago."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# Between an engine and a registry -------------------------------------------------------------------------------

class FakeEngine:
    """The calls of Engine that pushes and pulls make: images by id with their tags and labels, the requests
    kept. push copies the image into the fake registry's state, as an engine would."""

    url = "unix:///fake/docker.sock"

    def __init__(self, state, address):
        self.state, self.address = state, address
        self.held = {}  # id -> {"tags": [...], "labels": {...}, "created": n}
        self.calls = []

    def add(self, image_id, tags, labels=None, created=0):
        self.held[image_id] = {"tags": list(tags), "labels": labels or {}, "created": created}

    def _id(self, reference):
        return reference if reference in self.held else next(
            (i for i, image in self.held.items() if reference in image["tags"]), None)

    def inspect_image(self, reference):
        image_id = self._id(reference)
        if image_id is None:
            raise EngineError(404, "No such image: %s" % reference)
        image = self.held[image_id]
        return {"Id": image_id, "RepoTags": image["tags"], "Config": {"Labels": image["labels"]}}

    def images(self, name=None, **_kwargs):
        return [{"Id": i, "RepoTags": image["tags"], "Labels": image["labels"], "Created": image["created"]}
                for i, image in self.held.items() if any(t.rsplit(":", 1)[0] == name for t in image["tags"])]

    def tag(self, image, repository, tag):
        self.calls.append(("tag", image, repository + ":" + tag))
        self.held[self._id(image)]["tags"].append(repository + ":" + tag)

    def remove_image(self, reference):
        self.calls.append(("untag", reference))
        image = self.held[self._id(reference)]
        image["tags"].remove(reference)

    def push(self, repository, tag):
        self.calls.append(("push", repository + ":" + tag))
        image_id = self._id(repository + ":" + tag)
        name = repository[len(self.address) + 1:]
        self.state.manifests[(name, tag)] = json.dumps({"schemaVersion": 2, "config": {"digest": image_id}}).encode()
        return "sha256:manifest"

    def pull(self, repository, tag):
        self.calls.append(("pull", repository + ":" + tag))
        name = repository[len(self.address) + 1:]
        image_id = json.loads(self.state.manifests[(name, tag)])["config"]["digest"]
        self.held.setdefault(image_id, {"tags": [], "labels": {}, "created": 0})["tags"].append(
            repository + ":" + tag)
        return image_id


def test_a_stalk_is_pushed_key_tags_first_final_last_and_the_engine_keeps_no_registry_name(fake):
    address, state = fake
    engine = FakeEngine(state, address)
    engine.add("sha256:aaa", ["r/s:initial"], created=1)
    engine.add("sha256:bbb", ["r/s:one"], {KEY_LABEL: "k1"}, created=2)
    engine.add("sha256:ccc", ["r/s:two", "r/s:final", "other/t:two"], {KEY_LABEL: "k2"}, created=3)
    engine.add("sha256:ddd", ["r/s:three-failed"], {KEY_LABEL: "", FAILED_LABEL: "true"}, created=4)
    pairs = registry.push_plan(engine, "r/s")
    assert pairs == [("sha256:bbb", "key-k1"), ("sha256:bbb", "one"), ("sha256:ccc", "key-k2"),
                     ("sha256:ccc", "two"), ("sha256:ccc", "final")]
    client = registry.Registry(address)
    assert registry.push(engine, client, "r/s", pairs, check_mode=True) == (
        ["%s/r/s:%s" % (address, tag) for _i, tag in pairs], [])
    assert engine.calls == [] and state.manifests == {}, "check mode pushes nothing"

    pushed, present = registry.push(engine, client, "r/s", pairs)
    assert pushed == ["%s/r/s:%s" % (address, tag) for _i, tag in pairs] and present == []
    assert [c[-1] for c in engine.calls if c[0] == "push"] == pushed
    assert all(not t.startswith(address) for image in engine.held.values() for t in image["tags"])
    assert engine.held["sha256:ccc"]["tags"] == ["r/s:two", "r/s:final", "other/t:two"]
    assert client.image_id("r/s", "key-k2") == "sha256:ccc"

    engine.calls = []
    assert registry.push(engine, client, "r/s", pairs) == ([], pushed), "what the registry holds is not pushed"
    assert engine.calls == []


def test_given_tags_push_one_image_or_each_its_own_and_a_nameless_image_keeps_the_registry_name(fake):
    address, state = fake
    engine = FakeEngine(state, address)
    engine.add("sha256:bbb", ["r/s:one"], {KEY_LABEL: "k1"})
    engine.add("sha256:eee", [])
    assert registry.push_plan(engine, "r/s", ["final", "one"], image="sha256:bbb") == [
        ("sha256:bbb", "key-k1"), ("sha256:bbb", "one"), ("sha256:bbb", "final")]
    assert registry.push_plan(engine, "r/s", ["one"], key_tags=False) == [("sha256:bbb", "one")]
    with pytest.raises(registry.RegistryError, match="no image r/s:two on the Docker engine"):
        registry.push_plan(engine, "r/s", ["two"])
    registry.push(engine, registry.Registry(address), "r/s", [("sha256:eee", "lone")])
    assert engine.held["sha256:eee"]["tags"] == [address + "/r/s:lone"], "untagging would delete it"


def test_a_pull_names_the_image_as_asked_and_drops_the_registry_name(fake):
    address, state = fake
    engine = FakeEngine(state, address)
    hold(state, "r/s", "key-k1", {"n": 1})
    image_id = registry.pull(engine, registry.Registry(address), "r/s", "key-k1", "r/s", "one")
    assert engine.held[image_id]["tags"] == ["r/s:one"]
    assert [c[0] for c in engine.calls] == ["pull", "tag", "untag"]


def test_an_engine_that_cannot_push_says_what_a_registry_elsewhere_needs(fake):
    address, state = fake
    engine = FakeEngine(state, address)
    engine.add("sha256:bbb", ["r/s:one"])

    def refuse(repository, tag):
        raise EngineError(500, "http: server gave HTTP response to HTTPS client")
    engine.push = refuse
    with pytest.raises(registry.RegistryError) as error:
        registry.push(engine, registry.Registry(address), "r/s", [("sha256:bbb", "one")])
    assert "could not push %s/r/s:one: http: server gave HTTP response" % address in str(error.value)
    assert "insecure-registries" in str(error.value)
    assert engine.held["sha256:bbb"]["tags"] == ["r/s:one"], "the registry's name goes, even after a failure"
