"""STAND-IN for Portage's Python API (no Gentoo stage3 can be fetched here, see molecule/portage_standin/README.md).

Only what the roles reach: community.general.portage imports portage.dbapi.vartree and portage.exception,
the stage4 export reads portage.settings.profiles (the profile directories, parents first).
"""
import os


def _profiles(path):
    parents = os.path.join(path, "parent")
    stack = []
    if os.path.exists(parents):
        with open(parents, encoding="utf-8") as lines:
            for line in lines.read().split():
                stack += _profiles(os.path.normpath(os.path.join(path, line)))
    return stack + [path]


class _Settings:
    @property
    def profiles(self):
        return _profiles(os.path.realpath("/etc/portage/make.profile"))


settings = _Settings()
