"""Zone geometry: what each VAV zone's floor area, facade and envelope are.

The building file gives floors, zones per floor and total area, not a floor
plan, so each floor is a square plate shared equally by its zones. Zones
named by an orientation (north, south-west, ...) share the perimeter and get
its walls and windows; any other name (core, interior, ...) is an interior
zone coupled to its neighbours. Top-floor zones also lose heat through the
roof. Pure arithmetic on the building; imports nothing else from ``sim``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Facade azimuth (degrees clockwise from north) of zones named by orientation;
#: any other zone name (core, interior, ...) has no facade.
ORIENTATIONS = {"north": 0, "northeast": 45, "east": 90, "southeast": 135,
                "south": 180, "southwest": 225, "west": 270, "northwest": 315}
FLOOR_HEIGHT_FT = 13.0
WINDOW_TO_WALL = 0.40
U_WINDOW, U_WALL, U_ROOF = 0.55, 0.08, 0.05  # BTU/h.ft2.F
INFILTRATION = 0.10  # BTU/h.F per ft2 of perimeter-zone floor (stack effect in towers)
MASS_COUPLING = 0.25  # BTU/h.F per ft2: structure and neighbouring zones
CORE_COUPLING = 0.6  # interior zones: neighbours on every side
SHGC = 0.30  # with blinds


@dataclass(frozen=True)
class Zones:
    area: np.ndarray
    """Floor area per VAV zone (ft2)."""
    ua: np.ndarray
    """Envelope conductance to outdoors (BTU/h.F)."""
    g: np.ndarray
    """Total conductance: envelope + mass/neighbours (BTU/h.F)."""
    window: np.ndarray
    """Glazing area (ft2)."""
    azimuth: np.ndarray
    """Facade azimuth in radians (0 where there is no facade)."""
    sunlit: np.ndarray
    """1.0 for zones with a facade, else 0.0."""
    ahu: np.ndarray
    """AHU index per zone."""
    fmax: float
    fmin: float
    """Box airflow limits (cfm), the same for every box."""


def zone_geometry(b) -> Zones:
    """Each VAV zone's share of a square floor plate, its facade (by zone name) and envelope."""
    spec = b.spec
    n_z = len(b.vav_zone)
    floor_area = spec.site.area_ft2 / spec.site.floors
    area = np.full(n_z, spec.site.area_ft2 / n_z)
    faces = [ORIENTATIONS.get(z) for z in spec.vavs.zones]
    n_faces = sum(f is not None for f in faces) or 1
    facade = 4.0 * math.sqrt(floor_area) / n_faces * FLOOR_HEIGHT_FT  # wall area per perimeter zone
    az = np.array([math.radians(ORIENTATIONS.get(z, 0)) for z in b.vav_zone])
    sunlit = np.array([1.0 if z in ORIENTATIONS else 0.0 for z in b.vav_zone])
    window = sunlit * facade * WINDOW_TO_WALL
    ua = window * U_WINDOW + sunlit * facade * (1 - WINDOW_TO_WALL) * U_WALL + sunlit * area * INFILTRATION
    top = np.array([f == spec.site.floors for f in b.vav_floor])
    ua = ua + top * area * U_ROOF + area * 0.005  # roof; a little through floors and shafts
    fmax = spec.vavs.max_airflow_cfm
    g = ua + area * np.where(sunlit > 0, MASS_COUPLING, CORE_COUPLING)
    return Zones(area=area, ua=ua, g=g, window=window, azimuth=az, sunlit=sunlit,
                 ahu=np.array(b.vav_ahu, dtype=np.int64), fmax=fmax, fmin=fmax * spec.vavs.min_flow_ratio)
