"""Where the store lives and which system the dashboard is about.

Read from `settings.toml` beside the project, then overridden by environment variables, so a
deployment for another council changes one line (or one variable) and nothing else.
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


@dataclass(frozen=True)
class Settings:
    area_code: str
    benchmark_code: str
    db_path: Path
    upload_limit_mb: float

    @property
    def archive_dir(self) -> Path:
        """Raw files are archived by sha256 beside the database they were loaded into."""
        return archive_dir_for(self.db_path)


def archive_dir_for(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}_archive"


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
    db_path = Path(pick("db_path", "data/pbip.duckdb"))
    if not db_path.is_absolute():
        db_path = path.parent / db_path
    return Settings(area_code=area_code, benchmark_code=benchmark_code, db_path=db_path,
                    upload_limit_mb=float(pick("upload_limit_mb", "50")))
