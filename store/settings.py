"""Where the store lives and which system the dashboard is about.

Read from `settings.toml` beside the project, then overridden by environment variables, so a
deployment for another council changes one line (or one variable) and nothing else.

The store is named by one setting, `store` (`PBIP_STORE`): an engine and a location, written
`duckdb:data/pbip.duckdb` or just the path (the default: an embedded DuckDB file), or
`ducklake:postgres:<libpq connection string>` for the shared store several servers use (DuckLake, its
catalog in PostgreSQL), whose data files live in the directory `store_data_path`
(`PBIP_STORE_DATA_PATH`). The older `db_path` / `PBIP_DB_PATH` still work and name a DuckDB file.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = PROJECT_ROOT / "settings.toml"
ONS_CODE = re.compile(r"[EWSN]\d{8}")
ENGINES = ("duckdb", "ducklake")
DEFAULT_STORE = "data/pbip.duckdb"
DEFAULT_USERS_FILE = Path("~/.config/pbip/users.json")


def users_file() -> Path:
    """Where the accounts are kept: `PBIP_USERS_FILE`, else ~/.config/pbip/users.json (outside the repository)."""
    return Path(os.environ.get("PBIP_USERS_FILE") or DEFAULT_USERS_FILE).expanduser()


@dataclass(frozen=True)
class StoreLocation:
    """Which engine holds the store, and where: the one thing the store door needs to open it."""

    engine: str
    # The DuckDB file; for DuckLake, the directory holding the lake's data files.
    path: Path
    # DuckLake only: the catalog, as DuckDB's ATTACH names it ("postgres:dbname=pbip host=...").
    catalog: str | None = None

    @property
    def archive_dir(self) -> Path:
        return archive_dir_for(self.path)

    @property
    def shared(self) -> bool:
        """True for a store several servers and the command line may open at once."""
        return self.engine == "ducklake"

    def __str__(self) -> str:
        return f"ducklake:{self.catalog}" if self.shared else str(self.path)


@dataclass(frozen=True)
class Settings:
    area_code: str
    benchmark_code: str
    db_path: Path
    upload_limit_mb: float
    store: StoreLocation | None = None

    def __post_init__(self) -> None:
        if self.store is None:
            object.__setattr__(self, "store", StoreLocation("duckdb", self.db_path))

    @property
    def archive_dir(self) -> Path:
        """Raw files are archived by sha256 beside the database they were loaded into."""
        return archive_dir_for(self.db_path)


def archive_dir_for(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}_archive"


def parse_store(text: str, relative_to: Path = PROJECT_ROOT, data_path: str | None = None) -> StoreLocation:
    """`duckdb:PATH` or a bare PATH as a StoreLocation; relative paths are relative to `relative_to`.

    `ducklake:postgres:<libpq string>` is the shared store; `data_path` names its data files' directory.
    """
    text = text.strip()
    if text.startswith("ducklake:"):
        catalog = text.removeprefix("ducklake:").strip()
        if not catalog.startswith("postgres:") or not catalog.removeprefix("postgres:").strip():
            raise ValueError(f'store "{text}" must name its catalog as ducklake:postgres:<connection string>, '
                             'e.g. "ducklake:postgres:dbname=pbip host=db.example port=5432"')
        if not data_path:
            raise ValueError(f'store "{text}" needs the directory for its data files: set PBIP_STORE_DATA_PATH '
                             '(or store_data_path in settings.toml)')
        directory = Path(data_path)
        return StoreLocation("ducklake", directory if directory.is_absolute() else relative_to / directory, catalog)
    engine, separator, location = text.partition(":")
    # An engine name has two or more letters, so a Windows drive ("C:\\...") reads as a path.
    if not (separator and re.fullmatch(r"[a-z][a-z0-9_]+", engine)):
        engine, location = "duckdb", text
    if engine not in ENGINES:
        raise ValueError(f'store "{text}" names the engine "{engine}"; engines: {", ".join(ENGINES)}')
    if not location:
        raise ValueError(f'store "{text}" names no location')
    path = Path(location)
    return StoreLocation(engine, path if path.is_absolute() else relative_to / path)


def load_settings(path: Path = SETTINGS_FILE, environ: dict[str, str] | None = None) -> Settings:
    """The settings in force: the file's values, each overridden by its PBIP_* variable."""
    environ = os.environ if environ is None else environ
    file_values = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    def pick(key: str, default: str) -> str:
        return str(environ.get(f"PBIP_{key.upper()}") or file_values.get(key) or default)

    area_code = pick("area_code", "E06000014").strip()
    benchmark_code = pick("benchmark_code", "E92000001").strip()
    for name, code in (("area_code", area_code), ("benchmark_code", benchmark_code)):
        if not ONS_CODE.fullmatch(code):
            raise ValueError(f'{name} must be an ONS area code such as "E06000014" (got "{code}")')
    # The newest way of naming the store wins: a variable over the file, `store` over `db_path`.
    chosen = (environ.get("PBIP_STORE") or environ.get("PBIP_DB_PATH") or file_values.get("store")
              or file_values.get("db_path") or DEFAULT_STORE)
    data_path = environ.get("PBIP_STORE_DATA_PATH") or file_values.get("store_data_path")
    location = parse_store(str(chosen), relative_to=path.parent, data_path=data_path)
    return Settings(area_code=area_code, benchmark_code=benchmark_code, db_path=location.path,
                    upload_limit_mb=float(pick("upload_limit_mb", "50")), store=location)


def location_of(db: StoreLocation | Path | str) -> StoreLocation:
    """The store a command names: a StoreLocation, a DuckDB file's path, or `ducklake:postgres:...`
    (whose data files' directory is PBIP_STORE_DATA_PATH, or the one in the settings)."""
    if isinstance(db, StoreLocation):
        return db
    text = str(db)
    if text.startswith("ducklake:"):
        settings = load_settings()
        data_path = os.environ.get("PBIP_STORE_DATA_PATH") or (
            str(settings.store.path) if settings.store.shared else None)
        return parse_store(text, relative_to=Path.cwd(), data_path=data_path)
    return StoreLocation("duckdb", Path(text))
