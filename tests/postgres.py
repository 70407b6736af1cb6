"""A real PostgreSQL for the tests: started in a temporary directory on a free port, stopped at the end.

Debian's postgresql package puts initdb and pg_ctl under /usr/lib/postgresql/<version>/bin. PostgreSQL
refuses to run as root, so under root (CI) the cluster belongs to `nobody` and is started with runuser.
Tests that need it skip, saying why, when the binaries are not installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.servers import free_port

SERVER_USER = "nobody"


def binaries() -> Path | None:
    """The directory holding initdb and pg_ctl, or None when PostgreSQL is not installed."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(versions[0]).parent if versions else None


@dataclass
class Postgres:
    """A running PostgreSQL: connect as `postgres` (trust) on 127.0.0.1:`port`."""

    directory: Path
    port: int
    bin_dir: Path

    def conninfo(self, dbname: str = "postgres") -> str:
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user=postgres"

    def create_database(self, name: str) -> str:
        """A new, empty database; returns its libpq connection string."""
        import psycopg

        with psycopg.connect(self.conninfo(), autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            con.execute(f'CREATE DATABASE "{name}"')
        return self.conninfo(name)

    def stop(self) -> None:
        _run_as_server_user([str(self.bin_dir / "pg_ctl"), "-D", str(self.directory / "data"), "-m", "immediate",
                             "stop"], check=False)
        shutil.rmtree(self.directory, ignore_errors=True)


def _run_as_server_user(command: list[str], check: bool = True) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:
        command = ["runuser", "-u", SERVER_USER, "--", *command]
    return subprocess.run(command, check=check, capture_output=True, text=True, cwd="/")


def start() -> Postgres:
    """Initialise and start a cluster in a new temporary directory; RuntimeError with its log if it fails."""
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL is not installed (apt-get install postgresql)")
    directory = Path(tempfile.mkdtemp(prefix="pbip-postgres-"))
    os.chmod(directory, 0o755)
    if os.geteuid() == 0:
        shutil.chown(directory, SERVER_USER)
    port = free_port()
    _run_as_server_user([str(bin_dir / "initdb"), "-D", str(directory / "data"), "-A", "trust", "-U", "postgres",
                         "--no-sync"])
    started = _run_as_server_user([
        str(bin_dir / "pg_ctl"), "-D", str(directory / "data"), "-l", str(directory / "log"), "-w", "-t", "60",
        "-o", f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200",
        "start"], check=False)
    if started.returncode != 0:
        log = (directory / "log").read_text(errors="replace") if (directory / "log").exists() else ""
        raise RuntimeError(f"PostgreSQL did not start: {started.stderr}\n{log}")
    server = Postgres(directory, port, bin_dir)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            server.create_database("pbip_ready_check")
            return server
        except Exception:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError("PostgreSQL started but did not accept connections within 30 s")
