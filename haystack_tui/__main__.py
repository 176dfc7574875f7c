"""`python -m haystack_tui` is the same as the `haystack-tui` command."""

from haystack_tui.cli import main

raise SystemExit(main())
