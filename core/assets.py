"""Where the shipped files live: prose, reference results, checkpoints.

Each file under `assets/` is produced by a command of this project (named in
the folder's README or in the file's own metadata) and loaded by a test.
"""
from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
CHECKPOINTS = ASSETS / "checkpoints"
REFERENCE = ASSETS / "reference"
PROSE = ASSETS / "prose"
