"""haystack-tui: a Project Haystack building-data simulator.

The package holds the engine (model, sim, store, engine, validate) and the
Textual console (tui). The engine never imports Textual or aiohttp.
"""

__version__ = "0.1.0"
