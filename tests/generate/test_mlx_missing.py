"""Without the `[mlx]` extra: a one-line error that says how to install it from here.

lam-bot is installed from its repository (README), not PyPI, so the hint names the
extra in lam-bot's folder; only commands with --backend offer `--backend openai`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lam_bot.cli import cli


@pytest.fixture
def no_mlx(monkeypatch: pytest.MonkeyPatch) -> None:
    """mlx and mlx-lm cannot be imported, and lam-bot's mlx backend is not loaded yet."""
    for name in ("mlx", "mlx.core", "mlx_lm"):
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "lam_bot.backends.mlx", raising=False)


def test_generate_names_the_extra_and_the_openai_backend(no_mlx: None, tmp_path: Path) -> None:
    args = ["generate", "Review Terraform plans", "--backend", "mlx", "--out", str(tmp_path)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "install the mlx extra: pip install '.[mlx]' in lam-bot's folder" in result.output
    assert "or use --backend openai" in result.output
    assert "lam-bot[mlx]" not in result.output and "Traceback" not in result.output


def test_finetune_does_not_offer_a_backend_it_lacks(no_mlx: None, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.jsonl").write_text('{"messages": []}\n')
    args = ["finetune", "--data", str(data), "--out", str(tmp_path / "a"), "-q"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert "pip install '.[mlx]' in lam-bot's folder" in result.output
    assert "--backend" not in result.output and "Traceback" not in result.output
