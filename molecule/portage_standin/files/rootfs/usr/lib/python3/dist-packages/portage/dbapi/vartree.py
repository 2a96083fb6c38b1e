"""STAND-IN for portage.dbapi.vartree (see portage/__init__.py): the installed packages of /var/db/pkg."""
import glob
import re

from portage.exception import InvalidAtom


class vardbapi:  # noqa: N801 - Portage's name
    def match(self, atom):
        cp = re.sub(r"-[0-9][^/]*$", "", re.split(r"::|:|\[", re.sub(r"^[<>=~!]+", "", atom))[0])
        if "/" not in cp:
            raise InvalidAtom(atom)
        return sorted(path[len("/var/db/pkg/"):] for path in glob.glob("/var/db/pkg/%s-[0-9]*" % cp))
