"""`python -m kuntadata.sources.statfin.testing --port 8765`: serve the PxWeb emulator."""

from __future__ import annotations

from .server import main

main()
