"""Local accounts: salted bcrypt hashes outside the repository, roles, and the command that manages them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from accounts.sign_in import AUDIT_FAILED_SIGN_IN, UNKNOWN_NAME, SignInThrottle, audit_failed_sign_in, sign_in
from accounts.throttle import FREE_SIGN_IN_FAILURES, MAX_SIGN_IN_DELAY_SECONDS, SIGN_IN_DELAY_VARIABLE, SignInLocked
from accounts.users import add_user, authenticate, first_account_hint, list_users, remove_user
from store.roles import User, require_role
from store.settings import users_file

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


class TestLeads:
    def test_a_lead_is_given_per_indicator_in_the_accounts_file(self, accounts):
        """A lead's indicators are kept beside the account and come back with it; a lead may do what an
        analyst may, and leads only the indicators named."""
        add_user("lee", "correct horse", "lead", leads=["dtoc_18"])
        assert json.loads(accounts.read_text())["users"]["lee"]["leads"] == ["dtoc_18"]
        lee = authenticate("lee", "correct horse")
        assert lee == User("lee", "lead", ("dtoc_18",)) and lee.can("analyst")
        assert lee.leads_indicator("dtoc_18") and not lee.leads_indicator("readmissions_65")
        assert require_role(lee, "lead", indicator="dtoc_18") is lee
        with pytest.raises(PermissionError, match="does not lead this indicator"):
            require_role(lee, "lead", indicator="readmissions_65")

    def test_only_a_lead_leads_indicators(self, accounts):
        with pytest.raises(ValueError, match="only a lead leads indicators"):
            add_user("ana", "correct horse", "analyst", leads=["dtoc_18"])

    def test_the_command_adds_a_lead_with_indicators(self, accounts):
        done = subprocess.run([sys.executable, "-m", "accounts", "add", "lee", "--role", "lead", "--indicator",
                               "dtoc_18", "--password-stdin"], input="correct horse\n", capture_output=True,
                              text=True, cwd=PROJECT_ROOT, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "lee is a lead, leading dtoc_18" in done.stdout
        listed = subprocess.run([sys.executable, "-m", "accounts", "list"], capture_output=True,
                                text=True, cwd=PROJECT_ROOT, timeout=60)
        assert "lee\tlead\tdtoc_18" in listed.stdout


class TestCommand:
    def test_add_reads_the_password_from_stdin(self, accounts):
        """`python -m accounts add NAME --role analyst --password-stdin` creates the account."""
        done = subprocess.run([sys.executable, "-m", "accounts", "add", "ana", "--role", "analyst",
                               "--password-stdin"], input="correct horse\n", capture_output=True,
                              text=True, cwd=PROJECT_ROOT, timeout=60)
        assert done.returncode == 0, done.stderr
        assert authenticate("ana", "correct horse") == User("ana", "analyst")
        listed = subprocess.run([sys.executable, "-m", "accounts", "list"], capture_output=True,
                                text=True, cwd=PROJECT_ROOT, timeout=60)
        assert "ana\tanalyst" in listed.stdout


class TestFirstAccount:
    def test_with_no_analyst_the_hint_gives_a_command_that_works_the_first_time(self, accounts):
        """The console hint's command, pasted as it is (with a name), makes the first analyst account."""
        add_user("vic", "correct horse", "viewer")
        hint = first_account_hint()
        assert hint is not None and "No analyst account exists yet" in hint
        command = hint.strip().splitlines()[-1].strip().replace("NAME", "ana")
        done = subprocess.run(command + " --password-stdin", shell=True, input="correct horse\n", cwd="/",
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "Warning" not in done.stderr
        assert authenticate("ana", "correct horse") == User("ana", "analyst")
        assert first_account_hint() is None

    def test_the_dashboard_s_first_start_tells_the_console(self, accounts, small_store_db, monkeypatch, capsys):
        """Starting the dashboard with no accounts prints the hint where whoever started it reads it."""
        from streamlit.testing.v1 import AppTest

        monkeypatch.setenv("PBIP_DB_PATH", str(small_store_db))
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=120).run()
        assert not at.exception, at.exception
        assert "-m accounts add NAME --role analyst" in capsys.readouterr().err


def _fastest(call, times: int = 3) -> float:
    """The quickest of a few runs: what the work costs, without another process's interruptions."""
    best = float("inf")
    for _ in range(times):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


