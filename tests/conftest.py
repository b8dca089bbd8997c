"""Shared fixtures: the fake OpenAI-compatible server and the tiny Qwen3 fixture model."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.fake_openai import FakeOpenAI, serve

# Tests never reach the Hugging Face Hub: a model that is not a local path fails fast.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on 127.0.0.1; queue replies with `.queue(...)`."""
    with serve() as state:
        yield state


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight Qwen3 mlx model with the real Qwen3 tokenizer (built once)."""
    from tests.support.fixture_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny-qwen3"))
