"""Correctly rounded sums of many contiguous groups at once: ``math.fsum`` per group, vectorised.

The SPC engine needs each segment's mean exactly as NHSRplotthedots gets it (R sums in long double, and
a value on the centre line in decimal arithmetic must be on it here too), so each segment's sum is the
correctly rounded sum of its values, as ``math.fsum`` gives. Calling ``fsum`` once per segment in a
Python loop costs seconds for a national store (91,200 series), so this computes the same numbers with
whole-array numpy steps:

1. first, error-free extraction (Rump, Ogita and Oishi's *AccSum*, "Accurate floating-point summation
   part I: faithful rounding", SIAM J. Sci. Comput. 31(1), 2008): each value is split at two bit
   positions fixed by its group's largest value, so that the high parts and the middle parts each add up
   *exactly* in floating point, in any order (``np.add.reduceat``). Where nothing is left below the
   second split (figures with a few significant digits: every value of the dashboard's series), the sum
   is those two exact doubles added once: the correctly rounded sum. No loop over positions, so it runs
   in a few passes over the values however the groups are laid out;
2. the groups it leaves open (values of wildly different magnitudes) are summed by an error-free TwoSum
   cascade in three-fold working precision (Ogita, Rump and Oishi's *SumK* with K = 3, "Accurate sum and
   dot product", SIAM J. Sci. Comput. 26(6), 2005), one step per position in the group, vectorised across
   groups, and the result *certified*: the rounding errors still unaccounted for are bounded
   (Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., §4.2, γ_n), and where that bound
   leaves the rounding of the exact sum in no doubt the result is the correctly rounded sum;
3. the few groups neither settles (catastrophic cancellation, overflow, very long groups) are summed
   by ``math.fsum`` itself.

So the answer is always ``fsum``'s; the numpy paths only make the common case fast.
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
    if values.size == 0:
        return np.zeros(n_groups)
    size = np.bincount(group, minlength=n_groups)
    start = np.zeros(n_groups, dtype=np.intp)
    np.cumsum(size[:-1], out=start[1:])
    return segment_fsum(values, start, size)


def segment_fsum(values: np.ndarray, start: np.ndarray, size: np.ndarray) -> np.ndarray:
    """``math.fsum`` of ``values[start[g]:start[g] + size[g]]`` for every group ``g``.

    The groups lie end to end in order and cover ``values`` (``start`` is the running total of ``size``);
    an empty group sums to 0.0.
    """
    values = np.asarray(values, dtype=float)
    sums = np.zeros(size.size)
    short = np.flatnonzero((size > 0) & (size <= _LONGEST_VECTORISED))
    if short.size == size.size:  # every group is in the extraction's reach: no copy of the values
        sums, settled = _extracted(values, start, size)
    elif short.size:
        sums[short], settled_short = _extracted(*_gathered(values, start[short], size[short]))
        settled = np.zeros(size.size, dtype=bool)
        settled[short] = settled_short
    else:
        settled = size == 0
    settled |= size == 0
    sums[size == 0] = 0.0

    open_short = np.flatnonzero(~settled & (size <= _LONGEST_VECTORISED))
    if open_short.size:
        total, certified = _certify(*_sum3(values, start[open_short], size[open_short]))
        sums[open_short] = total
        settled[open_short] = certified
    for g in np.flatnonzero(~settled):
        sums[g] = math.fsum(values[start[g]:start[g] + size[g]])
    return sums


def _gathered(values: np.ndarray, start: np.ndarray, size: np.ndarray
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The chosen groups' values laid end to end, with their new starts."""
    new_start = np.zeros(size.size, dtype=np.intp)
    np.cumsum(size[:-1], out=new_start[1:])
    index = np.repeat(start - new_start, size) + np.arange(int(size.sum()))
    return values[index], new_start, size


