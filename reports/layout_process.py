"""A format of the pack laid out by a copy of the command's process, beside it: the second core at work.

Laying a pack out is Python through and through (fpdf2's line breaking, python-pptx's XML), and so is drawing
its pictures (resvg holds the process's one line of Python while it draws: reports/figures.py); one process
runs one line of Python at a time however many cores the machine has. So `python -m reports` lays each
format out in a copy of itself (`os.fork`) made the moment the pack is assembled: the copy has the pack and
every module already loaded, imports only its layout's code, lays out its pages while the command draws the
pictures, gets each picture through a pipe as soon as it is drawn, and sends the file back. The pictures are
drawn once, in the command.

A copy, not a fresh python (`python -m ...`): a fresh one imports pandas, DuckDB and the pack's code again
(1.6 s) on the same two cores. Forking a process that has threads is safe only for a copy that touches
nothing those threads hold: the copies are made before any picture is drawn or sent (the command's only other
threads then wait on the pipes from copies made before), use only the layout's code and their own pipes and
threads, never the store or the logging of the command, and leave by `os._exit`, running none of the
command's clean-up. Should one hang all the same, it gives up after `GIVE_UP_SECONDS` (faulthandler writes
where it was) and the command says the format could not be laid out. Only on Linux (`CAN_FORK`); elsewhere
every format is laid out in the command's process.

Its floor is the standard library; the layout's code is imported in the copy that lays it out.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import queue
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, BinaryIO, NoReturn

if TYPE_CHECKING:
    from reports.board_pack import BoardPack

# Linux forks a process with threads safely for a copy such as this; macOS's system libraries do not.
CAN_FORK = sys.platform.startswith("linux") and hasattr(os, "fork")
# Seconds after which a copy still laying out gives up (a hung copy, never a slow one: a PDF takes seconds).
GIVE_UP_SECONDS = 600
# The command's ends of the pipes to every copy still at work: a copy made later closes them, so a copy sees
# the end of its pictures when the command closes its pipe, not when every later copy has ended too.
_COMMAND_ENDS: set[int] = set()


class LayoutProcess:
    """One format laid out by a copy of this process, made by :meth:`lay_out`; stopped, if still at work, and
    waited for on leaving."""

    def __init__(self, format_name: str) -> None:
        self.format_name = format_name
        self._pid: int | None = None
        self._exit_status: int | None = None
        self._reaping = threading.Lock()
        self._file: Future = Future()
        self._to_copy: BinaryIO | None = None
        self._from_copy: BinaryIO | None = None
        self._outbox: queue.SimpleQueue[tuple] = queue.SimpleQueue()
        self._sending: threading.Thread | None = None
        self._ends: tuple[int, ...] = ()

    def __enter__(self) -> LayoutProcess:
        return self

    def __exit__(self, *_) -> None:
        if self._pid is None:
            return
        # The command stopped (an error) before the file came: nothing to wait for.
        self._reap(stop=not self._file.done())
        _COMMAND_ENDS.difference_update(self._ends)
        for stream in (self._to_copy, self._from_copy):
            try:
                stream.close()
            except OSError:  # it had stopped reading
                pass

    def _reap(self, stop: bool = False) -> int:
        """The copy's exit status, once it has ended (stopped first if `stop`); its process id is ours until then."""
        with self._reaping:
            if self._exit_status is None:
                if stop:
                    os.kill(self._pid, 9)
                self._exit_status = os.waitstatus_to_exitcode(os.waitpid(self._pid, 0)[1])
            return self._exit_status

    def lay_out(self, pack: BoardPack) -> Future:
        """The format's file, to come: the copy is made now, with the pack, before any picture is drawn; the
        pictures follow (:meth:`send_keys`, then :meth:`send` for each)."""
        pictures_in, pictures_out = os.pipe()
        file_in, file_out = os.pipe()
        pid = os.fork()
        if pid == 0:
            _lay_out_in_copy(self.format_name, pack, pictures_in, file_out,
                             ours=(pictures_out, file_in, *_COMMAND_ENDS))
        self._pid = pid
        os.close(pictures_in)
        os.close(file_out)
        self._ends = (pictures_out, file_in)
        _COMMAND_ENDS.update(self._ends)
        self._to_copy, self._from_copy = os.fdopen(pictures_out, "wb"), os.fdopen(file_in, "rb")
        threading.Thread(target=self._receive, name=f"board-pack-{self.format_name}-file", daemon=True).start()
        return self._file

    def send_keys(self, icons: list, charts: list) -> None:
        """The keys of the pictures to come, icons and charts, in the order the pages first show them."""
        self._post(("keys", icons, charts))

    def send(self, kind: str, key, picture: bytes) -> None:
        """One picture ("icon" or "chart"), as soon as it is drawn: written to the copy by a thread of its own,
        so the command never waits on the pipe."""
        self._post((kind, key, picture))

    def _post(self, message: tuple) -> None:
        if self._sending is None:
            self._sending = threading.Thread(target=self._forward, name=f"board-pack-{self.format_name}-send",
                                             daemon=True)
            self._sending.start()
        self._outbox.put(message)

    def _forward(self) -> None:
        try:
            while True:
                _send(self._to_copy, self._outbox.get())
        except (OSError, ValueError):  # it stopped reading (it had what it needed, or failed and says so), or the
            pass                       # command closed the pipe as it finished

    def _receive(self) -> None:
        try:
            self._file.set_result(pickle.load(self._from_copy))
        except (EOFError, OSError, ValueError, pickle.UnpicklingError):
            self._file.set_exception(RuntimeError(
                f"the {self.format_name.upper()} could not be laid out: its process stopped with exit status "
                f"{self._reap()} (its error is above)"))


