"""The operator console: a Textual App over a ``Source`` (the engine in this
process, or a headless service over HTTP).

It renders the engine's status records and sends commands; it must never
write SQL or import ``haystack_tui.store``. Textual and aiohttp are imported
only inside this package, lazily from the CLI.
"""
