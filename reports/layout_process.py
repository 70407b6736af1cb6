"""A format of the pack laid out in a Python process of its own, beside the command's: the second core at work.

Laying a pack out is Python through and through (fpdf2's line breaking, python-pptx's XML), and one process
runs one line of Python at a time however many cores the machine has. So when both formats are asked for,
`python -m reports` lays one out in a process of its own (`python -m reports.layout_process pdf`), started
beside chromium at the command's start so that it has imported its code by the time the pack is read. The
command sends it the pack (pickled: about 0.2 MB) and each picture as chromium draws it, lays the other
format out meanwhile, and takes the file back. The pictures are drawn once, in the command's one browser.

Its floor is the standard library; the format's code is imported in the process that lays it out.
"""

from __future__ import annotations

import os
import pickle
import queue
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from reports.board_pack import BoardPack
    from reports.figures import Pictures

PROJECT_ROOT = Path(__file__).resolve().parents[1]


class LayoutProcess:
    """A process laying out one format, started when entered and told to stop (or stopped) on leaving."""

    def __init__(self, format_name: str) -> None:
        self.format_name = format_name
        self._process: subprocess.Popen | None = None
        self._file: Future = Future()
        self._pictures: queue.Queue[Pictures] = queue.Queue()

    def __enter__(self) -> LayoutProcess:
        paths = [str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        self._process = subprocess.Popen(
            [sys.executable, "-m", "reports.layout_process", self.format_name], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": os.pathsep.join(paths)})
        return self

    def __exit__(self, *_) -> None:
        process = self._process
        if not self._file.done():
            process.kill()  # no pack was sent (a refusal, an error): nothing to wait for
        try:
            process.stdin.close()
        except OSError:  # it had stopped reading
            pass
        process.wait()
        process.stdout.close()

    def lay_out(self, pack: BoardPack) -> Future:
        """The format's file, to come: the pack is sent at once, from a thread of its own (the process reads it
        once it has imported its code), before the pictures are even asked for; they follow (`send_pictures`)."""
        threading.Thread(target=self._forward, args=(pack,), name=f"board-pack-{self.format_name}-send",
                         daemon=True).start()
        threading.Thread(target=self._receive, name=f"board-pack-{self.format_name}-file", daemon=True).start()
        return self._file

    def send_pictures(self, pictures: Pictures) -> None:
        """Each picture is sent as it is drawn, in the order the pages first show them."""
        self._pictures.put(pictures)

    def _forward(self, pack: BoardPack) -> None:
        try:
            _send(self._process.stdin, pack)
            pictures = self._pictures.get()
            _send(self._process.stdin, ("keys", list(pictures.icons), list(pictures.charts)))
            drawn = pictures.each()
            while True:
                try:
                    message = next(drawn)
                except StopIteration:
                    return
                except Exception as error:  # a picture could not be drawn: the process stops with the same words
                    message = ("error", None, f"{type(error).__name__}: {error}")
                _send(self._process.stdin, message)
                if message[0] == "error":
                    return
        except (OSError, ValueError):  # it stopped reading (it had what it needed, or failed and says so), or the
            pass                       # command closed the pipe as it finished

    def _receive(self) -> None:
        try:
            self._file.set_result(pickle.load(self._process.stdout))
        except (EOFError, OSError, pickle.UnpicklingError):
            status = self._process.wait()
            self._file.set_exception(RuntimeError(
                f"the {self.format_name.upper()} could not be laid out: its process stopped with exit status "
                f"{status} (its error is above)"))


def _send(stream: BinaryIO, message: Any) -> None:
    pickle.dump(message, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()


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


def main(argv: list[str] | None = None) -> int:
    """Import the format's code, then lay out the pack the command sends with the pictures it sends after."""
    format_name = (argv or sys.argv[1:])[0]
    # The pipe to the command is stdout: anything else printed goes to stderr, never into the file.
    results = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    from reports.figures import Pictures

    if format_name == "pdf":
        from reports.pdf import render as layout
    else:
        from reports.pptx import render as layout
    incoming = sys.stdin.buffer
    try:
        pack = pickle.load(incoming)
    except EOFError:
        return 0  # the command ended without a pack (a refusal): nothing to lay out
    arriving = _Incoming(incoming)
    pictures = Pictures(charts=_Arriving(arriving, "chart"), icons=_Arriving(arriving, "icon"))
    _send(results, layout(pack, pictures))
    results.close()
    return 0


if __name__ == "__main__":
    try:
        status = main()
    except BaseException:  # said on stderr, which the command shares; the command says which format failed
        traceback.print_exc()
        status = 1
    # Straight out, without the interpreter's shutdown: the thread reading pictures may still be waiting on
    # the pipe, and a shutdown would wait for it (or abort); the file is sent and nothing else is held.
    sys.stderr.flush()
    os._exit(status)
