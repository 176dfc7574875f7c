"""The building: Haystack entities, the ordered point list, and the topology.

``Building.points`` fixes the column order of every generated block, so the
generator, the writer, the exporter and the validator agree on what column j
means. Topology (which AHU serves which VAV) is derived from the file, never
configured twice, so refs cannot dangle.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from haystack_tui.model.building_file import read_building_file
from haystack_tui.model.catalogue import POINT_TYPES, PointType
from haystack_tui.model.spec import BuildingSpec
from haystack_tui.model.tags import MARKER, Coord, Number, Ref, TagValue, haystack_tz


@dataclass(frozen=True)
class Entity:
    id: str
    """Haystack id, unique in the building."""
    tags: dict[str, TagValue]
    """Every tag, ``id`` excepted."""

    @property
    def dis(self) -> str:
        return str(self.tags.get("dis", self.id))


@dataclass(frozen=True)
class Equip:
    id: str
    type: str
    """Key into ``POINT_TYPES``: chiller, ahu, vav, boiler, elecMeter, ..."""
    index: int
    """Position among equipment of the same type (0-based); the generator's column."""
    short: str
    """The part of point ids naming the equipment, e.g. ``vav-3-south``."""
    dis: str


@dataclass(frozen=True)
class Point:
    id: str
    equip: Equip
    type: PointType
    column: int
    """Column of this point in every generated block."""

    @property
    def kind(self) -> str:
        return self.type.kind

    @property
    def unit(self) -> str | None:
        return self.type.unit

    @property
    def is_totalizer(self) -> bool:
        return self.type.rate is not None


@dataclass(frozen=True)
class Building:
    spec: BuildingSpec
    equips: tuple[Equip, ...]
    points: tuple[Point, ...]
    entities: tuple[Entity, ...] = field(repr=False)
    vav_ahu: tuple[int, ...]
    """AHU index serving each VAV (VAVs in equipment order)."""
    vav_floor: tuple[int, ...]
    vav_zone: tuple[str, ...]

    @property
    def site_id(self) -> str:
        return self.spec.site.id

    @property
    def tz(self) -> str:
        return self.spec.site.tz

    @cached_property
    def point_by_id(self) -> dict[str, Point]:
        return {p.id: p for p in self.points}

    def count(self, equip_type: str) -> int:
        return sum(1 for e in self.equips if e.type == equip_type)

    def columns(self, equip_type: str, suffix: str) -> list[int]:
        """Block columns of one point type across its equipment, in equipment order."""
        return [p.column for p in self.points if p.equip.type == equip_type and p.type.suffix == suffix]

    @cached_property
    def totalizers(self) -> tuple[Point, ...]:
        return tuple(p for p in self.points if p.is_totalizer)

    def rate_point(self, totalizer: Point) -> Point:
        return self.point_by_id[f"point-{totalizer.equip.short}-{totalizer.type.rate}"]

    def initial_reading(self, totalizer: Point) -> float:
        """The meter reading at ``spec.meters.origin`` (from the building file)."""
        m = self.spec.meters
        return {"elecMeter": m.electric_kwh, "gasMeter": m.gas_ft3, "waterMeter": m.water_gal,
                "chiller": m.chiller_kwh}[totalizer.equip.type]


def load_building(path: Path | None = None) -> Building:
    """Read, validate and build the building (None: the packaged default)."""
    return build(read_building_file(path))


