"""Data quality: stale and fault episodes, a pure function of (seed, point, interval).

Each degradable point's time line is cut into slots of ``Quality.slot``
intervals (at a per-point phase, so points do not fail in step). A hash of
(seed, point, slot) decides whether the slot holds an episode, of which kind,
how long (uniform between ``len_min`` and ``len_max``, mean
``data_quality.episode_intervals``) and where it starts; it never starts at a
slot's first interval, so two episodes never touch and the interval before
an episode is always clean. Stale repeats that clean value; a fault is
missing (NaN) in some episodes and pegged outside the point's range in
others. Totalizers, their rate points, setpoints and commands never degrade.
"""

from __future__ import annotations

import numpy as np

from haystack_tui.sim import rng

STATUS_OK, STATUS_STALE, STATUS_FAULT = 0, 1, 2
STATUS_NAMES = ("ok", "stale", "fault")
_SALT_EPISODE = np.uint64(rng.base_key("quality.episode"))
_SALT_FAULT = np.uint64(rng.base_key("quality.fault"))
_M20 = np.uint64(0xFFFFF)


def degrade(lay, seed_key: np.uint64, i: np.ndarray, values: np.ndarray, first: int):
    """Rows ``first:`` of ``values`` with episodes applied, and their status codes.

    Rows from ``first - slot + 1`` on must be exact (the stale look-back).
    Work is per slot, then per episode interval: episodes are sparse.
    """
    q = lay.quality
    out = values[first:].copy()
    status = np.zeros(out.shape, dtype=np.uint8)
    if len(lay.degradable) == 0 or q.p_stale + q.p_fault == 0.0:
        return out, status
    ep = _episodes(lay, seed_key, int(i[first]), int(i[-1]))
    if ep is None:
        return out, status
    d, slot, first_i, length, stale = ep
    # Expand each episode to its intervals; keep those inside the block.
    idx = np.repeat(np.arange(len(d)), length)
    k = np.arange(len(idx)) - np.repeat(np.cumsum(length) - length, length)
    row = first_i[idx] + k - int(i[0])
    keep = (row >= first) & (row < len(values))
    idx, row = idx[keep], row[keep]
    col = lay.degradable[d[idx]]
    is_stale = stale[idx]
    frozen = values[first_i[idx] - 1 - int(i[0]), col]
    faulty = _fault_values(lay, d[idx], slot[idx], seed_key)
    out[row - first, col] = np.where(is_stale, frozen, faulty)
    status[row - first, col] = np.where(is_stale, STATUS_STALE, STATUS_FAULT).astype(np.uint8)
    return out, status


def _episodes(lay, seed_key, i_lo: int, i_hi: int):
    """Episodes touching intervals i_lo..i_hi: (point index, slot, first interval, length, is_stale)."""
    q = lay.quality
    ep_keys = lay.keys[lay.degradable] ^ seed_key ^ _SALT_EPISODE
    phase = (ep_keys % np.uint64(q.slot)).astype(np.int64)
    s_lo = (i_lo + phase) // q.slot
    n_slots = int(((i_hi + phase) // q.slot - s_lo).max()) + 1
    slots = s_lo[None, :] + np.arange(n_slots)[:, None]
    h = rng.hash64(ep_keys, slots)
    u_kind = (h >> np.uint64(40)).astype(np.float64) * (1.0 / (1 << 24))
    si, d = np.nonzero(u_kind < q.p_stale + q.p_fault)
    if len(d) == 0:
        return None
    h = h[si, d]
    slot = slots[si, d]
    u_len = ((h >> np.uint64(20)) & _M20).astype(np.float64) * (1.0 / (1 << 20))
    u_start = (h & _M20).astype(np.float64) * (1.0 / (1 << 20))
    length = q.len_min + np.floor(u_len * (q.len_max - q.len_min + 1)).astype(np.int64)
    start = 1 + np.floor(u_start * (q.slot - length)).astype(np.int64)
    first_i = slot * q.slot - phase[d] + start
    return d, slot, first_i, length, u_kind[si, d] < q.p_stale


def _fault_values(lay, d, slot, seed_key) -> np.ndarray:
    """Missing, or pegged outside lo..hi (by 5-50 % of the span, at most 50 units), per episode."""
    cols = lay.degradable[d]
    h = rng.hash64(lay.keys[cols] ^ seed_key ^ _SALT_FAULT, slot)
    missing = ((h & np.uint64(1)) == 1) | lay.is_bool[cols]
    above = ((h >> np.uint64(1)) & np.uint64(1)) == 1
    u = ((h >> np.uint64(2)) & np.uint64(0xFFFF)).astype(np.float64) * (1.0 / 65536.0)
    lo, hi, scale = lay.lo[cols], lay.hi[cols], lay.scale[cols]
    size = np.minimum(hi - lo, 100.0) * (0.05 + 0.45 * u) + 1.0 / scale
    pegged = np.rint(np.where(above, hi + size, lo - size) * scale) / scale
    return np.where(missing, np.nan, pegged)
