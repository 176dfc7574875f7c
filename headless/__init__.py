"""The headless service: Settings -> Engine -> aiohttp app, for containers.

Must not import Textual or the console (checked by import-linter and a test).
"""
