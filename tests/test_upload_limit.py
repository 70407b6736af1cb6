"""Issue 22 (9): the upload limit shown is the one enforced, and the server refuses a larger file unread.

On main the uploader advertised Streamlit's default 200 MB while the page refused above 50 MB, and a
150 MB file was received in full before it was refused. The setting now drives the uploader's own
`max_upload_size` (what it shows, and what the browser refuses before sending) and the server's
`server.maxUploadSize` (a larger request is refused from its Content-Length, before its body is read).
"""

from __future__ import annotations

import os
import subprocess
import sys

from streamlit.testing.v1 import AppTest

from accounts.users import add_user
from store.settings import PROJECT_ROOT


def test_the_uploader_shows_the_setting(monkeypatch, small_store_db, tmp_path):
    users = tmp_path / "users.json"
    monkeypatch.setenv("PBIP_DB_PATH", str(small_store_db))
    monkeypatch.setenv("PBIP_USERS_FILE", str(users))
    monkeypatch.setenv("PBIP_UPLOAD_LIMIT_MB", "3")
    add_user("ana", "correct horse", "analyst", users)
    at = AppTest.from_file(str(PROJECT_ROOT / "pages/upload.py"), default_timeout=60).run()
    at.text_input(key="pbip_login_name").input("ana")
    at.text_input(key="pbip_login_password").input("correct horse")
    at.button[0].click().run()
    assert at.file_uploader[0].proto.max_upload_size_mb == 3


def test_the_server_enforces_the_setting(tmp_path):
    """Importing server.py (what `streamlit run server.py` does first) sets server.maxUploadSize."""
    code = ("import server\nfrom streamlit import config\nprint(config.get_option('server.maxUploadSize'))")
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PBIP_UPLOAD_LIMIT_MB": "7",
                                            "PBIP_USERS_FILE": str(tmp_path / "users.json")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "7"
