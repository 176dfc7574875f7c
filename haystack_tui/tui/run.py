"""``haystack-tui console``: build the console, run it, return an exit code.

The CLI imports this lazily, so one-shot commands never load Textual. A local
engine is started by the App once it is on screen and stopped cleanly when it
quits (``LocalSource.close``, from the App's unmount), whatever ended it.
"""

from __future__ import annotations

from haystack_tui.config import Settings
from haystack_tui.tui.app import make_app


def run_console(settings: Settings, attach: str | None = None, token: str | None = None) -> int:
    """Run until the operator quits; 0 then, 1 if the console itself failed."""
    app = make_app(settings, attach=attach, token=token)
    app.run()
    return app.return_code or 0
