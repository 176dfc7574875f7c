"""The building file's sections as frozen dataclasses.

Each field's type and bounds are the file's schema: ``building_file.py`` walks
these dataclasses to validate a TOML/YAML document, so adding a key here is
all it takes to accept it (with a clear error for a wrong value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


def bounded(lo: float | None = None, hi: float | None = None, **kw):
    """A dataclass field carrying the inclusive range its value must lie in."""
    return field(metadata={"lo": lo, "hi": hi}, **kw)


@dataclass(frozen=True)
class SiteSpec:
    id: str
    """Haystack id of the site, e.g. ``site-downtown-tower``."""
    dis: str
    """Display name."""
    tz: str
    """IANA time zone; schedules run in it, DST included."""
    area_ft2: float = bounded(1000, 1e8)
    floors: int = bounded(1, 200)
    latitude: float = bounded(-90, 90)
    longitude: float = bounded(-180, 180)
    geo_addr: str = ""
    geo_city: str = ""
    year_built: int = bounded(1800, 2100, default=2018)
    primary_function: str = "Office"


@dataclass(frozen=True)
class WeatherStationSpec:
    id: str
    dis: str


@dataclass(frozen=True)
class ClimateSpec:
    annual_mean_f: float = bounded(-40, 110)
    seasonal_amplitude_f: float = bounded(0, 60)
    coldest_day: int = bounded(1, 366)
    daily_range_f: float = bounded(0, 50)
    peak_hour: float = bounded(0, 24)
    front_amplitude_f: float = bounded(0, 30)
    front_days: float = bounded(0.5, 30)
    humidity_mean_pct: float = bounded(5, 100)


@dataclass(frozen=True)
class ChillerSpec:
    count: int = bounded(0, 20)
    capacity_tons: float = bounded(10, 10000)
    design_cop: float = bounded(1, 12)
    lag_start_fraction: float = bounded(0.3, 1.0)


@dataclass(frozen=True)
class BoilerSpec:
    count: int = bounded(0, 1)
    capacity_mbh: float = bounded(50, 100000)
    efficiency: float = bounded(0.5, 0.99)


@dataclass(frozen=True)
class AhuSpec:
    floors_per_ahu: int = bounded(1, 200)
    design_static_inh2o: float = bounded(0.2, 6)
    fan_kw_at_design: float = bounded(0.5, 1000)
    min_outside_air_fraction: float = bounded(0, 1)


@dataclass(frozen=True)
class VavSpec:
    zones: tuple[str, ...]
    max_airflow_cfm: float = bounded(50, 20000)
    min_flow_ratio: float = bounded(0.05, 1)


@dataclass(frozen=True)
class SetpointSpec:
    occupied_cooling_f: float = bounded(50, 100)
    occupied_heating_f: float = bounded(40, 100)
    unoccupied_cooling_f: float = bounded(50, 110)
    unoccupied_heating_f: float = bounded(40, 100)


@dataclass(frozen=True)
class LoadSpec:
    lighting_plug_w_per_ft2: float = bounded(0, 20)
    base_kw: float = bounded(0, 100000)
    domestic_water_gpm: float = bounded(0, 10000)
    domestic_gas_cfh: float = bounded(0, 100000)


@dataclass(frozen=True)
class ScheduleSpec:
    weekday: tuple[tuple[float, float], ...]
    """(local hour, occupancy fraction) knots from hour 0 to 24."""
    weekend: tuple[tuple[float, float], ...]
    occupied_threshold: float = bounded(0, 1)
    daily_variation: float = bounded(0, 0.5)


@dataclass(frozen=True)
class MeterSpec:
    origin: datetime
    """Timezone-aware instant at which the readings below hold."""
    electric_kwh: float = bounded(0, 1e12)
    gas_ft3: float = bounded(0, 1e12)
    water_gal: float = bounded(0, 1e12)
    chiller_kwh: float = bounded(0, 1e12)


@dataclass(frozen=True)
class QualitySpec:
    ok: float = bounded(0, 1)
    stale: float = bounded(0, 1)
    fault: float = bounded(0, 1)
    episode_intervals: float = bounded(1, 96)


@dataclass(frozen=True)
class BuildingSpec:
    """A whole building file, validated."""

    site: SiteSpec
    weather_station: WeatherStationSpec
    climate: ClimateSpec
    chillers: ChillerSpec
    boiler: BoilerSpec
    ahus: AhuSpec
    vavs: VavSpec
    setpoints: SetpointSpec
    loads: LoadSpec
    schedule: ScheduleSpec
    meters: MeterSpec
    data_quality: QualitySpec
