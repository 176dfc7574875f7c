"""The console's panels; each renders from the App's snapshot and nothing else."""

from haystack_tui.tui.widgets.activity import ActivityLog
from haystack_tui.tui.widgets.gaps import GapPanel
from haystack_tui.tui.widgets.points import PointsTable
from haystack_tui.tui.widgets.status import StatusBar
from haystack_tui.tui.widgets.totalizers import TotalizerTable
from haystack_tui.tui.widgets.validation import ValidationTable

__all__ = ["ActivityLog", "GapPanel", "PointsTable", "StatusBar", "TotalizerTable", "ValidationTable"]
