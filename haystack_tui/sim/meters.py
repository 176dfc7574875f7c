"""Site meters, built from the equipment so they add up.

Electric power = chillers + AHU fans + lighting/plug + base, summed from the
reported (rounded) component points, so the relation holds to the last digit.
Gas = boiler gas + domestic water heating (occupancy). Water = cooling-tower
make-up (evaporation of the heat the chillers reject, plus blowdown) +
domestic use (occupancy). Totalizer readings are not made here: they
integrate these rates in ``totalizers.py``.
"""

from __future__ import annotations

import numpy as np

from haystack_tui.sim.plant import CYCLES_OF_CONCENTRATION, KW_PER_TON
from haystack_tui.sim.signal import clip, ordered_sum

BTU_PER_LB_EVAPORATED = 1000.0
LB_PER_GAL = 8.34


def meters(f, occ, lp_frac, air, plant) -> None:
    _electric(f, lp_frac, air, plant)
    _gas(f, occ, plant)
    _water(f, occ, plant)


def _electric(f, lp_frac, air, plant) -> None:
    spec = f.lay.spec
    loads = spec.loads
    full_lp_kw = spec.site.area_ft2 * loads.lighting_plug_w_per_ft2 * 1e-3
    noise = f.noise("elecMeter", "lightingPlugPower")[:, 0]
    lp_kw = f.put_rounded("elecMeter", "lightingPlugPower", full_lp_kw * lp_frac * (1.0 + 0.01 * noise))[:, 0]
    parts = [plant.chiller_kw[:, k] for k in range(plant.chiller_kw.shape[1])]
    parts += [air.fan_kw[:, a] for a in range(air.fan_kw.shape[1])]
    parts += [lp_kw, np.full(len(lp_kw), loads.base_kw)]
    power = f.put_rounded("elecMeter", "power", ordered_sum(parts))
    peak = (loads.base_kw + full_lp_kw + f.lay.n_ahus * spec.ahus.fan_kw_at_design
            + f.lay.n_chillers * spec.chillers.capacity_tons * KW_PER_TON / spec.chillers.design_cop)
    pf = 0.86 + 0.08 * np.minimum(power / peak, 1.0) + 0.004 * f.noise("elecMeter", "powerFactor")
    f.put("elecMeter", "powerFactor", clip(pf, 0.5, 0.99))


def _gas(f, occ, plant) -> None:
    """Domestic hot water heaters keep a pilot-and-standby tenth of their occupied use."""
    noise = f.noise("gasMeter", "flow")[:, 0]
    domestic = np.rint(f.lay.spec.loads.domestic_gas_cfh * (0.1 + 0.9 * occ.building) * (1.0 + 0.03 * noise))
    f.put_rounded("gasMeter", "flow", plant.boiler_gas + domestic)


def _water(f, occ, plant) -> None:
    evaporated = plant.rejected * (1.0 / (BTU_PER_LB_EVAPORATED * LB_PER_GAL * 60.0))
    makeup = evaporated * CYCLES_OF_CONCENTRATION / (CYCLES_OF_CONCENTRATION - 1.0)
    noise = f.noise("waterMeter", "flow")[:, 0]
    domestic = f.lay.spec.loads.domestic_water_gpm * (0.05 + 0.95 * occ.building) * (1.0 + 0.05 * noise)
    f.put_rounded("waterMeter", "flow", makeup + domestic)
