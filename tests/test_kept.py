"""`ui.context.kept`: a read of the store asked once per store version, day and arguments, handed out as a copy."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from ui import context


@pytest.fixture
def store(monkeypatch):
    """A stand-in store whose version the test moves; `reads` counts the reads that reached it."""
    state = SimpleNamespace(version="1", reads=0)
    monkeypatch.setattr(context, "settings", lambda: SimpleNamespace(store="test-store"))
    monkeypatch.setattr(context, "store_version", lambda: state.version)
    monkeypatch.setattr(context, "connection", lambda: "connection")
    monkeypatch.setattr(context, "_KEPT", type(context._KEPT)())
    monkeypatch.setattr(context, "_kept_bytes", 0)
    return state


def actions(con, ref, *, overdue_only=False):
    store_ = actions.store
    store_.reads += 1
    return pd.DataFrame({"ref": [f"{ref}.1", f"{ref}.2"], "version": store_.version, "con": con,
                         "overdue_only": overdue_only})


def test_a_second_read_is_kept_and_a_new_version_reads_again(store):
    actions.store = store
    first = context.kept(actions, "R10")
    assert context.kept(actions, "R10").equals(first) and store.reads == 1
    context.kept(actions, "R11")
    context.kept(actions, "R10", overdue_only=True)
    assert store.reads == 3  # other arguments are other reads
    store.version = "2"
    assert context.kept(actions, "R10")["version"].iloc[0] == "2" and store.reads == 4


def test_what_is_handed_out_is_a_copy(store):
    actions.store = store
    frame = context.kept(actions, "R10")
    frame.loc[0, "ref"] = "changed by a page"
    assert context.kept(actions, "R10").loc[0, "ref"] == "R10.1"


def test_a_key_names_arguments_that_are_not_plain_values(store):
    actions.store = store
    context.kept(actions, "R10", key=("named", "R10"))
    context.kept(actions, "R99", key=("named", "R10"))  # the key, not the argument, names the result
    assert store.reads == 1


def test_it_holds_at_most_so_many_results_dropping_the_oldest(store, monkeypatch):
    actions.store = store
    monkeypatch.setattr(context, "_KEPT_MOST", 2)
    for ref in ("R1", "R2", "R1", "R3"):  # R1 used again, so R2 is the oldest when R3 comes
        context.kept(actions, ref)
    assert store.reads == 3 and len(context._KEPT) == 2
    context.kept(actions, "R1")
    assert store.reads == 3
    context.kept(actions, "R2")
    assert store.reads == 4


def test_it_holds_at_most_so_many_bytes_dropping_the_oldest(store, monkeypatch):
    """Kept results are bounded in bytes too: a new one pushes out the least recently used, never itself."""
    actions.store = store
    size = len(context.pickle.dumps(actions("connection", "R1"), protocol=context.pickle.HIGHEST_PROTOCOL))
    store.reads = 0
    monkeypatch.setattr(context, "_KEPT_MOST_BYTES", 2 * size + size // 2)  # room for two
    for ref in ("R1", "R2", "R3"):
        context.kept(actions, ref)
    assert len(context._KEPT) == 2 and context._kept_bytes == sum(map(len, context._KEPT.values()))
    context.kept(actions, "R1")
    assert store.reads == 4  # R1 was the oldest, so it went
    monkeypatch.setattr(context, "_KEPT_MOST_BYTES", 1)  # smaller than any result: the newest is still kept
    context.kept(actions, "R9")
    assert list(context._KEPT) == [k for k in context._KEPT if "R9" in str(k)] and len(context._KEPT) == 1


@pytest.fixture
def shared_store(store, monkeypatch):
    monkeypatch.setattr(context, "_SHARED", type(context._SHARED)())
    return store


def test_shared_hands_out_the_same_object_until_the_store_changes(shared_store):
    made = []

    def make():
        made.append(shared_store.version)
        return {"version": shared_store.version}

    first = context.shared(("assessment", "dtoc_18"), make)
    assert context.shared(("assessment", "dtoc_18"), make) is first and made == ["1"]  # held as it is, not copied
    assert context.shared(("assessment", "los_65"), make) is not first  # another name is another result
    shared_store.version = "2"
    assert context.shared(("assessment", "dtoc_18"), make) == {"version": "2"} and made == ["1", "1", "2"]
    # The first version's results are let go once the second's are made; another store's are not.
    assert [key[1] for key in context._SHARED] == ["2"]


def test_shared_lets_go_of_a_stores_earlier_versions_only(shared_store, monkeypatch):
    context.shared(("a",), lambda: 1)
    monkeypatch.setattr(context, "settings", lambda: SimpleNamespace(store="another-store"))
    context.shared(("a",), lambda: 2)
    monkeypatch.setattr(context, "settings", lambda: SimpleNamespace(store="test-store"))
    shared_store.version = "2"
    context.shared(("a",), lambda: 3)
    assert sorted((key[0], key[1]) for key in context._SHARED) == [("another-store", "1"), ("test-store", "2")]


def test_shared_holds_at_most_so_many_dropping_the_least_recently_used(shared_store, monkeypatch):
    monkeypatch.setattr(context, "_SHARED_MOST", 2)
    made = []
    for name in ("R1", "R2", "R1", "R3", "R1", "R2"):  # R2 is the least recently used when R3 comes
        context.shared((name,), lambda name=name: made.append(name) or name)
    assert made == ["R1", "R2", "R3", "R2"] and len(context._SHARED) == 2


def test_a_start_that_fails_is_tried_again(monkeypatch, tmp_path):
    """ui/start.py holds a start that worked, once per location, but not one that failed."""
    from store.settings import StoreLocation
    from ui import start

    location = StoreLocation("duckdb", tmp_path / "pbip.duckdb")
    calls = []

    def first_start(where):
        calls.append(where)
        if len(calls) == 1:
            raise OSError("not a database")
        return "built", None

    monkeypatch.setattr(start, "_first_start", first_start)
    monkeypatch.setattr(start, "_STARTED", {})
    with pytest.raises(OSError):
        start.start(location)
    assert start.start(location) == ("built", None) and start.start(location) == ("built", None)
    assert calls == [location, location]
