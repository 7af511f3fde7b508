"""Atomic output: every file the study writes appears whole or not at all.

A file is written to a temporary name in the same folder and renamed into
place (``os.replace`` is atomic on POSIX and Windows), so an interrupted run
never leaves a half-written table, figure or ``results.json``. Files are then made
mode 0644 (readable by all; the temporary file's 0600 and the umask do not leak through).
"""

from __future__ import annotations

from skillshore._io import OUTPUT_MODE, atomic_path, write_json, write_text  # re-exported

__all__ = ["atomic_path", "write_text", "write_json", "OUTPUT_MODE"]
