"""The mlx backend: mlx-lm in this process, constrained by llguidance.

Qwen3's non-thinking mode: the chat template with `enable_thinking=False` (it ends the
prompt with an empty think block, so the grammar starts at the first generated token)
and its recommended sampling (temperature 0.7, top-p 0.8, top-k 20). The model, the
llguidance tokenizer and the system prefix's KV cache are computed once per process;
each request trims the cache back to the prefix and decodes with its own loop, which
overlaps the grammar's mask fill (CPU, llguidance) with the model's forward pass
(launched asynchronously) and stops the moment the grammar accepts.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from functools import cache
from typing import Any, NamedTuple

from lam_bot.backends.base import Completion, Messages
from lam_bot.backends.model_source import (
    check_local_model,
    download_failure,
    is_download_failure,
    looks_like_path,
)
from lam_bot.errors import BackendError, MlxMissing

try:
    import mlx.core as mx
    import numpy as np
    from mlx_lm import load
    from mlx_lm.models.cache import make_prompt_cache, trim_prompt_cache
except ImportError as exc:  # pragma: no cover - depends on the install
    # lam-bot is installed from its repository (README), not from PyPI; the commands that
    # have --backend add "or use --backend openai" (backends/base.py).
    raise MlxMissing(
        f"the mlx backend needs mlx-lm and llguidance ({exc.name} is missing): install "
        "the mlx extra: pip install '.[mlx]' in lam-bot's folder"
    ) from None

DEFAULT_SAMPLING: dict[str, float] = {"temp": 0.7, "top_p": 0.8, "top_k": 20}
PREFILL_CHUNK = 512
# The grammar's bias is -1e30 (backends/grammar.py); anything below this is forbidden.
FORBIDDEN_BELOW = -1e29


class Loaded(NamedTuple):
    model: Any
    tokenizer: Any  # mlx-lm's TokenizerWrapper
    vocab_size: int


def _load_failure(exc: Exception) -> str:
    """The first sentence of a load error, and what the user can do about it."""
    first = " ".join(str(exc).split()).split(". ")[0].rstrip(".")
    if len(first) > 200:
        first = first[:199] + "…"
    offline = os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0")
    hint = "unset HF_HUB_OFFLINE to download it" if offline else "check the name and the network"
    return f"{first or type(exc).__name__} ({hint}, or pass a local mlx model folder with --model)"


@cache
def load_model(model: str, adapter: str | None = None) -> Loaded:
    """Load an mlx model (with a LoRA adapter folder, if given) once per process;
    one-line BackendError when it cannot be.

    `model` is a Hugging Face repo, an mlx model folder, a GGUF file or a short name of
    a packaged GGUF (`smollm2`); GGUF files are converted once (backends/gguf.py).
    """
    from lam_bot.backends.gguf import resolve_model

    check_local_model(model)  # a missing path or an incomplete folder: say which
    folder = resolve_model(model)
    try:
        module, tokenizer = load(folder)[:2]
    except Exception as exc:  # mlx-lm and the hub raise many types; all mean "not loadable"
        if is_download_failure(exc) and not looks_like_path(model):
            raise BackendError(download_failure(model)) from None
        raise BackendError(f"cannot load model {model!r}: {_load_failure(exc)}") from None
    if adapter is not None:
        module = _with_adapter(module, adapter)
    vocab = int(module.args.vocab_size) if hasattr(module, "args") else len(tokenizer)
    return Loaded(module, tokenizer, vocab)


def _with_adapter(module: Any, adapter: str) -> Any:
    """`module` with the adapter applied (mlx-lm's public `load_adapters`, as `load` does)."""
    from mlx_lm.utils import load_adapters

    try:
        module = load_adapters(module, adapter)
    except Exception as exc:  # missing folder or config, incompatible tensors
        first = " ".join(str(exc).split())[:200]
        raise BackendError(f"cannot load adapter {adapter!r}: {first}") from None
    module.eval()
    return module


class _Prefix(NamedTuple):
    tokens: tuple[int, ...]
    cache: list[Any]


class MlxBackend:
    """Qwen3 on mlx-lm with llguidance constrained decoding."""

    name = "mlx"

    def __init__(self, model: str, adapter: str | None = None) -> None:
        self.model_name = model
        self.loaded = load_model(model, adapter)
        self._prefix: _Prefix | None = None
        self.last_tokens: list[int] = []  # the last reply's token ids (for benchmarks)
        self.last_picks = Counter[str]()  # how its tokens were picked (GrammarPicker)
        self.last_passes = 0  # the last reply's decode forward passes (for benchmarks)
        self.jump_forward = True  # forced runs in one forward pass (off: one pass each)

    def prompt_tokens(self, messages: Messages) -> list[int]:
        """The chat-templated prompt, thinking off, ready for the assistant's reply."""
        tokens: list[int] = self.loaded.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, enable_thinking=False, tokenize=True
        )
        return list(tokens)

    def complete(
        self,
        messages: Messages,
        schema: dict[str, Any] | None,
        *,
        seed: int | None,
        temperature: float | None,
        max_tokens: int,
    ) -> Completion:
        """Decode a reply; constrained to `schema` unless it is None."""
        tokens = self.prompt_tokens(messages)
        constraint = self._constraint(schema)
        start = time.perf_counter()
        try:
            logits = self._prefill(tokens, messages)
            sampler = _sampler(temperature, seed)
            decoder = _Decoder(self, constraint, sampler)
            decoded = decoder.run(logits, max_tokens)
        except MemoryError:
            raise BackendError(f"out of memory running {self.model_name}") from None
        except RuntimeError as exc:
            if "memory" in str(exc).lower():
                raise BackendError(f"out of memory running {self.model_name}: {exc}") from None
            raise
        seconds = time.perf_counter() - start
        self.last_tokens = decoded.tokens
        self.last_picks = decoder.picker.kinds if decoder.picker else Counter[str]()
        self.last_passes = decoder.passes
        text = self.loaded.tokenizer.decode(decoded.tokens)
        return Completion(
            text, len(tokens), len(decoded.tokens), seconds, decoded.first, decoded.cut_off
        )

    def _constraint(self, schema: dict[str, Any] | None) -> Any:
        if schema is None:
            return None
        from lam_bot.backends.grammar import Constraint, lltokenizer

        hf_tokenizer = self.loaded.tokenizer._tokenizer
        return Constraint(lltokenizer(hf_tokenizer, self.loaded.vocab_size), schema)

    def _prefill(self, tokens: list[int], messages: Messages) -> mx.array:
        """Logits for the prompt's last position, reusing the cached system prefix."""
        prefix = self._system_prefix(messages)
        if tuple(tokens[: len(prefix.tokens)]) != prefix.tokens:
            prefix = self._fill(())  # a different system text: no reuse
        cache_tokens = prefix.cache[0].offset if prefix.cache else 0
        trim_prompt_cache(prefix.cache, cache_tokens - len(prefix.tokens))
        self.cache = prefix.cache
        rest = tokens[len(prefix.tokens) :]
        logits = None
        for begin in range(0, len(rest), PREFILL_CHUNK):  # mlx-lm's generate chunks too
            chunk = mx.array(rest[begin : begin + PREFILL_CHUNK])[None]
            logits = self.loaded.model(chunk, cache=self.cache)
            mx.eval([c.state for c in self.cache])
        assert logits is not None  # the template always adds the assistant header
        return logits[:, -1, :]

    def _system_prefix(self, messages: Messages) -> _Prefix:
        system = [m for m in messages[:1] if m["role"] == "system"]
        if not system:
            return self._fill(())
        text = self.loaded.tokenizer.apply_chat_template(system, tokenize=False)
        tokens = tuple(self.loaded.tokenizer.encode(text, add_special_tokens=False))
        if self._prefix is None or self._prefix.tokens != tokens:
            self._prefix = self._fill(tokens)
        return self._prefix

    def _fill(self, tokens: tuple[int, ...]) -> _Prefix:
        prompt_cache = make_prompt_cache(self.loaded.model)
        for begin in range(0, len(tokens), PREFILL_CHUNK):
            chunk = mx.array(tokens[begin : begin + PREFILL_CHUNK])[None]
            self.loaded.model(chunk, cache=prompt_cache)
            mx.eval([c.state for c in prompt_cache])
        return _Prefix(tokens, prompt_cache)


