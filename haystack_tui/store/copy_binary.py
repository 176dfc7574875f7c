"""PostgreSQL binary COPY payloads for the values tables, built with numpy.

A per-row ``write_row`` loop costs about as much as the database itself (see
/work/shared/figures.md), so the rows are encoded column-wise: every row is
laid out in a fixed-width scratch matrix in which each field block
(value_n, value_b, status) sits at a fixed column, left-aligned and as wide as
its widest form; a boolean mask, one per row layout (NULL / numeric / bool
times status), then compacts the matrix into the variable-width COPY rows in
one pass. Rows are processed in chunks so the scratch stays small; peak memory
is a little over twice the payload (the chunks, then the joined bytes).

numeric is sent with a fixed digit count per chunk (leading and trailing zero
base-10000 digits are allowed; PostgreSQL's numeric_recv normalises them) and
built from integers, never from printed floats. ``timestamp`` and
``timestamptz`` share the binary encoding, so one encoder serves both.

Pure protocol logic: this module imports numpy only, never psycopg.
"""

from __future__ import annotations

import functools

import numpy as np

COPY_COLUMNS = ("entity_id", "ts", "value_n", "value_b", "status")
STATUS_TEXT = ("ok", "stale", "fault")
PG_EPOCH_OFFSET_S = 946_684_800

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
"""Signature, int32 flags 0, int32 header-extension length 0."""
TRAILER = b"\xff\xff"
CHUNK_ROWS = 1 << 15
"""Rows per scratch matrix: large enough to amortise numpy calls, small enough for cache."""
MAX_SCALE = 6

_POW10 = 10 ** np.arange(9, dtype=np.int64)
_STATUS_WIDTH = 4 + max(len(t) for t in STATUS_TEXT)
_STATUS_BLOCK = np.array([np.frombuffer(len(t).to_bytes(4, "big") + t.encode().ljust(_STATUS_WIDTH - 4, b"\0"),
                                        np.uint8) for t in STATUS_TEXT]).view(f"V{_STATUS_WIDTH}").ravel()
"""Each status as its COPY field (int32 length + text), zero-padded to one width."""
_KIND_NUM, _KIND_BOOL, _KIND_NULL = 0, 1, 2


def encode_rows(entity_id: np.ndarray, ts: np.ndarray, value: np.ndarray, scale: np.ndarray,
                is_bool: np.ndarray, status: np.ndarray, *, header: bool = True, trailer: bool = True) -> bytes:
    """Binary COPY data for ``COPY_COLUMNS``, one row per array element.

    ``ts`` is Unix seconds (UTC); ``value`` NaN is NULL; numeric rows carry
    ``round(value, scale)`` exactly (Python's rounding of the binary value,
    ties to even) with ``scale`` decimals; bool rows take 0.0/1.0 into value_b.
    Raises ValueError for inputs the table cannot hold faithfully.
    """
    cols = _checked(entity_id, ts, value, scale, is_bool, status)
    parts: list[bytes | np.ndarray] = [HEADER] if header else []
    for start in range(0, len(cols[0]), CHUNK_ROWS):
        parts.append(_encode_chunk(*(c[start:start + CHUNK_ROWS] for c in cols)))
    if trailer:
        parts.append(TRAILER)
    return b"".join(parts)


def _checked(entity_id, ts, value, scale, is_bool, status) -> tuple[np.ndarray, ...]:
    """The inputs as 1-D arrays of the working dtypes; ValueError if unfit."""
    eid = _as_int(entity_id, np.int32, "entity_id")
    cols = (eid, _as_int(ts, np.int64, "ts"), np.asarray(value, np.float64), _as_int(scale, np.int64, "scale"),
            np.asarray(is_bool, bool), _as_int(status, np.int64, "status"))
    if any(c.ndim != 1 or len(c) != len(eid) for c in cols):
        raise ValueError("encode_rows: all arrays must be 1-D and of equal length")
    _, _, v, s, b, st = cols
    present = ~np.isnan(v)
    if np.any((st < 0) | (st >= len(STATUS_TEXT))):
        raise ValueError(f"encode_rows: status codes must index {STATUS_TEXT}")
    if np.any(b & present & (v != 0.0) & (v != 1.0)):
        raise ValueError("encode_rows: a bool value must be 0.0, 1.0 or NaN")
    num = ~b & present
    if np.any(num & ((s < 0) | (s > MAX_SCALE))):
        raise ValueError(f"encode_rows: scale must be 0..{MAX_SCALE}")
    if np.any(num & ~(np.abs(v) < 2.0 ** 63)):
        raise ValueError("encode_rows: numeric values must be finite and below 2**63 in magnitude")
    return cols


def _as_int(a, dtype, name: str) -> np.ndarray:
    """``a`` as ``dtype``, refusing values the cast would wrap."""
    a = np.asarray(a)
    if a.dtype != dtype and a.size:
        if a.dtype.kind not in "iub":
            raise ValueError(f"encode_rows: {name} must be integers, got {a.dtype}")
        info = np.iinfo(dtype)
        if a.min() < info.min or a.max() > info.max:
            raise ValueError(f"encode_rows: {name} out of range for {np.dtype(dtype)}")
    return a.astype(dtype, copy=False)