class TestNamesCannotBeGuessed:
    # bcrypt at the same cost takes the same time; a factor of 3 leaves room for a busy machine while
    # still failing the 0.1 ms against 0.9 s that a skipped check gives.
    FACTOR = 3

    def test_an_unknown_name_takes_as_long_as_a_known_one(self, accounts):
        """A wrong password for a known name and any password for an unknown name cost the same bcrypt check."""
        add_user("ana", "correct horse", "analyst")
        authenticate("nobody", "warm up the dummy hash")
        known = _fastest(lambda: authenticate("ana", "wrong horse"))
        unknown = _fastest(lambda: authenticate("nobody", "wrong horse"))
        too_long = _fastest(lambda: authenticate("ana", "x" * 100))
        assert known / self.FACTOR < unknown < known * self.FACTOR
        assert known / self.FACTOR < too_long < known * self.FACTOR

    def test_a_password_over_72_bytes_never_signs_in(self, accounts):
        """bcrypt reads 72 bytes: a longer password sharing them is still refused."""
        add_user("ana", "y" * 72, "analyst")
        assert authenticate("ana", "y" * 72) == User("ana", "analyst")
        assert authenticate("ana", "y" * 73) is None


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class TestThrottle:
    DELAY = 10.0

    def throttle(self) -> tuple[SignInThrottle, FakeClock]:
        clock = FakeClock()
        return SignInThrottle(delay=lambda: self.DELAY, clock=clock), clock

    def test_a_few_slips_are_free_then_each_failure_doubles_the_wait(self):
        """After the free failures the waits are 10, 20, 40 s...; an attempt during a wait is refused."""
        throttle, clock = self.throttle()
        for _ in range(FREE_SIGN_IN_FAILURES):
            throttle.attempt("account:ana")
        assert throttle.wait("account:ana") == 0
        waits = []
        for _ in range(4):
            throttle.attempt("account:ana")
            waits.append(throttle.wait("account:ana"))
            with pytest.raises(SignInLocked):
                throttle.attempt("account:ana")
            clock.now += waits[-1]
        assert waits == [10, 20, 40, 80]

    def test_the_wait_is_capped(self):
        """However many failures, the wait never exceeds the cap."""
        throttle, clock = self.throttle()
        for _ in range(40):
            throttle.attempt("account:ana")
            clock.now += throttle.wait("account:ana")
        throttle.attempt("account:ana")
        assert throttle.wait("account:ana") == MAX_SIGN_IN_DELAY_SECONDS

    def test_an_account_waits_whichever_session_tries_it(self):
        """Failures on one account from many sessions add up; another account is not slowed."""
        throttle, _ = self.throttle()
        for session in range(FREE_SIGN_IN_FAILURES + 1):
            throttle.attempt("account:ana", f"session:{session}")
        with pytest.raises(SignInLocked):
            throttle.attempt("account:ana", "session:new")
        throttle.attempt("account:bea", "session:other")

    def test_a_session_waits_whichever_names_it_tries(self):
        """One browser session spraying many names is slowed as one."""
        throttle, _ = self.throttle()
        for name in range(FREE_SIGN_IN_FAILURES + 1):
            throttle.attempt(f"account:{name}", "session:s")
        with pytest.raises(SignInLocked):
            throttle.attempt("account:fresh", "session:s")

    def test_a_right_password_clears_the_failures(self):
        """After a success the free slips are available again."""
        throttle, _ = self.throttle()
        for _ in range(FREE_SIGN_IN_FAILURES):
            throttle.attempt("account:ana")
        throttle.succeeded("account:ana")
        for _ in range(FREE_SIGN_IN_FAILURES):
            throttle.attempt("account:ana")
        assert throttle.wait("account:ana") == 0


class TestSignIn:
    def test_known_and_unknown_names_are_locked_out_alike(self, accounts, monkeypatch):
        """With the delay set by the environment, both a real and a made-up name are refused unchecked
        after the free failures and one more, with a sentence saying how long to wait."""
        monkeypatch.setenv(SIGN_IN_DELAY_VARIABLE, "60")
        add_user("ana", "correct horse", "analyst")
        for name in ("ana", "nobody"):
            throttle = SignInThrottle()
            for attempt in range(FREE_SIGN_IN_FAILURES + 1):
                assert sign_in(name, "wrong horse", session=f"s{attempt}", throttle=throttle) is None
            with pytest.raises(SignInLocked, match=r"try again in \d+ seconds") as locked:
                sign_in(name, "correct horse", session="another", throttle=throttle)
            assert 30 < locked.value.seconds <= 60

    def test_the_right_password_signs_in_and_failures_are_logged(self, accounts, caplog):
        """A wrong password is logged with the name typed; the right one signs in."""
        add_user("ana", "correct horse", "analyst")
        throttle = SignInThrottle()
        with caplog.at_level("WARNING", logger="pbip.sign_in"):
            assert sign_in("ana", "wrong horse", session="s", throttle=throttle) is None
        assert "sign-in failed" in caplog.text and "'ana'" in caplog.text
        assert sign_in("ana", "correct horse", session="s", throttle=throttle) == User("ana", "analyst")

    def test_a_failed_sign_in_is_audited(self, con, accounts):
        """audit_failed_sign_in adds one audit line naming the account; a name no account has is not
        written, so a stranger cannot put words into the audit."""
        add_user("ana", "correct horse", "analyst")
        audit_failed_sign_in(con, "ana", session="s1")
        audit_failed_sign_in(con, "![x](https://evil.example/x.png)", session="s2")
        rows = con.execute("SELECT user_name, action, detail FROM audit WHERE action = ? ORDER BY audit_id",
                           [AUDIT_FAILED_SIGN_IN]).fetchall()
        assert [(name, action) for name, action, _ in rows] == [("ana", AUDIT_FAILED_SIGN_IN),
                                                               (UNKNOWN_NAME, AUDIT_FAILED_SIGN_IN)]
        assert json.loads(rows[0][2]) == {"session": "s1"}
