"""Campaign-progress dashboard: everything that is not a page."""
