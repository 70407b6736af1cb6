"""Correctly rounded sums of many contiguous groups at once: ``math.fsum`` per group, vectorised.

The SPC engine needs each segment's mean exactly as NHSRplotthedots gets it (R sums in long double, and
a value on the centre line in decimal arithmetic must be on it here too), so each segment's sum is the
correctly rounded sum of its values, as ``math.fsum`` gives. Calling ``fsum`` once per segment in a
Python loop costs seconds for a national store (91,200 series), so this computes the same numbers with
whole-array numpy steps:

1. every group is summed at once by an error-free TwoSum cascade in three-fold working precision
   (Ogita, Rump and Oishi's *SumK* with K = 3, "Accurate sum and dot product", SIAM J. Sci. Comput.
   26(6), 2005), one step per position in the group, vectorised across groups;
2. the result is *certified*: the rounding errors still unaccounted for are bounded
   (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §4.2, γ_n), and where that bound
   leaves the rounding of the exact sum in no doubt the result is the correctly rounded sum;
3. the few groups it cannot certify (catastrophic cancellation, overflow, very long groups) are summed
   by ``math.fsum`` itself.

So the answer is always ``fsum``'s; the numpy path only makes the common case fast.
"""

from __future__ import annotations

import math

import numpy as np

_U = 2.0**-53  # unit roundoff of float64
# Groups longer than this are few (a daily series over decades); fsum sums them instead of a long loop.
_LONGEST_VECTORISED = 4096


def group_fsum(values: np.ndarray, group: np.ndarray, n_groups: int) -> np.ndarray:
    """``math.fsum`` of ``values`` within each group; groups are contiguous runs of equal ``group``.

    ``group`` holds non-decreasing group numbers in ``range(n_groups)``; a group with no values sums to
    0.0. Returns a float64 array of ``n_groups`` sums, each identical to ``math.fsum`` of its values.
    """
    values = np.asarray(values, dtype=float)
    group = np.asarray(group, dtype=np.intp)
    sums = np.zeros(n_groups)
    if values.size == 0:
        return sums
    size = np.bincount(group, minlength=n_groups)
    start = np.zeros(n_groups, dtype=np.intp)
    np.cumsum(size[:-1], out=start[1:])

    short = np.flatnonzero((size > 0) & (size <= _LONGEST_VECTORISED))
    total, certified = _certify(*_sum3(values, start[short], size[short]))
    sums[short] = total

    needs_fsum = np.concatenate([short[~certified], np.flatnonzero(size > _LONGEST_VECTORISED)])
    for g in needs_fsum:
        sums[g] = math.fsum(values[start[g]:start[g] + size[g]])
    return sums


def _sum3(values: np.ndarray, start: np.ndarray, size: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The cascade across groups: the sum ``s``, its errors summed exactly once more (``c`` and ``cc``),
    and a bound on what ``cc`` still misses.

    Position j of every group longer than j is added in one step; groups are visited longest first, so
    the groups still running at step j are a prefix of that order.
    """
    order = np.argsort(-size, kind="stable")
    start, size = start[order], size[order]
    s = values[start].copy()
    c, cc, abs_cc = np.zeros_like(s), np.zeros_like(s), np.zeros_like(s)
    with np.errstate(over="ignore", invalid="ignore"):  # an overflowed group is left to fsum
        descending = -size  # ascending, for searchsorted
        for j in range(1, int(size[0]) if size.size else 0):
            running = int(np.searchsorted(descending, -j, side="left"))  # groups with size > j
            s[:running], error = _two_sum(s[:running], values[start[:running] + j])
            c[:running], error2 = _two_sum(c[:running], error)
            cc[:running] += error2
            abs_cc[:running] += np.abs(error2)
    n = size.astype(float)
    gamma = n * _U / (1.0 - n * _U)
    # |fl(Σe) − Σe| ≤ γ_{n−1} Σ|e| for the plain sum ``cc``; the computed Σ|e| is within (1 + γ_n). Pad both.
    bound = 2.0 * gamma * abs_cc * (1.0 + 2.0 * gamma)
    inverse = np.empty_like(order)
    inverse[order] = np.arange(order.size)
    return s[inverse], c[inverse], cc[inverse], bound[inverse]


def _two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Knuth's TwoSum: ``total + error == a + b`` exactly, whatever their magnitudes."""
    total = a + b
    back = total - a
    return total, (a - (total - back)) + (b - back)


def _certify(s: np.ndarray, c: np.ndarray, cc: np.ndarray, bound: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """The rounded sum of ``s + c + cc`` and whether it is certainly the correctly rounded exact sum.

    The exact sum is ``s + c + cc + d`` with ``|d| ≤ bound``. Folding the three together with TwoSum
    keeps every error: ``exact − r = t + e + d`` exactly, ``e`` being what folding ``cc`` in lost. ``r``
    is the correctly rounded sum when that residual is below half the gap to the neighbouring double
    (the gap below a power of two is half the one above, so that smaller gap is used). ``|t|`` is at
    most half a gap by construction, so the test needs a margin: ``2|t|`` a little under the gap and the
    rest far under it; a near tie goes to ``fsum``. Every product here is by a power of two, so the test
    itself rounds nothing (a gap that would underflow needs the rest to be exactly zero).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        head, low = _two_sum(s, c)
        low, lost = _two_sum(low, cc)
        r, t = _two_sum(head, low)
        rest = np.abs(lost) + bound
        gap = np.spacing(np.abs(r))
        gap = np.where(np.frexp(r)[0] == 0.5, gap / 2.0, gap)  # the gap below a power of two
        exact = (t == 0) & (rest == 0)
        clear = (2.0 * np.abs(t) <= gap * (1.0 - 2.0**-40)) & (2.0 * rest <= gap * 2.0**-42)
        certified = np.isfinite(r) & np.isfinite(t) & np.isfinite(rest) & (exact | clear)
    return r, certified
