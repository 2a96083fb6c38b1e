"""STAND-IN for portage.dbapi (see portage/__init__.py)."""
