"""The project's inventory (inventories/): both trees, read by the stalker plugin with the project's ansible.cfg.
No Docker. The plugin's own tests are the collection's tests/unit/plugins/inventory/test_stalker.py."""

from conftest import BIN, run


def test_the_project_inventory_has_both_trees():
    proc = run([str(BIN / "ansible-inventory"), "--graph"], check=False)
    assert proc.returncode == 0, proc.stdout
    assert "@hello_world_tree:" in proc.stdout and "@kantoo_tree:" in proc.stdout
    assert "@build_binaries_descendants:" in proc.stdout