def _extracted(values: np.ndarray, start: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each non-empty group's sum by error-free extraction, and whether it is the exact sum correctly rounded
    (False: something was left below the second split, or the group is out of range).

    One level settles a group whose non-zero magnitudes span few enough binades (:func:`_extracted_once`);
    the few others (a value a hair from the mean in a sum of residuals) are gathered and take two levels
    (:func:`_extracted_twice`).
    """
    sums, settled, once = _extracted_once(values, start, size)
    again = np.flatnonzero(~once & (size > 0))
    if again.size:
        sums[again], settled[again] = _extracted_twice(*_gathered(values, start[again], size[again]))
    return sums, settled


def _extracted_once(values: np.ndarray, start: np.ndarray, size: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One level of extraction, the remainders then added plainly, where that plain sum is exact.

    With ``2**m >= n + 2`` and ``sigma = 2**k`` at least ``2**m`` times the group's largest magnitude (below
    ``2**E``, so ``k = E + m``), the high parts add up exactly and each remainder ``p - q`` is exact, at most
    ``2**(k - 53)`` and a multiple of its value's unit in the last place, so of ``2**(e - 53)`` where the
    group's smallest non-zero magnitude is at least ``2**(e - 1)``. Every partial sum of the remainders is
    then a multiple of ``2**(e - 53)`` below ``2**(k + m - 53)``: a double, so the plain sum is exact, when
    ``E - e <= 53 - 2m``. The exact sum is then two doubles, and one addition rounds it correctly.

    Returns the sums, whether each is settled, and whether this level decided it (``False``: the group's
    magnitudes span too many binades; its sum here means nothing).
    """
    sums = np.zeros(size.size)
    settled = np.zeros(size.size, dtype=bool)
    once = np.zeros(size.size, dtype=bool)
    full = np.flatnonzero(size > 0)
    if not full.size:
        return sums, settled, once
    first, sizes = start[full], size[full]
    m = int(np.ceil(np.log2(int(sizes.max()) + 2)))
    with np.errstate(over="ignore", invalid="ignore"):
        magnitude = np.abs(values)
        largest = np.maximum.reduceat(magnitude, first)
        # The smallest non-zero magnitude: as unsigned bits less one, a zero wraps round to the largest number.
        bits = magnitude.view(np.uint64)
        bits -= np.uint64(1)
        smallest = np.minimum.reduceat(bits, first)
        smallest += np.uint64(1)
        smallest = smallest.view(float)
        _, exponent = np.frexp(largest)  # largest < 2**exponent
        _, low_exponent = np.frexp(smallest)  # smallest >= 2**(low_exponent - 1)
        # Out of range: a zero group (its sum is 0.0), an overflow, or splits that would reach subnormals.
        in_range = (largest > 0) & np.isfinite(largest) & (exponent + m < 1024) & (exponent + m - 106 > -1000)
        sigma = np.repeat(np.ldexp(1.0, np.where(in_range, exponent + m, 0)), sizes)
        high = np.add(sigma, values, out=magnitude)
        high -= sigma
        rest = np.subtract(values, high, out=sigma)
        t1 = np.add.reduceat(high, first)
        t2 = np.add.reduceat(rest, first)
        total = t1 + t2
    decided = (largest == 0) | (in_range & (exponent - low_exponent <= 53 - 2 * m))
    sums[full] = np.where(in_range, total, 0.0)
    settled[full] = (decided & in_range & np.isfinite(total)) | (largest == 0)
    once[full] = decided
    return sums, settled, once


def _extracted_twice(values: np.ndarray, start: np.ndarray, size: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each non-empty group's sum by two levels of error-free extraction, and whether it is the exact
    sum correctly rounded (False: something was left below the second split, or the group is out of range).

    With ``2**m >= n + 2`` for the longest group's ``n`` and ``sigma`` a power of two at least ``2**m`` times
    the group's largest magnitude, ``q = (sigma + p) - sigma`` is a multiple of ``sigma * 2**-53`` no larger
    than ``sigma * 2**-m``, so the group's ``q`` add up exactly, and ``p - q`` is exact and at most
    ``sigma * 2**-53`` (Rump, Ogita and Oishi 2008, Lemma 3.3). The second level repeats this on the
    remainders with ``sigma * 2**(m - 53)``. When the remainders are all zero the exact sum is ``t1 + t2``,
    and one addition rounds it correctly.
    """
    sums = np.zeros(size.size)
    settled = np.zeros(size.size, dtype=bool)
    full = np.flatnonzero(size > 0)
    if not full.size:
        return sums, settled
    first, sizes = start[full], size[full]
    m = int(np.ceil(np.log2(int(sizes.max()) + 2)))
    with np.errstate(over="ignore", invalid="ignore"):
        remainder = np.abs(values)
        largest = np.maximum.reduceat(remainder, first)
        _, exponent = np.frexp(largest)  # largest < 2**exponent
        # Out of range: a zero group (its sum is 0.0), an overflow, or splits that would reach subnormals.
        in_range = (largest > 0) & np.isfinite(largest) & (exponent + m < 1024) & (exponent + m - 106 > -1000)
        sigma = np.repeat(np.ldexp(1.0, np.where(in_range, exponent + m, 0)), sizes)
        high = np.add(sigma, values, out=remainder)
        high -= sigma
        rest = values - high
        t1 = np.add.reduceat(high, first)
        sigma *= 2.0 ** (m - 53)
        middle = np.add(sigma, rest, out=high)
        middle -= sigma
        rest -= middle
        t2 = np.add.reduceat(middle, first)
        left = np.logical_or.reduceat(rest != 0, first)
        total = t1 + t2
    sums[full] = np.where(in_range, total, 0.0)
    settled[full] = (in_range & ~left & np.isfinite(total)) | (largest == 0)
    return sums, settled


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
