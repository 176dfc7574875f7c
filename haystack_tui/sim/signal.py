"""Bounded-window filters and fixed-order sums: the tools that keep slow state exact.

Thermal lag is a finite impulse response over the last ``len(kernel) - 1``
intervals, so a row's value depends on a fixed window of inputs and never on
where the block started. Both the filter and the group sums accumulate in a
fixed order, term by term, so every row gets the same floating-point
operations whatever the block length: bit-for-bit equal results in a short
and a long block. (``np.sum`` may change its pairing with the array shape.)
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

STEP_H = 0.25  # hours per interval


@lru_cache(maxsize=None)
def zone_kernel(width: int = 24, wn: float = 1.5, zeta: float = 0.6) -> np.ndarray:
    """Second-order underdamped response (rad/h, damping): about an hour of lag, ~9 % overshoot."""
    wd = wn * np.sqrt(1.0 - zeta * zeta)
    t = np.arange(width + 2) * STEP_H
    step = 1.0 - np.exp(-zeta * wn * t) * (np.cos(wd * t) + zeta / np.sqrt(1.0 - zeta * zeta) * np.sin(wd * t))
    h = np.diff(step)[: width + 1]
    return h / h.sum()


@lru_cache(maxsize=None)
def lag_kernel(width: int = 12, tau_h: float = 1.0) -> np.ndarray:
    """First-order lag (time constant in hours), truncated and renormalised."""
    a = np.exp(-STEP_H / tau_h)
    h = (1.0 - a) * a ** np.arange(width + 1)
    return h / h.sum()


def fir(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """y[t] = sum_k kernel[k] * x[t - k] along axis 0; rows before the window repeat x[0].

    The first ``len(kernel) - 1`` rows are only approximate; callers generate
    that many warm-up rows and discard them.
    """
    w = len(kernel) - 1
    pad = np.concatenate([np.repeat(x[:1], w, axis=0), x], axis=0)
    n = len(x)
    out = kernel[0] * pad[w:]
    for k in range(1, w + 1):
        out = out + kernel[k] * pad[w - k: w - k + n]
    return out


def group_sum(x: np.ndarray, members: np.ndarray) -> np.ndarray:
    """(T, Z) -> (T, A): sum over each group's members, in member order.

    ``members`` is (A, k) of column indices padded with Z, which reads a zero
    column. When the groups are equal runs of consecutive columns (the usual
    building), views of a reshape replace the gathers.
    """
    n_groups, k = members.shape
    if members[-1, -1] == x.shape[1] - 1 and n_groups * k == x.shape[1]:
        parts = x.reshape(len(x), n_groups, k)
        out = parts[:, :, 0]
        for j in range(1, k):
            out = out + parts[:, :, j]
        return out
    xp = np.concatenate([x, np.zeros((len(x), 1))], axis=1)
    out = xp[:, members[:, 0]]
    for j in range(1, k):
        out = out + xp[:, members[:, j]]
    return out


def ordered_sum(parts) -> np.ndarray:
    """Sum of arrays, left to right."""
    parts = list(parts)
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def clip(x, lo, hi):
    """np.clip without its Python-level overhead (it matters for one-interval blocks)."""
    return np.minimum(np.maximum(x, lo), hi)
