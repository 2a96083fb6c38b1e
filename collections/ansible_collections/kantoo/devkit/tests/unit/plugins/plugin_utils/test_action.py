"""What the collection's controller-side actions share (plugin_utils/_action.py): a task on the host of a tree file
that could not be read fails with its message, and a stalk's task reads the host variables of its own tree only."""

from collections.abc import Mapping

from ansible_collections.kantoo.devkit.plugins.plugin_utils._action import tree_error, tree_stalks


class HostVars(Mapping):
    """hostvars, counting whose variables are read: Ansible computes them on each read."""

    def __init__(self, hosts):
        self.hosts, self.read = hosts, []

    def __getitem__(self, name):
        self.read.append(name)
        return self.hosts[name]

    def __iter__(self):
        return iter(self.hosts)

    def __len__(self):
        return len(self.hosts)


def test_a_stalks_task_reads_its_own_trees_hosts_only():
    hosts = {"a": {"kantoo_tree_file": "/t/one.hjson"}, "b": {"kantoo_tree_file": "/t/one.hjson"},
             "elsewhere": {"kantoo_tree_file": "/u/one.hjson"}}  # a tree of the same name in another directory
    hosts.update({"other%d" % n: {"kantoo_tree_file": "/t/other.hjson"} for n in range(50)})
    hostvars = HostVars(hosts)
    task_vars = {"hostvars": hostvars, "kantoo_tree": "one", "kantoo_tree_file": "/t/one.hjson",
                 "groups": {"all": sorted(hosts), "one_tree": ["a", "b", "elsewhere"],
                            "other_tree": ["other%d" % n for n in range(50)]}}
    assert tree_stalks(task_vars) == [hosts["a"], hosts["b"]]
    assert sorted(set(hostvars.read)) == ["a", "b", "elsewhere"], "no other tree's variables are computed"


def test_the_host_of_a_broken_tree_fails_with_its_message():
    assert tree_error({"kantoo_tree_error": "/t/bad.hjson: key 'stalks.a.junk' is neither"}) == {
        "failed": True, "msg": "/t/bad.hjson: key 'stalks.a.junk' is neither"}
    assert tree_error({"kantoo_tree_file": "/t/good.hjson"}) is None
