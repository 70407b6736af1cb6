"""Loaders: files in, DuckDB out. Pages never read files; loaders never draw.

`load_file(path, db, user)` recognises any bundled layout by its content, validates every row and
loads it in one write through the store's door; `build(db)` (re)builds the store from the bundled
data; `ensure_store(db)` builds it, or recovers it from its archive, when its file is missing.
"""

from loaders.build import build, ensure_store
from loaders.errors import LoadError
from loaders.pipeline import LoadResult, load_file

__all__ = ["LoadError", "LoadResult", "build", "ensure_store", "load_file"]
