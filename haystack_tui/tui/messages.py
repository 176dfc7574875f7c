"""What the console's workers report back to the App, in the past tense.

Workers never touch widgets; they post one of these and a handler named for
the intent updates the screen. Plain dataclasses over engine status records.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from haystack_tui.engine.status import CheckState, Event


@dataclass
class SourceFailed(Message):
    """The source could not be reached or refused us; polling goes on."""

    reason: str


@dataclass
class SourceRecovered(Message):
    """The source answers again after a failure."""


@dataclass
class EventReceived(Message):
    """The engine reported something (a tick, a backfill step, an error)."""

    event: Event


@dataclass
class CommandAccepted(Message):
    """The engine took an operator command (pause, resume, backfill)."""

    command: str
    detail: str


@dataclass
class CommandFailed(Message):
    """An operator command was refused or could not be delivered."""

    command: str
    reason: str


@dataclass
class ValidationFinished(Message):
    """The data-quality checks ran; ``checks`` holds every result."""

    checks: tuple[CheckState, ...]
