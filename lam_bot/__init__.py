"""lam-bot: turn a request into a reviewed, installable Claude Code agent."""

from __future__ import annotations

__version__ = "0.1.0"
