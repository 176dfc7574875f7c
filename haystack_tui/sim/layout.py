"""Per-building constants for the generator, computed once and cached.

Everything the vectorised physics needs that depends only on the building:
column index arrays per point type, per-point noise keys and resolution,
zone geometry, AHU membership, the totalizer arithmetic and the data-quality
episode parameters. Cached by the ``Building`` object's identity (held
weakly) and by its spec, from which it is built deterministically.
"""

from __future__ import annotations

import math
import threading
import weakref
from collections import OrderedDict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import numpy as np

from haystack_tui.model.building import Building
from haystack_tui.model.spec import BuildingSpec
from haystack_tui.sim import rng
from haystack_tui.sim.clock import epoch_seconds
from haystack_tui.sim.geometry import Zones, zone_geometry

@dataclass(frozen=True)
class Quality:
    slot: int
    """Slot length in intervals; each slot holds at most one episode."""
    len_min: int
    len_max: int
    p_stale: float
    p_fault: float


@dataclass(frozen=True)
class Layout:
    spec: BuildingSpec
    tz: ZoneInfo
    n_points: int
    keys: np.ndarray
    """Seed-independent noise key per point column (uint64)."""
    decimals: np.ndarray
    scale: np.ndarray
    """10**decimals per column."""
    lo: np.ndarray
    hi: np.ndarray
    degradable: np.ndarray
    """Columns that can go stale or faulty."""
    is_bool: np.ndarray
    n_chillers: int
    n_boilers: int
    n_ahus: int
    zones: Zones
    zone_keys: np.ndarray
    """Seed-independent keys of each zone's temperature wander."""
    zone_occ_keys: np.ndarray
    members: np.ndarray
    """(A, k) zone indices of each AHU, padded with Z (a zero column)."""
    ahu_design_cfm: np.ndarray
    tot_cols: np.ndarray
    rate_cols: np.ndarray
    tot_scale: np.ndarray
    """10**decimals of each totalizer (its integer unit)."""
    rate_scale: np.ndarray
    delta_factor: np.ndarray
    """Integer rate units -> integer totalizer units per interval."""
    initial: np.ndarray
    """Totalizer readings at the origin in integer units (int64)."""
    origin: int
    quality: Quality
    _cols: dict
    checkpoints: OrderedDict = field(default_factory=OrderedDict, repr=False, compare=False)
    """Totalizer checkpoints per seed (see ``totalizers.py``); the only mutable part."""

    def col(self, equip_type: str, suffix: str) -> np.ndarray:
        """Columns of one point type in equipment order (empty if the catalogue lacks it)."""
        return self._cols.get((equip_type, suffix), _NONE)


_NONE = np.zeros(0, dtype=np.int64)
_MAX_SPECS = 32
_BY_ID: dict[int, tuple[weakref.ref, Layout]] = {}
_BY_SPEC: "OrderedDict[BuildingSpec, Layout]" = OrderedDict()
_LOCK = threading.Lock()


def layout(building: Building) -> Layout:
    """The building's constants, computed on first use.

    Cached by identity (the fast path for every block) and by the building's
    spec, so a building loaded again from the same file reuses the constants
    and the totalizer checkpoints (``build`` is deterministic in the spec).
    """
    hit = _BY_ID.get(id(building))
    if hit is not None and hit[0]() is building:
        return hit[1]
    with _LOCK:
        lay = _BY_SPEC.get(building.spec)
        if lay is None:
            lay = _BY_SPEC[building.spec] = _build(building)
            while len(_BY_SPEC) > _MAX_SPECS:
                _BY_SPEC.popitem(last=False)
        else:
            _BY_SPEC.move_to_end(building.spec)
        key = id(building)
        _BY_ID[key] = (weakref.ref(building, lambda _r, k=key: _BY_ID.pop(k, None)), lay)
    return lay


def _build(b: Building) -> Layout:
    spec = b.spec
    pts = b.points
    cols: dict[tuple[str, str], np.ndarray] = {}
    for p in pts:
        cols.setdefault((p.equip.type, p.type.suffix), []).append(p.column)
    cols = {k: np.array(v, dtype=np.int64) for k, v in cols.items()}
    tots = b.totalizers
    rates = [b.rate_point(t) for t in tots]
    tot_scale = np.array([10.0 ** t.type.decimals for t in tots])
    rate_scale = np.array([10.0 ** r.type.decimals for r in rates])
    factor = np.array([t.type.rate_factor for t in tots]) * tot_scale / rate_scale
    initial = np.array([round(b.initial_reading(t) * s) for t, s in zip(tots, tot_scale)], dtype=np.int64)
    zones = zone_geometry(b)
    n_ahu = b.count("ahu")
    groups = [[z for z, a in enumerate(b.vav_ahu) if a == i] for i in range(n_ahu)]
    width = max(len(g) for g in groups)
    members = np.array([g + [len(b.vav_ahu)] * (width - len(g)) for g in groups], dtype=np.int64)
    return Layout(
        spec=spec, tz=ZoneInfo(b.tz), n_points=len(pts),
        keys=rng.base_keys(p.id for p in pts),
        decimals=np.array([p.type.decimals for p in pts], dtype=np.int64),
        scale=np.array([10.0 ** p.type.decimals for p in pts]),
        lo=np.array([p.type.lo for p in pts]), hi=np.array([p.type.hi for p in pts]),
        degradable=np.array([p.column for p in pts if p.type.degradable], dtype=np.int64),
        is_bool=np.array([p.kind == "Bool" for p in pts]),
        n_chillers=b.count("chiller"), n_boilers=b.count("boiler"), n_ahus=n_ahu, zones=zones,
        zone_keys=rng.base_keys(f"wander.{e.short}" for e in b.equips if e.type == "vav"),
        zone_occ_keys=rng.base_keys(f"occupancy.{e.short}" for e in b.equips if e.type == "vav"),
        members=members, ahu_design_cfm=np.array([len(g) * zones.fmax for g in groups]),
        tot_cols=np.array([t.column for t in tots], dtype=np.int64),
        rate_cols=np.array([r.column for r in rates], dtype=np.int64),
        tot_scale=tot_scale, rate_scale=rate_scale, delta_factor=factor, initial=initial,
        origin=epoch_seconds(spec.meters.origin), quality=_quality(spec.data_quality), _cols=cols,
    )


def _quality(q) -> Quality:
    """Episode lengths uniform in [len_min, len_max] with the configured mean.

    Each slot of ``slot`` intervals holds at most one episode, never at the
    slot's first interval, so episodes never touch: a stale value always has a
    clean value right before it. The slot length gives each kind its rate.
    """
    m = q.episode_intervals
    lmin = max(1, math.floor(0.5 * m + 0.5))
    lmax = max(lmin, math.floor(2 * m - lmin + 0.5))
    mean = (lmin + lmax) / 2
    bad = q.stale + q.fault
    slot = max(lmax + 1, math.ceil(2 * mean))
    if bad * slot / mean > 1:
        slot = lmax + 1
    scale = min(1.0, mean / (bad * slot)) if bad > 0 else 1.0
    return Quality(slot=slot, len_min=lmin, len_max=lmax,
                   p_stale=q.stale * slot / mean * scale, p_fault=q.fault * slot / mean * scale)
