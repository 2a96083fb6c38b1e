"""Unit tests of the collection's plugins: nothing here needs a Docker engine.

The collection is imported as ansible_collections.kantoo.devkit from the project's collections/ folder."""

import sys
from pathlib import Path

COLLECTIONS = Path(__file__).resolve().parents[5]
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