def build(spec: BuildingSpec) -> Building:
    equips = _equips(spec)
    points: list[Point] = []
    for eq in equips:
        for pt in POINT_TYPES[eq.type]:
            points.append(Point(f"point-{eq.short}-{pt.suffix}", eq, pt, len(points)))
    n_floors, per = spec.site.floors, spec.ahus.floors_per_ahu
    vav_floor = tuple(f for f in range(1, n_floors + 1) for _ in spec.vavs.zones)
    vav_zone = tuple(z for _ in range(1, n_floors + 1) for z in spec.vavs.zones)
    vav_ahu = tuple((f - 1) // per for f in vav_floor)
    entities = tuple(_entities(spec, equips, points, vav_floor))
    return Building(spec, tuple(equips), tuple(points), entities, vav_ahu, vav_floor, vav_zone)


def _equips(spec: BuildingSpec) -> list[Equip]:
    out: list[Equip] = []

    def add(type_: str, short: str, dis: str, id_: str | None = None) -> None:
        index = sum(1 for e in out if e.type == type_)
        out.append(Equip(id_ or f"equip-{short}", type_, index, short, dis))

    ws = spec.weather_station
    add("weather", ws.id, ws.dis, ws.id)
    for i in range(1, spec.chillers.count + 1):
        add("chiller", f"chiller-{i}", f"Chiller #{i} - {'Lead' if i == 1 else 'Lag'}")
    for i in range(1, spec.boiler.count + 1):
        add("boiler", f"boiler-{i}", f"Boiler #{i}")
    per = spec.ahus.floors_per_ahu
    n_ahu = -(-spec.site.floors // per)
    for i in range(1, n_ahu + 1):
        a, b = (i - 1) * per + 1, min(i * per, spec.site.floors)
        add("ahu", f"ahu-{i}", f"AHU-{i} Floors {a}-{b}")
    for f in range(1, spec.site.floors + 1):
        for z in spec.vavs.zones:
            add("vav", f"vav-{f}-{z}", f"VAV-{f}{z[0].upper()} Floor {f} {z.title()}")
    add("elecMeter", "meter-main-electric", "Main Electric Meter", "meter-main-electric")
    add("gasMeter", "meter-main-gas", "Main Gas Meter", "meter-main-gas")
    add("waterMeter", "meter-main-water", "Main Water Meter", "meter-main-water")
    return out


_EQUIP_MARKERS = {
    "chiller": "chiller", "boiler": "boiler", "ahu": "ahu", "vav": "vav",
    "elecMeter": "elec meter siteMeter", "gasMeter": "naturalGas meter siteMeter",
    "waterMeter": "water meter siteMeter",
}


def _entities(spec: BuildingSpec, equips, points, vav_floor) -> list[Entity]:
    s = spec.site
    site_ref = Ref(s.id, s.dis)
    tz = haystack_tz(s.tz)
    out = [Entity(s.id, {
        "dis": s.dis, "site": MARKER, "area": Number(s.area_ft2, "ft²"), "tz": tz,
        "geoAddr": s.geo_addr or s.dis, "geoCity": s.geo_city or "", "geoCoord": Coord(s.latitude, s.longitude),
        "yearBuilt": Number(s.year_built), "primaryFunction": s.primary_function,
        "weatherStationRef": Ref(spec.weather_station.id, spec.weather_station.dis),
    })]
    for f in range(1, s.floors + 1):
        out.append(Entity(f"floor-{f}", {"dis": f"Floor {f}", "space": MARKER, "floor": MARKER,
                                         "floorNum": Number(f), "siteRef": site_ref}))
    has_chw = spec.chillers.count > 0
    has_hw = spec.boiler.count > 0
    if has_chw:
        out.append(Entity("equip-chw-plant", {"dis": "Chilled Water Plant", "equip": MARKER,
                                              "chilledWaterPlant": MARKER, "siteRef": site_ref}))
    if has_hw:
        out.append(Entity("equip-hw-plant", {"dis": "Hot Water Plant", "equip": MARKER,
                                             "hotWaterPlant": MARKER, "siteRef": site_ref}))
    by_type_index = {(e.type, e.index): e for e in equips}
    for eq in equips:
        out.append(Entity(eq.id, _equip_tags(spec, eq, site_ref, tz, has_chw, has_hw, by_type_index, vav_floor)))
    for p in points:
        out.append(Entity(p.id, _point_tags(p, site_ref, tz)))
    return out


def _equip_tags(spec, eq, site_ref, tz, has_chw, has_hw, by_type_index, vav_floor) -> dict[str, TagValue]:
    if eq.type == "weather":
        return {"dis": eq.dis, "weatherStation": MARKER, "tz": tz, "siteRef": site_ref,
                "geoCoord": Coord(spec.site.latitude, spec.site.longitude)}
    tags: dict[str, TagValue] = {"dis": eq.dis, "equip": MARKER, "siteRef": site_ref}
    for m in _EQUIP_MARKERS[eq.type].split():
        tags[m] = MARKER
    if eq.type == "chiller":
        tags.update(equipRef=Ref("equip-chw-plant", "Chilled Water Plant"),
                    coolingCapacity=Number(spec.chillers.capacity_tons, "tonref"))
        if eq.index == 0:
            tags["primaryEquip"] = MARKER
    elif eq.type == "boiler":
        tags.update(equipRef=Ref("equip-hw-plant", "Hot Water Plant"), hotWaterHeating=MARKER,
                    heatingCapacity=Number(spec.boiler.capacity_mbh, "MBH"))
    elif eq.type == "ahu":
        if has_chw:
            tags.update(chilledWaterRef=Ref("equip-chw-plant", "Chilled Water Plant"), chilledWaterCool=MARKER)
        if has_hw:
            tags.update(hotWaterRef=Ref("equip-hw-plant", "Hot Water Plant"), hotWaterHeat=MARKER)
    elif eq.type == "vav":
        floor = vav_floor[eq.index]
        ahu = by_type_index[("ahu", (floor - 1) // spec.ahus.floors_per_ahu)]
        tags.update(ahuRef=Ref(ahu.id, ahu.dis), spaceRef=Ref(f"floor-{floor}", f"Floor {floor}"),
                    maxAirFlow=Number(spec.vavs.max_airflow_cfm, "cfm"))
    return tags


def _point_tags(p: Point, site_ref: Ref, tz: str) -> dict[str, TagValue]:
    t = p.type
    tags: dict[str, TagValue] = {"dis": f"{p.equip.dis} {t.dis}", "point": MARKER, "his": MARKER, "cur": MARKER,
                                 "kind": t.kind, "tz": tz, "siteRef": site_ref,
                                 "equipRef": Ref(p.equip.id, p.equip.dis)}
    if t.unit:
        tags["unit"] = t.unit
    for m in t.markers:
        tags[m] = MARKER
    if p.is_totalizer:
        tags["hisTotalized"] = MARKER
        tags["hisMode"] = "consumption"
    if t.kind == "Number" and t.decimals >= 0:
        tags["precision"] = Number(t.decimals)
    return tags
