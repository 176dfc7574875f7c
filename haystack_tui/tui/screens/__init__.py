"""Screens pushed over the main console: point detail, backfill dialog, help."""

from haystack_tui.tui.screens.backfill import BackfillDialog
from haystack_tui.tui.screens.detail import PointDetailScreen
from haystack_tui.tui.screens.help import HelpScreen

__all__ = ["BackfillDialog", "HelpScreen", "PointDetailScreen"]
