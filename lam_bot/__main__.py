from __future__ import annotations

from lam_bot.cli import main

raise SystemExit(main())
