"""Point types per equipment type: ids, units, tags, resolution, plausible range.

The predecessor's ids and point list are kept (users' dashboards read them);
the points coherence needs (fan power, valves, chiller load, boiler, weather,
lighting/plug power) are added. ``decimals`` is the resolution a BMS reports;
the generator rounds to it. ``lo``/``hi`` bound plausible values of ``ok`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PointType:
    suffix: str
    """Last part of the point id, e.g. ``zoneTemp``."""
    dis: str
    kind: str
    """Haystack kind of the value: ``Number`` or ``Bool``."""
    unit: str | None
    markers: tuple[str, ...]
    decimals: int = 1
    lo: float = 0.0
    hi: float = 0.0
    rate: str | None = None
    """For a totalizer: the suffix of its rate point on the same equipment."""
    rate_factor: float = 0.0
    """Rate units -> totalizer units per 15-minute interval (0.25 h or 15 min)."""
    degradable: bool = True
    """Whether stale/fault episodes apply (not to totalizers, their rates, sp, cmd)."""


def _p(suffix, dis, kind, unit, markers, decimals=1, lo=0.0, hi=0.0, **kw) -> PointType:
    return PointType(suffix, dis, kind, unit, tuple(markers.split()), decimals, lo, hi, **kw)


QUARTER_HOUR = 0.25  # hours per interval
QUARTER_MINUTES = 15.0

CHILLER = (
    _p("status", "Status", "Bool", None, "chiller run sensor", 0, 0, 1),
    _p("enable", "Enable Command", "Bool", None, "chiller enable cmd", 0, 0, 1, degradable=False),
    _p("chwSupplyTemp", "CHW Supply Temp", "Number", "°F", "chilled water leaving temp sensor", 1, 35, 90),
    _p("chwReturnTemp", "CHW Return Temp", "Number", "°F", "chilled water entering temp sensor", 1, 35, 95),
    _p("condenserTemp", "Condenser Temp", "Number", "°F", "condenser water leaving temp sensor", 1, 30, 115),
    _p("chwFlow", "CHW Flow Rate", "Number", "gal/min", "chilled water flow sensor", 0, 0, 2000),
    _p("power", "Power", "Number", "kW", "elec power sensor", 1, 0, 2000, degradable=False),
    _p("energy", "Energy", "Number", "kWh", "elec energy sensor", 1, 0, 1e13,
       rate="power", rate_factor=QUARTER_HOUR, degradable=False),
    _p("cop", "COP", "Number", None, "efficiency sensor", 2, 0, 12),
    _p("loadPercent", "Load", "Number", "%", "chiller load sensor", 1, 0, 100),
)

AHU = (
    _p("status", "Status", "Bool", None, "fan run sensor", 0, 0, 1),
    _p("enable", "Enable", "Bool", None, "enable cmd", 0, 0, 1, degradable=False),
    _p("supplyTemp", "Supply Air Temp", "Number", "°F", "discharge air temp sensor", 1, 40, 110),
    _p("returnTemp", "Return Air Temp", "Number", "°F", "return air temp sensor", 1, 50, 95),
    _p("mixedTemp", "Mixed Air Temp", "Number", "°F", "mixed air temp sensor", 1, -30, 120),
    _p("supplyFanSpeed", "Supply Fan Speed", "Number", "%", "discharge fan speed cmd", 1, 0, 100),
    _p("staticPressure", "Static Pressure", "Number", "inH₂O", "discharge duct air pressure sensor", 2, 0, 6),
    _p("supplyAirFlow", "Supply Air Flow", "Number", "cfm", "discharge air flow sensor", 0, 0, 250000),
    _p("fanPower", "Supply Fan Power", "Number", "kW", "discharge fan elec power sensor", 1, 0, 2000),
    _p("coolingValve", "Cooling Valve", "Number", "%", "cool valve cmd", 1, 0, 100),
    _p("heatingValve", "Heating Valve", "Number", "%", "heat valve cmd", 1, 0, 100),
)

VAV = (
    _p("zoneTemp", "Zone Temp", "Number", "°F", "zone air temp sensor", 1, 50, 95),
    _p("zoneTempSp", "Zone Temp Setpoint", "Number", "°F", "zone air temp effective sp", 1, 40, 110,
       degradable=False),
    _p("airFlow", "Air Flow", "Number", "cfm", "discharge air flow sensor", 0, 0, 25000),
    _p("damperPos", "Damper Position", "Number", "%", "damper cmd", 1, 0, 100),
    _p("reheatValve", "Reheat Valve", "Number", "%", "reheat hot water valve cmd", 1, 0, 100),
    _p("occupied", "Occupied", "Bool", None, "occupied sensor", 0, 0, 1),
)

BOILER = (
    _p("status", "Status", "Bool", None, "boiler run sensor", 0, 0, 1),
    _p("enable", "Enable Command", "Bool", None, "boiler enable cmd", 0, 0, 1, degradable=False),
    _p("hwSupplyTemp", "HW Supply Temp", "Number", "°F", "hot water leaving temp sensor", 1, 40, 210),
    _p("hwReturnTemp", "HW Return Temp", "Number", "°F", "hot water entering temp sensor", 1, 40, 210),
    _p("firingRate", "Firing Rate", "Number", "%", "boiler fire rate sensor", 1, 0, 100),
    _p("gasFlow", "Gas Flow", "Number", "ft³/h", "naturalGas flow sensor", 0, 0, 1e6, degradable=False),
)

ELEC_METER = (
    _p("power", "Power", "Number", "kW", "elec power sensor", 1, 0, 1e6, degradable=False),
    _p("energy", "Energy", "Number", "kWh", "elec energy sensor", 1, 0, 1e13,
       rate="power", rate_factor=QUARTER_HOUR, degradable=False),
    _p("powerFactor", "Power Factor", "Number", None, "elec pf sensor", 3, 0.5, 1),
    _p("lightingPlugPower", "Lighting and Plug Power", "Number", "kW", "elec power sensor lights plug", 1, 0, 1e6,
       degradable=False),
)

GAS_METER = (
    _p("flow", "Gas Flow", "Number", "ft³/h", "naturalGas flow sensor", 0, 0, 1e7, degradable=False),
    _p("volume", "Gas Volume", "Number", "ft³", "naturalGas volume sensor", 0, 0, 1e13,
       rate="flow", rate_factor=QUARTER_HOUR, degradable=False),
)

WATER_METER = (
    _p("flow", "Water Flow", "Number", "gal/min", "domestic water flow sensor", 1, 0, 1e5, degradable=False),
    _p("volume", "Water Volume", "Number", "gal", "domestic water volume sensor", 0, 0, 1e13,
       rate="flow", rate_factor=QUARTER_MINUTES, degradable=False),
)

WEATHER = (
    _p("temp", "Outside Air Temp", "Number", "°F", "outside air temp sensor weather", 1, -40, 125),
    _p("humidity", "Outside Air Humidity", "Number", "%RH", "outside air humidity sensor weather", 1, 0, 100),
)

#: Equipment type -> its point types, in the order points are listed.
POINT_TYPES: dict[str, tuple[PointType, ...]] = {
    "weather": WEATHER,
    "chiller": CHILLER,
    "boiler": BOILER,
    "ahu": AHU,
    "vav": VAV,
    "elecMeter": ELEC_METER,
    "gasMeter": GAS_METER,
    "waterMeter": WATER_METER,
}
