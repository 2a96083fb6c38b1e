"""A run's engines (plugin_utils/_run.py): each engine a run starts a container on is recorded once, and the
run's end removes its containers on every one of them, an engine that cannot be reached keeping no other's."""

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineError, EngineUnreachable
from ansible_collections.kantoo.devkit.plugins.plugin_utils import _run
from ansible_collections.kantoo.devkit.plugins.plugin_utils._run import record_engine, remove_everywhere, run_engines

RUN = "host:123:456"


def test_each_engine_of_a_run_is_recorded_once_beside_its_markers(tmp_path, monkeypatch):
    monkeypatch.delenv("DOCKER_HOST")
    record_engine(str(tmp_path), RUN, "tcp://far:2376")
    record_engine(str(tmp_path), RUN)
    record_engine(str(tmp_path), RUN, "tcp://far:2376")
    assert run_engines(str(tmp_path), RUN) == ["tcp://far:2376", "unix:///var/run/docker.sock"]
    assert (tmp_path / ".kantoo/run/host@123@456.engines").is_file()
    assert run_engines(str(tmp_path), "host:1:2") == []


def test_the_runs_end_removes_its_containers_on_every_engine_it_used(monkeypatch):
    removed = []

    def connect(url, timeout):
        if url == "unix:///gone.sock":
            raise EngineUnreachable(url, "no such file")
        return url

    monkeypatch.setattr(_run, "connect", connect)
    monkeypatch.setattr(_run, "remove_containers_of", lambda client, run: removed.append((client, run)))
    remove_everywhere(RUN, ["unix:///gone.sock", "tcp://far:2376", "unix:///here.sock"], timeout=1)
    assert removed == [("tcp://far:2376", RUN), ("unix:///here.sock", RUN)]


class Removing:
    """An engine on which each container's removal is already under way: DELETE answers 409, and the container
    shows as removing for `rounds` inspections, then is gone or, when `ends` is 'dead', left dead."""

    def __init__(self, rounds, ends="gone"):
        self.rounds, self.ends, self.calls = rounds, ends, []

    def remove_container(self, container, v=False, force=False):
        self.calls.append(("remove", container))
        if self.ends == "dead" and self.rounds < 0:  # asked again once the removal stopped: it goes now
            self.ends = "gone"
            return
        raise EngineError(409, "removal of container %s is already in progress" % container)

    def inspect_container(self, container):
        self.calls.append(("inspect", container))
        self.rounds -= 1
        if self.rounds >= 0:
            return {"State": {"Status": "removing"}}
        if self.ends == "dead":
            return {"State": {"Status": "dead"}}
        raise EngineError(404, "No such container: %s" % container)


def test_a_container_being_removed_already_is_waited_for_until_it_is_gone():
    engine = Removing(rounds=3)
    _run._remove(engine, [{"Id": "c1"}])
    assert engine.calls == [("remove", "c1")] + [("inspect", "c1")] * 4


def test_a_container_whose_removal_stopped_is_removed_once_more():
    engine = Removing(rounds=1, ends="dead")
    _run._remove(engine, [{"Id": "c1"}])
    assert engine.calls == [("remove", "c1"), ("inspect", "c1"), ("inspect", "c1"), ("remove", "c1")]


def test_a_container_gone_already_is_not_waited_for():
    class Gone:
        calls = []

        def remove_container(self, container, v=False, force=False):
            self.calls.append(container)
            raise EngineError(404, "No such container")

    engine = Gone()
    _run._remove(engine, [{"Id": "c1"}, {"Id": "c2"}])
    assert engine.calls == ["c1", "c2"]
