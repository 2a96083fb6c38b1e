"""What the seed's hello world prints, and how to read the lines the steps printed out of a run's output."""

# The seed README's transcript of its hello world.
SEED_LINES = """\
* shell and f-string variables that are used in shell scripts used to modify this image must be declared here
* if they are set to the empty string, they are set by the tree config that this stalk is contained in

These are bash variables
TREE_CONFIG_VAR is set to hello from stalker config
STALK_CONFIG_VAR is set to hello from dockerdriver config

Python f-string subsitution is done on file plugins
e.g. {F_STRING_VAR} in /tmp/hello_file is set to
hello from f-string subsitution in a file
hello from a python plugin via environment variables
hello from a python plugin via arguments
hello from a python plugin via explicit arguments
""".splitlines()
# Ansible separates tasks by blank lines, so blank lines are not compared.
SEED_LINES = [line for line in SEED_LINES if line]


def step_lines(output):
    """The lines the steps printed: the run's output without Ansible's banners, status lines and blank lines."""
    ansible = ("TASK [", "PLAY [", "PLAY RECAP", "ok:", "changed:", "skipping:", "included:", "hello_world ", "writer ")
    return [line for line in output.splitlines() if line and not line.startswith(ansible)]
