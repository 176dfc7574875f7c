"""The building as Haystack entities: site, equips, points, tags, refs.

Pure data: no I/O except reading the building file, no SQL, no numpy physics.
"""

from haystack_tui.model.building import Building, load_building
from haystack_tui.model.spec import BuildingSpec

__all__ = ["Building", "BuildingSpec", "load_building"]