def _send(stream: BinaryIO, message: Any) -> None:
    pickle.dump(message, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()


def _lay_out_in_copy(format_name: str, pack: BoardPack, pictures_fd: int, file_fd: int,
                     ours: tuple[int, ...]) -> NoReturn:
    """In the copy: lay the pack out with the pictures as they come, send the file, and leave at once."""
    status = 1
    try:
        faulthandler.dump_traceback_later(GIVE_UP_SECONDS, exit=True, file=2)  # the standard error file itself
        for fd in ours:  # the command's ends of its pipes to this copy and to any copy made before it
            os.close(fd)
        from reports.figures import Pictures

        if format_name == "pdf":
            from reports.pdf import render
        else:
            from reports.pptx import render
        arriving = _Incoming(os.fdopen(pictures_fd, "rb"))
        content = render(pack, Pictures(charts=_Arriving(arriving, "chart"), icons=_Arriving(arriving, "icon")))
        with os.fdopen(file_fd, "wb") as out:
            _send(out, content)
        status = 0
    except BaseException:  # said on the standard error the command shares (its file, not the command's Python
        # object, whose lock another thread may have held when the copy was made); the command says which failed
        os.write(2, traceback.format_exc().encode(errors="replace"))
    finally:
        # Straight out: none of the command's clean-up (its temporary folders, its other copies) is the copy's,
        # and its thread reading pictures may still wait on the pipe.
        os._exit(status)


class _Incoming:
    """Pictures as the command sends them, read from the pipe by a thread of their own as they come (so the
    command never waits to send one), and handed to the layout when it asks."""

    def __init__(self, stream: BinaryIO) -> None:
        self._keys: dict[str, list] = {}
        self._held: dict[tuple[str, Any], bytes] = {}
        self._failed: RuntimeError | None = None
        self._arrived = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), name="board-pack-pictures-in", daemon=True).start()

    def _read(self, stream: BinaryIO) -> None:
        while True:
            try:
                kind, key, content = pickle.load(stream)
            except EOFError:
                kind, key, content = "error", None, "the command stopped before it sent every picture"
            except Exception as error:  # a message cut short: said to whoever waits, never waited on forever
                kind, key, content = "error", None, f"{type(error).__name__}: {error}"
            with self._arrived:
                if kind == "error":
                    self._failed = RuntimeError(f"a picture could not be drawn: {content}")
                elif kind == "keys":
                    self._keys = {"icon": key, "chart": content}
                else:
                    self._held[kind, key] = content
                self._arrived.notify_all()
            if kind == "error":
                return

    def _until(self, arrived: Callable[[], bool]) -> None:
        while not arrived():
            if self._failed is not None:
                raise self._failed
            self._arrived.wait()

    def keys(self, kind: str) -> list:
        with self._arrived:
            self._until(lambda: bool(self._keys))
            return self._keys[kind]

    def get(self, kind: str, key) -> bytes:
        with self._arrived:
            self._until(lambda: (kind, key) in self._held)
            return self._held[kind, key]


class _Arriving(Mapping):
    def __init__(self, incoming: _Incoming, kind: str) -> None:
        self._incoming, self._kind = incoming, kind

    def __getitem__(self, key) -> bytes:
        return self._incoming.get(self._kind, key)

    def __iter__(self):
        return iter(self._incoming.keys(self._kind))

    def __len__(self) -> int:
        return len(self._incoming.keys(self._kind))
