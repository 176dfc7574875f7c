"""`python -m headless` runs the service, like `haystack-tui serve`."""

import sys

from haystack_tui.cli import main

raise SystemExit(main(["serve", *sys.argv[1:]]))
