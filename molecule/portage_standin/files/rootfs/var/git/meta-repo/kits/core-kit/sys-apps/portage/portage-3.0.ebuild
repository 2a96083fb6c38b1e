# STAND-IN: an ebuild of the meta-repo, which the stage4 leaves out
