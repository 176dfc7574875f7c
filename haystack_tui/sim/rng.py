"""Counter-based random numbers: a pure function of (seed, stream, counter).

No generator object and no state: every draw is a hash of its key and counter,
so a value at interval ``i`` is the same whether it is produced alone or inside
a year-long run, in any order. The hash is splitmix64's finaliser on uint64
arrays (numpy wraps on overflow, which is what we want).

Must not import anything from the rest of ``sim`` (everything else builds on it).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

import numpy as np

_M64 = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31 = np.uint64(30), np.uint64(27), np.uint64(31)
_LANE = np.uint64(0xFFFF)
#: Irwin-Hall of four 16-bit lanes: mean 4 * 32767.5, variance 4 * (65536**2 - 1) / 12.
_IH_MEAN = 4 * 32767.5
_IH_SCALE = 1.0 / np.sqrt(4 * (65536.0**2 - 1) / 12)


def _mix_int(z: int) -> int:
    """splitmix64 on one Python int (for deriving keys)."""
    z = (z + 0x9E3779B97F4A7C15) & _M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _M64
    return z ^ (z >> 31)


def name_key(name: str) -> int:
    """A stable 64-bit key for a string (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def seed_key(seed: int) -> int:
    """The seed's share of every stream key."""
    return _mix_int(seed & _M64)


def base_key(name: str) -> int:
    """The seed-independent share of a stream key (precomputed per building)."""
    return _mix_int(name_key(name))


def base_keys(names) -> np.ndarray:
    """Seed-independent keys of many streams; XOR with ``seed_key`` to use them."""
    return np.array([base_key(n) for n in names], dtype=np.uint64)


def hash64(key, counter) -> np.ndarray:
    """splitmix64(counter * golden + key), broadcasting key against counter."""
    # Array arithmetic wraps modulo 2**64 silently (only numpy scalars warn), hence atleast_1d.
    z = np.atleast_1d(counter).astype(np.uint64) * _GOLDEN + np.asarray(key, dtype=np.uint64)
    z = (z ^ (z >> _S30)) * _C1
    z = (z ^ (z >> _S27)) * _C2
    return z ^ (z >> _S31)


def normal(key, counter) -> np.ndarray:
    """Approximately standard normal (sum of four 16-bit uniforms), bounded at +-3.46.

    Sensor noise needs a bell shape, not Gaussian tails; this costs integer
    operations only, which matters at tens of millions of draws a second.
    """
    h = hash64(key, counter)
    s = (h & _LANE) + ((h >> np.uint64(16)) & _LANE) + ((h >> np.uint64(32)) & _LANE) + (h >> np.uint64(48))
    return (s.astype(np.float64) - _IH_MEAN) * _IH_SCALE


def smooth(key, i: np.ndarray, spacing: int) -> np.ndarray:
    """A smooth random process with unit variance: cubic B-spline through random knots.

    Knots sit every ``spacing`` intervals (knot k at interval k * spacing);
    ``i`` (shape (T,)) holds interval indices. ``key`` is a uint64 scalar or
    an array (K,) of stream keys, giving (T,) or (T, K). Knot values are
    normals keyed by the knot index, so the process at an interval never
    depends on the range evaluated. The spline is divided by the root of its
    squared weights, so the variance is 1 everywhere, not lower between knots.
    """
    spacing = max(1, int(spacing))
    k0 = i // spacing
    w = _spline_weights(spacing)[i - k0 * spacing]  # (T, 4)
    lo = int(k0[0]) - 1
    rel = k0 - 1 - lo  # knots[rel] is knot k0 - 1
    knot_idx = np.arange(lo, int(k0[-1]) + 3, dtype=np.int64) + (1 << 40)  # offset keeps indices positive
    key = np.asarray(key, dtype=np.uint64)
    if key.ndim:
        knots = normal(key[None, :], knot_idx[:, None])  # (n, K)
        return (w[:, 0:1] * knots[rel] + w[:, 1:2] * knots[rel + 1]
                + w[:, 2:3] * knots[rel + 2] + w[:, 3:4] * knots[rel + 3])
    knots = normal(key, knot_idx)
    return w[:, 0] * knots[rel] + w[:, 1] * knots[rel + 1] + w[:, 2] * knots[rel + 2] + w[:, 3] * knots[rel + 3]


@lru_cache(maxsize=64)
def _spline_weights(spacing: int) -> np.ndarray:
    """(spacing, 4) cubic B-spline weights at each offset between knots, normalised to unit variance."""
    f = np.arange(spacing) / spacing
    w = np.stack([(1 - f) ** 3, 3 * f ** 3 - 6 * f ** 2 + 4, -3 * f ** 3 + 3 * f ** 2 + 3 * f + 1, f ** 3], axis=1) / 6
    return w / np.sqrt((w * w).sum(axis=1, keepdims=True))
