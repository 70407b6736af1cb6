"""Shared pytest options and fixtures."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/fixtures/golden/*.csv from the current code")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files instead of comparing them."""
    return bool(request.config.getoption("--update-golden"))


# --- The store under test, built from code -------------------------------------------------------

import shutil  # noqa: E402
from pathlib import Path  # noqa: E402

import store  # noqa: E402
from loaders import build  # noqa: E402
from loaders.build import load_reference  # noqa: E402
from tests.small_store import build_small_store  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def con():
    """A fresh in-memory store: schema applied, reference data (indicators, organisations) loaded."""
    connection = store.connect(":memory:")
    load_reference(connection, user="test")
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def bundled_db(tmp_path_factory) -> Path:
    """The store built once from the bundled data (read it; copy it with `built_db` to change it)."""
    path = tmp_path_factory.mktemp("bundled") / "pbip.duckdb"
    build(path)
    return path


@pytest.fixture
def built_db(bundled_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the bundled store."""
    path = tmp_path / "pbip.duckdb"
    shutil.copyfile(bundled_db, path)
    return path


@pytest.fixture(scope="session")
def small_db(tmp_path_factory) -> Path:
    """The small store of tests/small_store.py, built once from code (read it; copy it with `small_store_db`)."""
    return build_small_store(tmp_path_factory.mktemp("small") / "small.duckdb")


@pytest.fixture
def small_store_db(small_db: Path, tmp_path: Path) -> Path:
    """A private, writable copy of the small store."""
    path = tmp_path / "small.duckdb"
    shutil.copyfile(small_db, path)
    return path


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A store with the schema and nothing else."""
    path = tmp_path / "empty.duckdb"
    store.connect(path).close()
    return path


# --- Both engines: the embedded DuckDB file and the shared store (DuckLake on a real PostgreSQL) -----

import itertools  # noqa: E402

from store.settings import StoreLocation  # noqa: E402
from tests import postgres as _postgres  # noqa: E402

_databases = itertools.count(1)


@pytest.fixture(scope="session")
def postgres():
    """A real PostgreSQL for the session (skips, saying why, when it is not installed)."""
    if _postgres.binaries() is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql), so the shared store is not tested")
    server = _postgres.start()
    yield server
    server.stop()


@pytest.fixture
def lake_location(request, tmp_path: Path) -> StoreLocation:
    """A new, empty shared store: DuckLake with its catalog in a fresh PostgreSQL database."""
    server = request.getfixturevalue("postgres")
    conninfo = server.create_database(f"pbip_test_{next(_databases)}")
    return StoreLocation("ducklake", tmp_path / "lake_data", f"postgres:{conninfo}")


@pytest.fixture(params=["duckdb", "ducklake"])
def store_location(request, tmp_path: Path) -> StoreLocation:
    """A new, empty store on each engine in turn: a DuckDB file, then the shared store."""
    if request.param == "duckdb":
        return StoreLocation("duckdb", tmp_path / "pbip.duckdb")
    return request.getfixturevalue("lake_location")


# --- Browser tests on a busy machine --------------------------------------------------------------

try:
    from playwright.sync_api import expect as _expect
except ImportError:  # the browser tests skip themselves without Playwright
    _expect = None
if _expect is not None:
    # Playwright's waiting assertions give up after 5 s by default; a busy CI machine can take longer to
    # draw a page. They still return as soon as what they wait for is true.
    _expect.set_options(timeout=30_000)
