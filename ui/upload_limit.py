"""One upload limit: the one the uploader shows, the one the server enforces, the one the page checks.

`upload_limit_mb` (settings.toml, `PBIP_UPLOAD_LIMIT_MB`) sets Streamlit's `server.maxUploadSize` (the
server refuses a larger request from its Content-Length, before reading the body, and stops reading one
that grows past it) and the uploader's own `max_upload_size` (the browser refuses a larger file before
sending it, and the widget says "Limit N MB per file"). Streamlit counts whole megabytes, so a fractional
setting is rounded up there; the page still refuses anything above the exact setting.
"""

from __future__ import annotations

import math

from streamlit import config

from store.settings import load_settings


def whole_megabytes(limit_mb: float) -> int:
    """The limit as Streamlit takes it: whole megabytes, at least 1."""
    return max(1, math.ceil(limit_mb))


def apply_to_server(limit_mb: float | None = None) -> int:
    """Make the server's `server.maxUploadSize` the setting; returns it in whole megabytes."""
    size = whole_megabytes(load_settings().upload_limit_mb if limit_mb is None else limit_mb)
    if config.get_option("server.maxUploadSize") != size:
        config.set_option("server.maxUploadSize", size)
    return size
