"""The translation desk: requests and workflow, the side-by-side segments, stale detection,
translation memory, machine-translation engines and quality checks.

Writes go through ``services`` and ``workflow``; reads through ``selectors``."""