class Sampler:
    """Qwen3's sampling: top-k, then top-p among those k, at `temperature` (0: greedy).

    On the CPU, selecting the top k of 151,936 logits costs ~3 ms in MLX and ~1 ms with
    numpy's argpartition (mlx-lm's `make_sampler` applies top-p first, sorting the whole
    vocabulary: ~25 ms), so the final pick runs in numpy with its own seeded generator.
    Top-k before top-p is the order transformers applies Qwen3's generation config in.
    """

    def __init__(self, temperature: float, top_p: float, top_k: int, seed: int | None) -> None:
        self.temperature, self.top_p, self.top_k = temperature, top_p, top_k
        self.rng = np.random.default_rng(seed)

    def __call__(self, logits: np.ndarray) -> int:
        if self.temperature <= 0:
            return int(np.argmax(logits))
        index = _top_k(logits, self.top_k)
        values = logits[index].astype(np.float64) / self.temperature
        order = np.argsort(-values)
        index, values = index[order], values[order]
        probs = np.exp(values - values[0])
        probs /= probs.sum()
        keep = (np.cumsum(probs) - probs) < self.top_p  # always keeps the best
        probs = np.where(keep, probs, 0.0)
        return int(index[self.rng.choice(index.size, p=probs / probs.sum())])


def _top_k(logits: np.ndarray, k: int) -> np.ndarray:
    """Indices of the (at most) k largest allowed logits, in any order; exact.

    A full argpartition of 151,936 logits costs 1-3 ms here. Every logit within `gap`
    of the maximum is a candidate, and once there are k candidates the top k are among
    them; a grammar often allows fewer than k tokens, which are then all of them.
    """
    ceiling = logits.max()
    for gap in (0.5, 1.0, 2.0, 4.0, 8.0, 16.0):
        candidates = np.flatnonzero(logits >= ceiling - gap)
        if candidates.size >= k:
            return candidates[np.argpartition(logits[candidates], -k)[-k:]]
    allowed = np.flatnonzero(logits > FORBIDDEN_BELOW)
    if allowed.size <= k:
        return allowed
    return allowed[np.argpartition(logits[allowed], -k)[-k:]]


