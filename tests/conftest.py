"""Shared pytest options, markers and fixtures.

Markers are applied here, never remembered test by test: `browser` on every test that drives Chromium
(it uses Playwright's own `page`, `browser` or `context`), `postgres` on every test that needs a real
PostgreSQL (it uses the `postgres` fixture, or the shared-store side of `store_location`), `slow` on the
modules in `SLOW_MODULES` and the classes and tests in `SLOW_TESTS`.
The quick loop leaves all three out: `scripts/test --quick`.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from accounts.users import add_user
from loaders import build
from loaders.build import load_reference
from store.settings import PROJECT_ROOT, StoreLocation
from tests import postgres as _postgres
from tests.servers import CHROMIUM, serving
from tests.small_store import build_small_store

DATA = Path(__file__).resolve().parent.parent / "data"

# What takes more than a few seconds a test (measured with --durations on a busy two-core machine): board
# packs (chromium draws every chart), the command line and killed loads in subprocesses, builds and rebuilds
# of the bundled store, and walks over every indicator, council or series. Whole modules by name; single
# classes or tests as "module.py::Class" or "module.py::test".
SLOW_MODULES = {
    "test_board_pack",        # a pack of each format, several times over
    "test_board_paper",       # packs with commentary and asks, the slides rendered by LibreOffice
    "test_copy_killed",       # copies killed part-way in subprocesses
    "test_stranger_store",    # a store put back under the dashboard, rebuilt from its archive
    "test_concurrency",       # killed loads, a million-row load, a rebuild from the archive
    "test_one_verdict",       # every indicator for every council, on every page
    "test_opening",           # another process holding the store, the command line in subprocesses
    "test_undo_rebuild",      # undo against a rebuild from the archive, load after load
    # Pages driven through AppTest, a second or more each run (tests/test_pages.py opens every page in the
    # quick loop; these walk each page's workflows).
    "test_plan_pages",
    "test_upload_page",
    "test_pages_small_store",
    "test_indicator_pages",
    "test_commentary_pages",
    "test_executive_summary_page",
    "test_escaping",
    "test_about_audit",
    "test_user_errors",
}
SLOW_TESTS = {
    "test_imports.py::test_every_module_imports_in_a_fresh_interpreter_in_this_order",  # fresh interpreters
    "test_loaders.py::TestBuild",                              # builds the bundled store, twice
    "test_loaders_cli.py::TestRefusingToWrite",                # a subprocess per command
    "test_demonstration.py::test_command_line_writes_to_out",  # a subprocess
    "test_peers.py::TestTheMatrix",                            # every cell against its own assessment
    "test_spc_many.py::TestProperties",                        # Hypothesis over many series
    "test_store_file.py::TestRecovery",                        # a lost store rebuilt from its archive
    "test_pages.py::TestOverview::test_a_missing_store_is_built_on_first_start",  # builds the bundled store
    "test_plan_pages.py::TestRecommendationPage::test_every_recommendation_page_runs",  # all 13 pages
    "test_peers.py::TestThePeersPage",                         # the funnel and matrix of every council
    "test_users.py::TestNamesCannotBeGuessed",                 # bcrypt timed, many times over
    "test_users.py::TestSignIn::test_known_and_unknown_names_are_locked_out_alike",
    "test_users.py::TestCommand",                              # a subprocess per command
    "test_auth.py::TestSignInForm::test_repeated_failures_lock_the_session_out",  # waits out the lockout
    "test_users.py::TestFirstAccount",                         # the command in a shell, the dashboard's start
    "test_users.py::TestLeads::test_the_command_adds_a_lead_with_indicators",  # a subprocess
    "test_targets.py::TestCommandLine",                        # the command line, a rebuild from the archive
    "test_plan_rules_properties.py::TestNoActionIsOverdueAndOnTrack::test_the_pack_never_shows_an_overdue_action_on_track",
    "test_plan_rules_properties.py::TestOneSinceTheLastBoard",  # the board view, the plan page and a pack
    "test_assurance.py::TestYorkDelayedTransfers::test_the_page_the_board_view_and_the_pack_show_it_alike",
    "test_sessions_held.py::TestAcrossServersAndRestarts",     # servers restarted in subprocesses
    "test_trust_now.py::test_the_pack_has_the_now_page",        # a pack
    # Pages driven through AppTest, in modules that are otherwise quick.
    "test_targets.py::TestIndicatorPage",
    "test_targets.py::TestUploadPage",
    "test_hostile_values.py::TestAStoredImpossibleValue",
    "test_store_file.py::test_the_upload_page_refuses_to_store_into_a_deleted_file",
    "test_auth.py::TestSignInForm",
    "test_undo_dependents.py::TestThePage",
    "test_sessions_held.py::TestAnOpenTab",
    "test_trust_now.py::test_a_council_without_a_linked_trust_has_no_now_section",
}
# Playwright's own fixtures (a test module may define its own `page`, an AppTest, which is not a browser).
PLAYWRIGHT_FIXTURES = {"page", "browser", "context", "new_context"}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/fixtures/golden/*.csv from the current code")


def _uses_playwright(item: pytest.Item) -> bool:
    """Whether the test asks for a browser: one of Playwright's fixtures, not a module's own of that name."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(definitions and definitions[-1].func.__module__.startswith("pytest_playwright")
               for name, definitions in info.name2fixturedefs.items() if name in PLAYWRIGHT_FIXTURES)