def _encode_chunk(eid, ts, value, scale, is_bool, status) -> np.ndarray:
    """The COPY rows of one chunk as a flat uint8 array."""
    present = ~np.isnan(value)
    kind = np.where(present, np.where(is_bool, _KIND_BOOL, _KIND_NUM), _KIND_NULL)
    num = kind == _KIND_NUM
    scale = np.where(num, scale, 0)
    q, r = _decimal_parts(np.where(num, value, 0.0), scale)
    n_int = max(1, -(-len(str(int(q.max(initial=0)))) // 4))
    n_frac = -(-int(scale.max(initial=0)) // 4)
    layout = _layout(n_int + n_frac)
    scratch = np.empty((len(eid), layout.itemsize), np.uint8)
    rec = scratch.view(layout)[:, 0]
    _fill_fixed(rec, eid, ts, value, kind, status)
    _fill_numeric(rec, q, r, scale, value < 0, n_int, n_frac)
    masks = _layout_masks(n_int + n_frac)
    return scratch[masks[kind * len(STATUS_TEXT) + status]]


def _decimal_parts(value: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """|round(value, scale)| as integer part and ``scale``-digit fraction, both int64.

    Splitting off the integer part first keeps every step exact in float64, so
    values far beyond 2**53 / 10**scale still round correctly (1e13 + 0.123 at
    scale 3 -> 10000000000000.123, where value * 1000 would already be off).
    """
    whole = np.trunc(value)
    p10 = _POW10[scale].astype(np.float64)
    fm = _round_product(np.abs(value - whole), p10, whole)  # the subtraction is exact
    carry = fm >= p10  # 0.996 at scale 2 rounds up to 1.00
    q = np.abs(whole).astype(np.int64) + carry
    r = np.where(carry, 0.0, fm).astype(np.int64)
    return q, r


def _round_product(frac: np.ndarray, p10: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """round(frac * p10) of the exact product, ties to even, as Python's round() does.

    The float product is inexact; its error is recovered exactly (Dekker's
    product with a Veltkamp split; p10 has few bits) and decides the rounding
    when the float product lands on a half: 0.155 at scale 2 -> 15, not 16.
    An exact tie goes to the even neighbour of the whole scaled number, which
    is the even fraction unless p10 is 1 and the integer part ``whole`` is odd.
    """
    prod = frac * p10
    hi = 134217729.0 * frac
    hi = hi - (hi - frac)
    err = (hi * p10 - prod) + (frac - hi) * p10
    fm = np.rint(prod)
    tie = np.flatnonzero(np.abs(prod - fm) == 0.5)
    if tie.size:
        p, e = prod[tie], err[tie]
        odd_units = (p10[tie] == 1.0) & (np.fmod(whole[tie], 2.0) != 0.0)
        fm[tie] = np.where(e != 0.0, np.floor(p) + (e > 0.0), np.where(odd_units, 1.0, fm[tie]))
    return fm


def _fill_fixed(rec: np.ndarray, eid, ts, value, kind, status) -> None:
    """Everything but the numeric: counts, lengths, ids, times, bools, status."""
    rec["nf"] = len(COPY_COLUMNS)
    rec["l_eid"] = 4
    rec["eid"] = eid
    rec["l_ts"] = 8
    rec["ts"] = (ts - PG_EPOCH_OFFSET_S) * 1_000_000
    rec["l_n"] = np.where(kind == _KIND_NUM, rec.dtype["digits"].itemsize + 8, -1)
    rec["l_b"] = np.where(kind == _KIND_BOOL, 1, -1)
    rec["b"] = value == 1.0
    rec["status"] = _STATUS_BLOCK[status]


def _fill_numeric(rec: np.ndarray, q, r, scale, negative, n_int: int, n_frac: int) -> None:
    """numeric header and base-10000 digits: ``n_int`` integer, ``n_frac`` fraction digits."""
    rec["ndigits"] = n_int + n_frac
    rec["weight"] = n_int - 1
    rec["sign"] = np.where(negative & ((q | r) != 0), 0x4000, 0)
    rec["dscale"] = scale
    digits = rec["digits"]
    for i in range(n_int - 1, -1, -1):
        q, digits[:, i] = np.divmod(q, 10_000)
    if n_frac:
        f = r * _POW10[4 * n_frac - scale]
        for i in range(n_int + n_frac - 1, n_int - 1, -1):
            f, digits[:, i] = np.divmod(f, 10_000)


@functools.lru_cache(maxsize=None)
def _layout(ndigits: int) -> np.dtype:
    """One scratch row: every field at a fixed offset, each block as wide as its widest form."""
    d = 34 + 2 * ndigits
    fields = {"nf": (">i2", 0), "l_eid": (">i4", 2), "eid": (">i4", 6), "l_ts": (">i4", 10), "ts": (">i8", 14),
              "l_n": (">i4", 22), "ndigits": (">i2", 26), "weight": (">i2", 28), "sign": (">u2", 30),
              "dscale": (">i2", 32), "digits": ((">i2", (ndigits,)), 34),
              "l_b": (">i4", d), "b": ("u1", d + 4), "status": (f"V{_STATUS_WIDTH}", d + 5)}
    return np.dtype({"names": list(fields), "formats": [f for f, _ in fields.values()],
                     "offsets": [o for _, o in fields.values()], "itemsize": d + 5 + _STATUS_WIDTH})


@functools.lru_cache(maxsize=None)
def _layout_masks(ndigits: int) -> np.ndarray:
    """Bytes kept of a scratch row, per row layout ``kind * len(STATUS_TEXT) + status``."""
    d = 34 + 2 * ndigits
    masks = np.zeros((3 * len(STATUS_TEXT), _layout(ndigits).itemsize), bool)
    for kind in (_KIND_NUM, _KIND_BOOL, _KIND_NULL):
        for status, text in enumerate(STATUS_TEXT):
            m = masks[kind * len(STATUS_TEXT) + status]
            m[:26] = True  # field count, entity_id, ts, value_n length
            m[26:d] = kind == _KIND_NUM
            m[d:d + 4] = True  # value_b length
            m[d + 4] = kind == _KIND_BOOL
            m[d + 5:d + 9 + len(text)] = True
    return masks
