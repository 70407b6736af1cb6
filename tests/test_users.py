"""Local accounts: salted bcrypt hashes outside the repository, roles, and the command that manages them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from store.users import User, add_user, authenticate, list_users, remove_user, require_role, users_file

PROJECT_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def accounts(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "users.json"
    monkeypatch.setenv("PBIP_USERS_FILE", str(path))
    return path


class TestAccounts:
    def test_the_file_holds_a_salted_hash_never_the_password(self, accounts):
        """The password is nowhere in the file; two accounts with one password get different hashes."""
        add_user("ana", "correct horse", "analyst")
        add_user("bea", "correct horse", "analyst")
        text = accounts.read_text(encoding="utf-8")
        assert "correct horse" not in text
        stored = json.loads(text)["users"]
        assert stored["ana"]["password_hash"].startswith("$2b$")
        assert stored["ana"]["password_hash"] != stored["bea"]["password_hash"]

    def test_the_right_password_signs_in_with_the_role(self, accounts):
        """authenticate returns the user and role for the right password and None otherwise."""
        add_user("ana", "correct horse", "analyst")
        assert authenticate("ana", "correct horse") == User("ana", "analyst")
        assert authenticate("ana", "wrong horse") is None
        assert authenticate("nobody", "correct horse") is None

    def test_the_default_file_is_outside_the_repository(self, monkeypatch):
        """Without PBIP_USERS_FILE the accounts live under ~/.config/pbip, not in the project."""
        monkeypatch.delenv("PBIP_USERS_FILE", raising=False)
        assert users_file() == Path("~/.config/pbip/users.json").expanduser()
        assert PROJECT_ROOT not in users_file().parents

    @pytest.mark.parametrize("name,password,role,words", [
        ("ana", "short", "analyst", "at least 8"),
        ("ana", "long enough", "admin", "not a role"),
        (" ", "long enough", "viewer", "needs a name"),
    ])
    def test_bad_accounts_are_refused(self, accounts, name, password, role, words):
        """A short password, an unknown role or a blank name is refused with a sentence."""
        with pytest.raises(ValueError, match=words):
            add_user(name, password, role)

    def test_accounts_can_be_listed_and_removed(self, accounts):
        """list_users shows names and roles; remove_user deletes an account."""
        add_user("ana", "correct horse", "analyst")
        add_user("vic", "correct horse", "viewer")
        assert list_users() == [User("ana", "analyst"), User("vic", "viewer")]
        assert remove_user("vic") and not remove_user("vic")
        assert list_users() == [User("ana", "analyst")]


class TestRoles:
    def test_an_analyst_may_do_what_a_viewer_may(self):
        """The analyst role includes the viewer's."""
        assert require_role(User("ana", "analyst"), "viewer").name == "ana"
        assert require_role(User("ana", "analyst"), "analyst").name == "ana"

    @pytest.mark.parametrize("user", [User("vic", "viewer"), User("x", "unknown"), None, "ana"])
    def test_anyone_else_is_refused_an_analyst_action(self, user):
        """A viewer, an unknown role, nobody, or a bare name cannot act as an analyst."""
        with pytest.raises(PermissionError):
            require_role(user, "analyst")


class TestCommand:
    def test_add_reads_the_password_from_stdin(self, accounts):
        """`python -m store.users add NAME --role analyst --password-stdin` creates the account."""
        done = subprocess.run([sys.executable, "-m", "store.users", "add", "ana", "--role", "analyst",
                               "--password-stdin"], input="correct horse\n", capture_output=True,
                              text=True, cwd=PROJECT_ROOT, timeout=60)
        assert done.returncode == 0, done.stderr
        assert authenticate("ana", "correct horse") == User("ana", "analyst")
        listed = subprocess.run([sys.executable, "-m", "store.users", "list"], capture_output=True,
                                text=True, cwd=PROJECT_ROOT, timeout=60)
        assert "ana\tanalyst" in listed.stdout
