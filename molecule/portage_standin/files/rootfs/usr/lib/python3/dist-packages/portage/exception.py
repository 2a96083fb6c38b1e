"""STAND-IN for portage.exception (see portage/__init__.py)."""


class InvalidAtom(Exception):
    """An atom without a category."""