def _sampler(temperature: float | None, seed: int | None) -> Sampler:
    temp = DEFAULT_SAMPLING["temp"] if temperature is None else temperature
    top_p, top_k = DEFAULT_SAMPLING["top_p"], int(DEFAULT_SAMPLING["top_k"])
    return Sampler(temp, top_p, top_k, seed)


class _Decoded(NamedTuple):
    tokens: list[int]
    first: float
    cut_off: bool = False  # max_tokens reached before the grammar accepted or EOS came


class GrammarPicker:
    """Picks each constrained token: the grammar's mask, applied by `Masker`, then sampling.

    The mask is filled while the forward pass launched by `_Decoder._step` still runs;
    a token the grammar forces is returned without waiting for the model's logits.
    """

    def __init__(self, constraint: Any, vocab: int, sampler: Sampler) -> None:
        from lam_bot.backends.grammar import Masker

        self.constraint, self.sample, self.masker = constraint, sampler, Masker(vocab)
        self.kinds: Counter[str] = Counter()  # how each token was picked (benchmark, tests)

    def __call__(self, logits: mx.array) -> int:
        choice = self.masker.apply(logits, self.constraint.fill())
        forced = choice.ids if choice.logits is None else None
        if forced is not None:
            self.kinds["forced"] += 1
            return int(forced[0])
        self.kinds["dense" if choice.ids is None else "sparse"] += 1
        index = self.sample(np.array(choice.logits))
        return index if choice.ids is None else int(choice.ids[index])


class _Decoder:
    """The decode loop: forward (async) ∥ grammar, then sample, consume.

    Jump-forward decoding: after each sampled token, the tokens the grammar forces next
    (llguidance's `compute_ff_tokens`, e.g. `","steps":[{"` after a string) are consumed
    at once and go through the model with the sampled token in one forward pass, which
    extends the KV cache by the whole run; without it each costs a pass of its own.
    """

    def __init__(self, backend: MlxBackend, constraint: Any, sampler: Sampler) -> None:
        self.model = backend.loaded.model
        self.jump_forward = backend.jump_forward
        self.passes = 0  # decode forward passes (the prompt's prefill not counted)
        self.cache = backend.cache
        self.eos = set(backend.loaded.tokenizer.eos_token_ids)
        self.constraint = constraint
        self.sample = sampler
        self.picker: GrammarPicker | None = None
        if constraint is not None:
            self.picker = GrammarPicker(constraint, backend.loaded.vocab_size, sampler)

    def _pick(self, logits: mx.array) -> int:
        if self.picker is None:
            return self.sample(np.array(logits[0]))
        return self.picker(logits)

    def _step(self, run: list[int]) -> mx.array:
        """One forward pass over `run` (a sampled token and the forced ones after it)."""
        self.passes += 1
        logits = self.model(mx.array([run]), cache=self.cache)[:, -1, :]
        mx.async_eval(logits)
        return logits

    def _forced(self, budget: int) -> list[int]:
        """The tokens the grammar forces next (at most `budget`), consumed, or [] when off."""
        if not self.jump_forward or self.constraint is None or budget <= 0:
            return []
        forced = self.constraint.forced()[:budget]
        if forced:
            self.constraint.consume_run(forced)
            assert self.picker is not None
            self.picker.kinds["forced"] += len(forced)
        return forced

    def run(self, logits: mx.array, max_tokens: int) -> _Decoded:
        start, first, tokens = time.perf_counter(), 0.0, list[int]()
        mx.async_eval(logits)
        while len(tokens) < max_tokens:
            token = self._pick(logits)
            first = first or time.perf_counter() - start
            if self.constraint is None and token in self.eos:
                return _Decoded(tokens, first)
            tokens.append(token)
            run = [token]
            if self.constraint is not None:
                self.constraint.consume(token)
                run += self._forced(max_tokens - len(tokens))
                tokens += run[1:]
                if self.constraint.done:
                    return _Decoded(tokens, first)
            if len(tokens) < max_tokens:
                logits = self._step(run)
        # The caller decides what a partial reply is worth; the text is kept for it.
        return _Decoded(tokens, first, cut_off=True)
