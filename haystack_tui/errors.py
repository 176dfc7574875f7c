"""The two kinds of failure a user can meet, each mapped to an exit code.

Why two classes: the CLI contract says bad usage/configuration/input exits 2
and a failure at run time exits 1. Raising the right class deep inside keeps
that decision next to the cause, and the CLI only maps class -> code and
prints the message as one line.
"""


class HaystackError(Exception):
    """Base class: the message is one line meant for a person."""

    exit_code = 1


class ConfigError(HaystackError):
    """Bad usage, configuration or input (exit code 2). Nothing was written."""

    exit_code = 2


class RuntimeFailure(HaystackError):
    """A failure while running: database unreachable, validation failed (exit 1)."""

    exit_code = 1


class DatabaseUnavailable(RuntimeFailure):
    """The database cannot be reached (or the embedded one started): worth retrying."""