def _slow_entries(item: pytest.Item) -> set[str]:
    """The SLOW_MODULES and SLOW_TESTS entries that name this test (empty when it is not slow)."""
    parts = item.nodeid.split("[")[0].split("::")
    name = parts[0].rpartition("/")[2]
    entries = {"::".join([name, *parts[1:i]]) for i in range(2, len(parts) + 1)} & SLOW_TESTS
    module = name.removesuffix(".py")
    return entries | ({module} if module in SLOW_MODULES else set())


def _check_slow_entries(config: pytest.Config, items: list[pytest.Item], matched: set[str]) -> None:
    """A renamed test must not leave the quick loop slow without anyone noticing: in a run of whole modules,
    every entry for a collected module must name at least one test."""
    if any("::" in str(arg) for arg in config.args):
        return
    collected = {item.nodeid.split("::")[0].rpartition("/")[2] for item in items}
    stale = sorted(entry for entry in SLOW_TESTS if entry.split("::")[0] in collected and entry not in matched)
    stale += sorted(module for module in SLOW_MODULES if f"{module}.py" in collected and module not in matched)
    if stale:
        raise pytest.UsageError("tests/conftest.py names slow tests that no longer exist: " + ", ".join(stale))


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    no_chromium = pytest.mark.skip(reason="Debian's chromium is not installed at /usr/bin/chromium "
                                          "(apt-get install chromium)")
    matched: set[str] = set()
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if _uses_playwright(item):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(no_chromium)
        if "postgres" in fixtures:
            item.add_marker(pytest.mark.postgres)
        if entries := _slow_entries(item):
            item.add_marker(pytest.mark.slow)
            matched |= entries
    _check_slow_entries(config, items, matched)


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True when the run was asked to rewrite golden files instead of comparing them."""
    return bool(request.config.getoption("--update-golden"))


# --- The store under test, built from code -------------------------------------------------------

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


# --- The upload page, headless ---------------------------------------------------------------

UPLOAD_PAGE_PASSWORD = "correct horse"


@pytest.fixture
def upload_page(monkeypatch, built_db, tmp_path):
    """A function giving the page signed in as NAME (an analyst `ana` and a viewer `vic` exist)."""
    users = tmp_path / "users.json"
    monkeypatch.setenv("PBIP_DB_PATH", str(built_db))
    monkeypatch.setenv("PBIP_USERS_FILE", str(users))
    add_user("ana", UPLOAD_PAGE_PASSWORD, "analyst", users)
    add_user("vic", UPLOAD_PAGE_PASSWORD, "viewer", users)

    def open_as(name: str | None) -> AppTest:
        at = AppTest.from_file(str(PROJECT_ROOT / "pages/upload.py"), default_timeout=60).run()
        assert not at.exception, at.exception
        if name:
            at.text_input(key="pbip_login_name").input(name)
            at.text_input(key="pbip_login_password").input(UPLOAD_PAGE_PASSWORD)
            at.button[0].click().run()
            assert not at.exception, at.exception
        return at
    return open_as


# --- Both engines: the embedded DuckDB file and the shared store (DuckLake on a real PostgreSQL) -----

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
def lake_location(postgres, tmp_path: Path) -> StoreLocation:
    """A new, empty shared store: DuckLake with its catalog in a fresh PostgreSQL database."""
    conninfo = postgres.create_database(f"pbip_test_{next(_databases)}")
    return StoreLocation("ducklake", tmp_path / "lake_data", f"postgres:{conninfo}")


@pytest.fixture(params=["duckdb", pytest.param("ducklake", marks=pytest.mark.postgres)])
def store_location(request, tmp_path: Path) -> StoreLocation:
    """A new, empty store on each engine in turn: a DuckDB file, then the shared store."""
    if request.param == "duckdb":
        return StoreLocation("duckdb", tmp_path / "pbip.duckdb")
    return request.getfixturevalue("lake_location")


# --- Browser tests on a busy machine --------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's chromium instead of a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"]}


@pytest.fixture(scope="session")
def server(bundled_db, tmp_path_factory):
    """The dashboard against a copy of the bundled store, started once for every browser test that only
    reads it; its URL. A test that writes starts its own with `tests.servers.serving`."""
    folder = tmp_path_factory.mktemp("served")
    db = folder / "pbip.duckdb"
    shutil.copyfile(bundled_db, db)
    with serving(db, folder / "streamlit.log") as url:
        yield url


try:
    from playwright.sync_api import expect as _expect
except ImportError:  # the browser tests skip themselves without Playwright
    _expect = None
if _expect is not None:
    # Playwright's waiting assertions give up after 5 s by default; a busy CI machine can take longer to
    # draw a page. They still return as soon as what they wait for is true.
    _expect.set_options(timeout=30_000)
