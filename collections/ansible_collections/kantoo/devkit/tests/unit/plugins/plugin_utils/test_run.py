"""A run's engines (plugin_utils/_run.py): each engine a run starts a container on is recorded once, and the
run's end removes its containers on every one of them, an engine that cannot be reached keeping no other's."""

from ansible_collections.kantoo.devkit.plugins.module_utils._engine import EngineUnreachable
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
