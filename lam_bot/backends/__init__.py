"""Model backends behind one protocol; see `base`."""

from __future__ import annotations

from lam_bot.backends.base import BACKENDS, Backend, Completion, get_backend

__all__ = ["BACKENDS", "Backend", "Completion", "get_backend"]
