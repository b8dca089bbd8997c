"""Shared fixtures: the fake OpenAI-compatible server, the CLI against it, the tiny model."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.support.fake_openai import FakeOpenAI, serve

# Tests never reach the Hugging Face Hub: a model that is not a local path fails fast.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture(autouse=True, scope="session")
def _private_result_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """`lam-bot validate` runs (subprocesses included) keep their cache out of ~/.cache."""
    os.environ["LAM_BOT_CACHE_DIR"] = str(tmp_path_factory.mktemp("lam-bot-cache"))
    yield
    del os.environ["LAM_BOT_CACHE_DIR"]


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on 127.0.0.1; queue replies with `.queue(...)`."""
    with serve() as state:
        yield state


@pytest.fixture
def run_lam_bot(
    openai_server: FakeOpenAI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """`lam-bot ARGS…` (stdin= feeds input) on the fake server's openai backend, in tmp_path."""
    from lam_bot.cli import cli

    monkeypatch.setenv("LAM_BOT_BACKEND", "openai")
    monkeypatch.setenv("LAM_BOT_BASE_URL", openai_server.url)
    monkeypatch.setenv("LAM_BOT_MODEL", "lam")
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str, stdin: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight Qwen3 mlx model with the real Qwen3 tokenizer (built once)."""
    from tests.support.fixture_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-qwen3"))
