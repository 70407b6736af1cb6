"""One kaleido browser (Debian's chromium) for every picture of a pack, started before anything else.

Its floor is the standard library: kaleido (and plotly with it) is imported in the browser's own thread,
so `python -m reports` starts chromium before it imports the pack's code (pandas, DuckDB, fpdf2,
python-pptx), and the two run side by side. Nothing is fetched at run time: MathJax is off, and plotly.js
is the one plotly ships.
"""

from __future__ import annotations

import asyncio
import os
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

# Debian's chromium (installed by scripts/test, scripts/start and .ci/run); kaleido never downloads one.
CHROMIUM = os.environ.get("BROWSER_PATH", "/usr/bin/chromium")
# Seconds kaleido waits for one picture before giving up: a busy machine is slow, never stuck this long.
RENDER_TIMEOUT = 120


class Exporter:
    """One kaleido browser in a thread of its own, for every picture of a pack.

    Chromium starts when the exporter is entered, so a caller that enters it first and then imports its code
    and reads the store pays for the start and those side by side, not one after the other; pictures are
    drawn in the order they are submitted while the caller goes on. Kaleido has its own thread so it works
    the same from the command line and from a Streamlit script, whatever event loop that has.
    """

    def __init__(self) -> None:
        self._requests: queue.Queue[tuple[Any, float, Future] | None] = queue.Queue()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._session()), name="board-pack-kaleido",
                                        daemon=True)

    def __enter__(self) -> Exporter:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.finish()
        self._thread.join(RENDER_TIMEOUT)

    def finish(self) -> None:
        """No more pictures will be asked for: chromium closes once those asked for are drawn, while the caller
        goes on (leaving the exporter then waits only for what is left of that)."""
        self._requests.put(None)

    def submit(self, fig, scale: float) -> Future:
        """The figure's PNG bytes, to come: a go.Figure or the same as a plain dict, its size its layout's,
        times `scale`."""
        future: Future = Future()
        self._requests.put((fig, scale, future))
        return future

    def started(self) -> None:
        """Returns once chromium has started (or failed to)."""
        self.submit(None, 1).exception()

    async def _session(self) -> None:
        path = CHROMIUM if os.path.exists(CHROMIUM) else None
        try:
            browser = _browser(path)
            await browser.open()
        except BaseException as error:  # handed to every picture asked for: the browser could not start
            failed: BaseException | None = error
        else:
            failed = None
        try:
            while (request := await asyncio.to_thread(self._requests.get)) is not None:
                fig, scale, future = request
                if failed is not None:
                    future.set_exception(failed)
                elif fig is None:
                    future.set_result(b"")
                else:
                    try:
                        # kaleido reads the size from a go.Figure's layout or a dict's alike.
                        future.set_result(await browser.calc_fig(fig, opts={"format": "png", "scale": scale}))
                    except Exception as error:  # handed to whoever reads the picture
                        future.set_exception(error)
        finally:
            if failed is None:
                await browser.close()


def _browser(path: str | None):
    """Kaleido's browser with one tab, kept as it is between pictures.

    Kaleido reloads its page after every picture, which parses plotly.js again: two thirds of each picture's
    time, and a pack's pictures draw the same (byte for byte) without it; each starts a plot of its own.
    Should kaleido rename the method overridden here, it would reload again: slower, never wrong.
    """
    import kaleido  # imported here, beside the caller's own imports: it is not needed to draw a page

    class OneTab(kaleido.Kaleido):
        async def _return_kaleido_tab(self, tab) -> None:
            await self.tabs_ready.put(tab)

    return OneTab(n=1, timeout=RENDER_TIMEOUT, mathjax=False, path=path)


def render_png(jobs: Sequence[tuple[str, Any, float]], progress: Callable[[str], None] | None = None,
               exporter: Exporter | None = None) -> list[bytes]:
    """PNG bytes of each (name, figure, scale), in order, from the exporter given or one of its own;
    `progress` is called with each picture's name in the caller's thread as it is waited for."""
    if exporter is None:
        with Exporter() as own:
            return render_png(jobs, progress, own)
    futures = [exporter.submit(fig, scale) for _, fig, scale in jobs]
    images = []
    for (name, _, _), future in zip(jobs, futures, strict=True):
        if progress:
            progress(name)
        images.append(future.result())
    return images
