"""Waiting in a real browser until a page has finished drawing, without a fixed pause.

Streamlit's status widget goes when the script run ends, but the browser goes on drawing (charts, tables,
styles) for a moment after. A fixed pause is either too short on a busy machine or wasted on a quiet one;
instead the page counts as drawn when nothing in it has changed for `quiet_ms`.
"""

from __future__ import annotations

import itertools

# Installs an observer on the first call (a navigation clears it) and starts the quiet clock afresh for each
# wait (a resize redraws a moment later), then answers whether the document has been quiet long enough.
_QUIET = """([quietMs, wait]) => {
  if (!window.__pbipQuiet) {
    window.__pbipQuiet = {};
    new MutationObserver(() => { window.__pbipQuiet.last = performance.now(); })
      .observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  }
  if (window.__pbipQuiet.wait !== wait) {
    window.__pbipQuiet.wait = wait;
    window.__pbipQuiet.last = performance.now();
    return false;
  }
  return performance.now() - window.__pbipQuiet.last >= quietMs;
}"""
_waits = itertools.count()


def wait_until_drawn(page, *, timeout_ms: int = 180_000, quiet_ms: int = 400) -> None:
    """Wait until the script run has ended and the page has not changed for `quiet_ms`."""
    from playwright.sync_api import expect

    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=timeout_ms)
    page.wait_for_function(_QUIET, arg=[quiet_ms, next(_waits)], timeout=timeout_ms, polling=100)


# Every word in the charts' pictures the page shows (charts/svg.py: an SVG as an image per width, one shown):
# [the class of the group it is in ("xtick", "legend", "annotation", ...), the word, its size as drawn (its
# size in the picture times the picture's scale on the page)].
PICTURE_WORDS = """() => {
  const seen = e => e.getBoundingClientRect().width > 0;
  const words = [];
  for (const img of document.querySelectorAll('.pbip-picture > img')) {
    if (!seen(img)) continue;
    const svg = new DOMParser().parseFromString(atob(img.src.split(',')[1]), 'image/svg+xml').documentElement;
    const scale = img.getBoundingClientRect().width / parseFloat(svg.getAttribute('viewBox').split(' ')[2]);
    for (const text of svg.querySelectorAll('text')) {
      if (!text.textContent.trim()) continue;
      const group = text.closest('g[class]');
      words.push([group ? group.getAttribute('class') : '', text.textContent,
                  parseFloat(text.getAttribute('font-size')) * scale]);
    }
  }
  return words;
}"""


def picture_words(page, group: str | None = None) -> list[tuple[str, float]]:
    """(word, size as drawn) of every word in the shown charts' pictures, or only those in groups of `group`."""
    return [(words, size) for kind, words, size in page.evaluate(PICTURE_WORDS) if group in (None, kind)]
